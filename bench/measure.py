"""Timing helpers: percentiles, one HTTP request timed to its first byte and its last, a load of concurrent clients.

The load uses `requests` (one keep-alive Session per client thread); single requests use http.client, which
tells the first byte (headers read, first body byte read) from the last.
"""

import gc
import http.client
import math
import random
import statistics
import threading
import time
from dataclasses import dataclass, field


def percentile(values, fraction: float) -> float:
    """Nearest-rank percentile (fraction 0..1) of a non-empty list."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    # The smallest value with at least `fraction` of the values at or below it: rank ceil(fraction × n), so the
    # p95 of twenty is the nineteenth (the ninth digit rounded first: 0.95 × 20 must not come out as 19.000…04).
    rank = max(1, math.ceil(round(fraction * len(ordered), 9)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(times_ms) -> dict:
    times_ms = list(times_ms)
    return {
        "n": len(times_ms),
        "median_ms": round(statistics.median(times_ms), 2),
        "p95_ms": round(percentile(times_ms, 0.95), 2),
        "p99_ms": round(percentile(times_ms, 0.99), 2),
    }


# Slow answers are repeated fewer times: at least MIN_REPEATS, then no more once this many seconds are spent on
# one figure (a 10-second page repeated ten times would keep city scale on SQLite past its 15 minutes).
MIN_REPEATS = 3
BUDGET_SECONDS = 20.0
SLOW_WARMUP_SECONDS = 2.0


def repeat(function, times: int, warmup: int = 1, budget_s: float | None = BUDGET_SECONDS) -> list[float]:
    """Milliseconds of each call after `warmup` unmeasured calls (fewer calls when they are slow, see above).

    A warm-up call slower than SLOW_WARMUP_SECONDS counts as the first measurement: what warming up saves (a
    template compiled, a connection opened) is lost in a call that slow, and repeating it costs minutes.
    """
    result = []
    spent = 0.0
    for _ in range(warmup):
        started = time.perf_counter()
        function()
        elapsed = time.perf_counter() - started
        if elapsed > SLOW_WARMUP_SECONDS:
            result.append(elapsed * 1000)
            spent += elapsed
    while len(result) < times:
        # As timeit does: the measuring process's own garbage collection (its heap holds Django, the floors'
        # results, pandas' frames) is not the app's time; it runs between calls instead of inside one.
        gc.collect(0)
        gc.disable()
        try:
            started = time.perf_counter()
            function()
            elapsed = time.perf_counter() - started
        finally:
            gc.enable()
        result.append(elapsed * 1000)
        spent += elapsed
        if budget_s is not None and len(result) >= min(MIN_REPEATS, times) and spent > budget_s:
            break
    return result


@dataclass
class Fetched:
    status: int
    ttfb_ms: float
    total_ms: float
    size: int
    body: bytes = b""


class HttpSite:
    """The server under test: one keep-alive connection for sequential requests, with an optional session cookie."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self._connection = None

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def fetch(self, path: str, cookie: str = "", keep_body: bool = False) -> Fetched:
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Encoding": "identity"}
        if cookie:
            headers["Cookie"] = cookie
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(self.host, self.port, timeout=600)
            try:
                started = time.perf_counter()
                self._connection.request("GET", path, headers=headers)
                response = self._connection.getresponse()
                first = response.read(1)
                ttfb = time.perf_counter() - started
                rest = response.read()
                total = time.perf_counter() - started
                if response.getheader("Connection", "").lower() == "close":
                    self._connection.close()
                    self._connection = None
                body = first + rest if keep_body else b""
                return Fetched(response.status, ttfb * 1000, total * 1000, len(first) + len(rest), body)
            except (http.client.HTTPException, ConnectionError):
                self._connection.close()
                self._connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@dataclass
class LoadResult:
    times_ms: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        data = summary(self.times_ms)
        data["requests"] = len(self.times_ms)
        data["requests_per_second"] = round(len(self.times_ms) / self.seconds, 1) if self.seconds else 0.0
        data["statuses"] = {str(k): v for k, v in sorted(self.statuses.items())}
        return data


def _jobs(items, rounds: int, seed: int) -> list:
    jobs = [item for _ in range(rounds) for item in items]
    random.Random(seed).shuffle(jobs)
    return jobs


def run_threads(jobs, workers: int, make_worker) -> LoadResult:
    """Run `jobs` through `workers` threads; make_worker() -> (call(job) -> status, close())."""
    result = LoadResult()
    lock = threading.Lock()
    position = [0]
    barrier = threading.Barrier(workers + 1)

    def loop():
        call, close = make_worker()
        times, statuses = [], {}
        barrier.wait()
        while True:
            with lock:
                if position[0] >= len(jobs):
                    break
                job = jobs[position[0]]
                position[0] += 1
            started = time.perf_counter()
            status = call(job)
            times.append((time.perf_counter() - started) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
        close()
        with lock:
            result.times_ms.extend(times)
            for key, value in statuses.items():
                result.statuses[key] = result.statuses.get(key, 0) + value

    threads = [threading.Thread(target=loop) for _ in range(workers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def http_load(base: str, paths, *, clients: int, rounds: int, seed: int = 1) -> LoadResult:
    """`clients` concurrent keep-alive clients (requests.Session) over the paths, each path `rounds` times."""
    import requests

    def make_worker():
        session = requests.Session()
        session.headers["Accept-Encoding"] = "identity"

        def call(path):
            response = session.get(base + path, timeout=600)
            _ = response.content
            return response.status_code

        return call, session.close

    return run_threads(_jobs(paths, rounds, seed), clients, make_worker)
