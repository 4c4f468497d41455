"""Production settings: the server refuses to start without a secret key, and takes its hosts from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    code = "import config.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_production_without_secret_key_refuses_to_start():
    result = load_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_with_secret_key_uses_given_hosts_and_secure_cookies():
    result = load_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="platform.example.gov.cn")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['platform.example.gov.cn'] True"


def test_a_sqlite_database_file_is_opened_with_a_write_ahead_log(tmp_path, db):
    """`make run`'s SQLite: readers and the task worker's writes do not block each other (config/settings.py)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite default only")
    from django.db.backends.sqlite3.base import DatabaseWrapper

    wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(tmp_path / "wal.sqlite3")}, alias="wal_check")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 1  # NORMAL
    finally:
        wrapper.close()
