"""Backups: the database and the private files (certificates, application documents) in one archive.

The archive (a .tar.gz) holds `database.dump` (pg_dump's custom format) for PostgreSQL or `database.sqlite3` (a
consistent copy made with SQLite's backup API), the private files under `private/`, and `manifest.json` (the
engine and when it was made). `manage.py backup` writes one; `manage.py restore` puts one back over the current
database and private files.

When the private files are in an S3 bucket (S3_BUCKET, config/private_storage.py) the archive holds the database
only and its manifest names the bucket: the bucket keeps its own history (versioning, or a scheduled copy to a
second bucket, README "Scaling out"), and a restore leaves it as it is. Copying every object into each archive
would not scale, and a restore must not overwrite a bucket that other servers are reading.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

from config.private_storage import private_storage_is_local


def _engine(alias="default") -> str:
    engine = settings.DATABASES[alias]["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise CommandError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def _pg_env(db) -> tuple[list[str], dict]:
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _private_files() -> tuple[Path | None, str]:
    """The folder of the private files when they are local (else None), and where they are, for the manifest."""
    storage = storages["private"]
    if private_storage_is_local(storage):
        return Path(settings.PRIVATE_MEDIA_ROOT), "archive"
    return None, f"s3://{storage.bucket_name}/{storage.location}".rstrip("/")


def backup_create(*, output: Path, alias="default") -> Path:
    """Write the archive to `output`; return its path."""
    db = settings.DATABASES[alias]
    engine = _engine(alias)
    private, private_files = _private_files()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if engine == "postgresql":
            args, env = _pg_env(db)
            dump = work / "database.dump"
            command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *args]
            subprocess.run(command, check=True, env=env)
        else:
            dump = work / "database.sqlite3"
            source = sqlite3.connect(db["NAME"])
            target = sqlite3.connect(dump)
            with target:
                source.backup(target)
            source.close()
            target.close()
        manifest = {
            "engine": engine, "created_at": timezone.now().isoformat(), "database": dump.name,
            "private_files": private_files,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        output.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(output, "w:gz") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            archive.add(dump, arcname=dump.name)
            if private is not None and private.exists():
                archive.add(private, arcname="private")
    return output


def backup_restore(*, archive_path: Path, alias="default") -> dict:
    """Replace the database and the private files with the archive's; return its manifest."""
    db = settings.DATABASES[alias]
    engine = _engine(alias)
    private, _ = _private_files()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        if manifest["engine"] != engine:
            raise CommandError(f"The archive holds a {manifest['engine']} database; this one is {engine}.")
        connections[alias].close()
        if engine == "postgresql":
            args, env = _pg_env(db)
            subprocess.run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", *args,
                 str(work / manifest["database"])],
                check=True, env=env,
            )
        else:
            source = sqlite3.connect(work / manifest["database"])
            target = sqlite3.connect(db["NAME"])
            with target:
                source.backup(target)
            source.close()
            target.close()
        if private is None:
            # The bucket is restored on its own (README "Scaling out"), never from an archive.
            return manifest
        if private.exists():
            shutil.rmtree(private)
        if (work / "private").exists():
            shutil.copytree(work / "private", private)
        else:
            private.mkdir(parents=True, exist_ok=True)
    return manifest
