"""The benchmark's own database: a SQLite file under bench/results/, or a PostgreSQL database `bench_<scale>`.

Never the demo's database: the URL is derived here and exported as DATABASE_URL before Django starts, so the
bench process, the gunicorn it starts and the commands it runs all point at the same throwaway database.
"""

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class BenchDatabase:
    vendor: str  # "sqlite" or "postgresql"
    url: str  # what DATABASE_URL is set to
    name: str  # the file path (SQLite) or the database name (PostgreSQL)
    admin_url: str = ""  # PostgreSQL: the maintenance database, to create and drop the bench database

    def describe(self) -> str:
        return f"{self.vendor} {self.name}"


def bench_database(scale: str) -> BenchDatabase:
    """The bench database for a scale: PostgreSQL next to the server DATABASE_URL names, SQLite otherwise."""
    server_url = os.environ.get("DATABASE_URL", "").strip()
    if server_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        parts = urlsplit(server_url)
        # BENCH_DATABASE_NAME: a database of one's own on a server others bench on too (bench_<scale> otherwise).
        name = os.environ.get("BENCH_DATABASE_NAME", "").strip() or f"bench_{scale}"
        return BenchDatabase(
            vendor="postgresql",
            url=urlunsplit(parts._replace(path=f"/{name}")),
            name=name,
            admin_url=urlunsplit(parts._replace(path="/postgres")),
        )
    if server_url and not server_url.startswith("sqlite"):
        raise SystemExit(f"make bench knows SQLite and PostgreSQL, not {parts_scheme(server_url)}.")
    path = RESULTS_DIR / f"bench_{scale}.sqlite3"
    return BenchDatabase(vendor="sqlite", url=f"sqlite:///{path}", name=str(path))


def parts_scheme(url: str) -> str:
    return urlsplit(url).scheme or url


def _pg_conninfo(url: str) -> str:
    # psycopg reads postgres:// URLs itself; dj-database-url's "postgresql://" spelling is the same scheme.
    return url.replace("pgsql://", "postgresql://", 1)


def dbapi_connect(db: BenchDatabase):
    """A plain DB-API connection to the bench database (the floors' hand-written SQL runs through it)."""
    if db.vendor == "postgresql":
        import psycopg

        return psycopg.connect(_pg_conninfo(db.url), autocommit=True)
    # check_same_thread=False: the floor's threads each open their own connection; this one is used by one.
    connection = sqlite3.connect(db.name, check_same_thread=False, timeout=60)
    return connection


def exists(db: BenchDatabase) -> bool:
    if db.vendor == "sqlite":
        return Path(db.name).is_file()
    import psycopg

    with psycopg.connect(_pg_conninfo(db.admin_url), autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db.name]).fetchone() is not None


def drop(db: BenchDatabase) -> None:
    if db.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(db.name + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(_pg_conninfo(db.admin_url), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db.name)))


def create(db: BenchDatabase) -> None:
    """An empty database (the caller migrates it)."""
    drop(db)
    if db.vendor == "sqlite":
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(_pg_conninfo(db.admin_url), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db.name)))


# What the generator leaves behind once it has finished, so that `--keep` knows a database is complete.
META_TABLE = "bench_meta"


def read_meta(db: BenchDatabase) -> dict:
    if not exists(db):
        return {}
    connection = dbapi_connect(db)
    try:
        rows = connection.execute(f"SELECT key, value FROM {META_TABLE}").fetchall()
    except Exception:
        return {}
    finally:
        connection.close()
    return dict(rows)


def write_meta(db: BenchDatabase, values: dict) -> None:
    connection = dbapi_connect(db)
    try:
        connection.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key varchar(60) PRIMARY KEY, value text)")
        connection.execute(f"DELETE FROM {META_TABLE}")
        placeholder = "%s" if db.vendor == "postgresql" else "?"
        for key, value in values.items():
            connection.execute(
                f"INSERT INTO {META_TABLE} (key, value) VALUES ({placeholder}, {placeholder})", [key, str(value)]
            )
        if db.vendor == "sqlite":
            connection.commit()
    finally:
        connection.close()
