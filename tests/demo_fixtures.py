"""The demo data set, loaded once per test module (a pytest plugin, registered in tests/conftest.py).

A module that reads the demo asks for `demo` in its tests and marks itself with
`pytestmark = pytest.mark.usefixtures("demo_private_media")`.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from registry.models import private_storage


def _point_private_storage_at(path) -> str:
    """Send private uploads to `path`; return the previous location (FileSystemStorage caches it)."""
    saved = private_storage._location
    private_storage._location = str(path)
    for name in ("base_location", "location"):
        private_storage.__dict__.pop(name, None)
    return saved


def run_load_demo() -> str:
    out = StringIO()
    # The command loads only on development settings; tests run with DEBUG off.
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture
def demo_private_media(demo_media):
    """Overrides the suite's per-test folder: the demo's PDFs are written once, for the whole module."""
    saved = _point_private_storage_at(demo_media)
    yield demo_media
    _point_private_storage_at(saved)


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker, demo_media):
    """Load the demo once for this module, inside a transaction rolled back when the module ends.

    Each test still runs in its own savepoint (the `db` fixture), so what one test changes, the next does not see.
    """
    saved = _point_private_storage_at(demo_media)
    # Logging in re-hashes the demo's cheap hashes with the preferred hasher: keep that one cheap here too.
    fast_hashing = override_settings(PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ])
    fast_hashing.enable()
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        output = run_load_demo()
    try:
        yield output
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        fast_hashing.disable()
        _point_private_storage_at(saved)


@pytest.fixture
def demo(demo_output, db):
    return demo_output
