"""gunicorn serving the app against the bench database on a free loopback port, as in production (DEBUG off)."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_environment(database_url: str) -> dict:
    """The environment of every process of the run: the bench database, production settings, no throttling."""
    env = dict(os.environ)
    # One database for every read: a read replica named in the environment would be another database.
    env.pop("DATABASE_REPLICA_URL", None)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        # One key for the bench process and the server: sessions made by one are read by the other.
        DJANGO_SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or f"bench-{secrets.token_hex(32)}",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        # The bench measures the pages, not the API's rate limits (429 would end the load after 120 requests).
        API_THROTTLE_ANON="100000000/minute",
        API_THROTTLE_USER="100000000/minute",
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, env: dict, workers: int, log_path: Path):
        self.env, self.workers, self.log_path = env, workers, log_path
        self.port = free_port()
        self.process = None

    def __enter__(self):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        # --timeout 300: the bench measures slow pages instead of having gunicorn kill them (the issue notes the
        # printable directory went past the default 30 s under load).
        self.process = subprocess.Popen(
            [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
             "--timeout", "300", "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn did not start; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise SystemExit(f"gunicorn did not answer /healthz within 60 s; see {self.log_path}")

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return False
