"""`make bench SCALE=small|city|national [ARGS=--keep]`: the platform measured from outside against its floors.

Generates the scale's synthetic data into a database of its own (bench/results/bench_<scale>.sqlite3, or the
PostgreSQL database bench_<scale> beside the server DATABASE_URL names), serves it with gunicorn on a free
loopback port, and measures, each figure as median and p95 over repeats beside its floor or peer from the same
run: (1) the directory API and page under 8 concurrent clients, (2) the local content ratio (API, dashboard by
role, home page), (3) the purchase file import, (4) a subsidy application over 10,000 eligible purchases, (5) the
printable directory, the full exports and /my/purchases/ of the largest anchor firm. Prints a table and writes
bench/results.json. README.md's "Performance" section says what each figure means.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from . import database

ROOT = Path(__file__).resolve().parent.parent
RESULTS_JSON = Path(__file__).resolve().parent / "results.json"
GENERATOR_VERSION = "1"
SECTIONS = ("directory", "lcr", "exports", "application", "import")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default=os.environ.get("SCALE") or "city",
                        choices=["tiny", "small", "city", "national"])
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated database, and reuse it if a complete one is there")
    parser.add_argument("--repeat", type=int, default=None, help="repeats of each single measurement")
    parser.add_argument("--rounds", type=int, default=None, help="rounds of the directory's query mix per client load")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--import-rows", type=int, default=None)
    parser.add_argument("--peer-rows", type=int, default=None, help="rows django-import-export imports")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated, of: {', '.join(SECTIONS)}; 'none' only generates (with --keep)")
    parser.add_argument("--output", default=str(RESULTS_JSON))
    parser.add_argument("--update-readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)
    small = args.scale in ("tiny", "small")
    # Twenty, so that a p95 is not simply the slowest call (slow figures stop early: measure.BUDGET_SECONDS).
    args.repeat = args.repeat or 20
    args.rounds = args.rounds or (6 if small else 5)
    args.import_rows = args.import_rows or {"tiny": 2_000, "small": 20_000}.get(args.scale, 100_000)
    args.peer_rows = args.peer_rows or min(args.import_rows, 2_000)
    args.import_repeats = 3 if small else 2
    args.only = [s.strip() for s in args.only.split(",") if s.strip() and s.strip() != "none"]
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    return args


def log(message: str) -> None:
    print(message, flush=True)


def _versions(db) -> dict:
    import django
    import pandas

    versions = {"python": platform.python_version(), "django": django.get_version(), "pandas": pandas.__version__}
    try:
        import gunicorn

        versions["gunicorn"] = gunicorn.__version__
    except ImportError:
        pass
    from django.db import connection

    with connection.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            versions["postgresql"] = cursor.fetchone()[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            versions["sqlite"] = cursor.fetchone()[0]
    try:
        versions["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                            text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return versions


def prepare_database(args, db) -> dict:
    """Django set up on the bench database, migrated and filled (or reused with --keep)."""
    import django
    from django.core.management import call_command

    meta = database.read_meta(db)
    reuse = args.keep and meta.get("scale") == args.scale and meta.get("generator") == GENERATOR_VERSION
    if not reuse:
        log(f"Creating {db.describe()}")
        database.create(db)
    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if pending:
        log(f"  migrated ({len(pending)} migrations, {time.perf_counter() - started:.1f} s)")
    if reuse:
        log(f"Reusing {db.describe()} (generated {meta.get('generated_at')})")
        from .generate import vacuum_dead_rows

        vacuum_dead_rows(log)  # what an earlier run left, had it stopped before its own vacuum
        if pending:
            from .generate import rebuild_derived_tables

            rebuild_derived_tables(log)
        return meta
    from .generate import generate

    log(f"Generating the {args.scale} data set")
    generated = generate(args.scale, log=log)
    meta = {
        "scale": args.scale, "generator": GENERATOR_VERSION, "generated_at": datetime.now(UTC).isoformat(),
        "generate_seconds": round(generated.seconds, 1), "companies": generated.companies,
        "products": generated.products, "figures": generated.figures, "purchases": generated.purchases,
        "largest_anchor": generated.largest_anchor_uscc, "rebuilt": ",".join(generated.rebuilt),
    }
    connection.close()
    database.write_meta(db, meta)
    log(f"Generated in {generated.seconds:.1f} s")
    return meta


def bench_people(meta: dict) -> dict:
    """The logins the bench uses: the largest anchor firm's, a small anchor firm's, an official's."""
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from registry.models import OFFICIALS_GROUP, Company, User

    largest = Company.objects.get(uscc=meta["largest_anchor"])
    small = (Company.objects.filter(is_anchor=True).exclude(pk=largest.pk).annotate(n=Count("purchases"))
             .filter(n__gt=0).order_by("n", "pk").first())

    def user(username, **fields):
        person, _ = User.objects.update_or_create(username=username, defaults=fields)
        return person

    people = {
        "anchor": user("bench_anchor", company=largest, email="anchor@bench.invalid"),
        "small_anchor": user("bench_small_anchor", company=small, email="small@bench.invalid"),
        "official": user("bench_official", is_staff=True, is_superuser=True, email="official@bench.invalid"),
    }
    group, _ = Group.objects.get_or_create(name=OFFICIALS_GROUP)
    people["official"].groups.add(group)
    return {"users": people, "largest": largest, "small": small}


def session_cookies(users: dict) -> dict:
    """A session cookie per login (sessions live in the database, so the server reads them)."""
    from django.conf import settings
    from django.test import Client

    cookies = {"anonymous": ""}
    for who, person in users.items():
        client = Client()
        client.force_login(person)
        cookies[who] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return cookies


def main(argv=None) -> int:
    args = parse_args(argv)
    db = database.bench_database(args.scale)
    if args.scale == "national" and db.vendor != "postgresql":
        log("The national scale (10,000,000 purchases) runs on PostgreSQL only: set DATABASE_URL to a PostgreSQL "
            "server (make bench SCALE=national DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres).")
        return 2
    from .server import Server, bench_environment

    env = bench_environment(db.url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    load_start = os.getloadavg()
    started_at = datetime.now(UTC)
    started = time.perf_counter()
    meta = prepare_database(args, db)

    from django.core.management import call_command
    from django.utils import timezone as django_timezone

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG is off: pages need the manifest
    from .generate import new_columns

    people = bench_people(meta)
    cookies = session_cookies(people["users"])
    work = database.RESULTS_DIR / f"work-{args.scale}"
    work.mkdir(parents=True, exist_ok=True)
    results = {
        "scale": args.scale, "database": db.vendor, "database_name": db.name, "versions": _versions(db),
        "cores": os.cpu_count(), "load_average_start": [round(x, 2) for x in load_start],
        "started_at": started_at.isoformat(timespec="seconds"), "data": meta,
        "columns_the_generator_leaves_to_defaults": new_columns(),
        "settings": {"clients": args.clients, "gunicorn_workers": args.workers, "repeat": args.repeat,
                     "rounds": args.rounds, "import_rows": args.import_rows, "import_repeats": args.import_repeats,
                     "peer_rows": args.peer_rows},
        "sections": {},
    }
    today = django_timezone.localdate()
    from . import measure

    def timed(name, run):
        section_started = time.perf_counter()
        results["sections"][name] = run()
        results["section_seconds"][name] = round(time.perf_counter() - section_started, 1)
        log(f"  ({name}: {results['section_seconds'][name]:.0f} s)")

    results["section_seconds"] = {}
    try:
        if {"directory", "lcr", "exports"} & set(args.only):
            from registry.models import Company

            from . import directory, exports, lcr

            with Server(env, args.workers, work / "gunicorn.log") as server:
                site = measure.HttpSite("127.0.0.1", server.port)
                log(f"gunicorn ({args.workers} workers) on 127.0.0.1:{server.port}")
                if "directory" in args.only:
                    floor = directory.Floor(db.vendor, today)
                    published = Company.objects.published().count()
                    timed("directory", lambda: directory.run(site, db, floor, published=published,
                                                             clients=args.clients, rounds=args.rounds, log=log))
                if "lcr" in args.only:
                    timed("lcr", lambda: lcr.run(site, db, cookies, year=today.year - 1,
                                                 anchor_id=people["largest"].pk, repeats=args.repeat, work=work,
                                                 workers=args.workers, log=log))
                if "exports" in args.only:
                    timed("exports", lambda: exports.run(site, cookies, repeats=3, log=log))
                site.close()
        if "application" in args.only:
            from . import applications

            timed("application", lambda: applications.run(
                db, applicant=people["largest"], official=people["users"]["official"],
                user=people["users"]["anchor"], repeats=3, log=log))
        if "import" in args.only:
            from . import imports

            timed("import", lambda: imports.run(
                db, env, rows=args.import_rows, repeats=args.import_repeats, peer_rows=args.peer_rows,
                buyer=people["small"], user=people["users"]["small_anchor"], work=work / "import", log=log))
    finally:
        from django.db import connection

        if args.keep:
            from .generate import vacuum_dead_rows

            vacuum_dead_rows(log)
        connection.close()
        if not args.keep:
            database.drop(db)
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["seconds"] = round(time.perf_counter() - started, 1)

    from .report import figures, readme_table, table

    results["figures"] = figures(results)
    text = table(results)
    print()
    print(text)
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    log(f"\nWrote {args.output} ({results['seconds']:.0f} s in all)")
    if args.update_readme:
        readme_table(results, ROOT / "README.md")
        log("Updated README.md (Performance)")
    failed_checks = [f for f in results["figures"] if f.get("check") is False]
    if failed_checks:
        log("!! Some answers differ from their floor: see the MISMATCH lines above and results.json.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
