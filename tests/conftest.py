"""Fixtures shared by the whole suite: the five roles of the permission matrix."""

from decimal import Decimal

import pytest
from django.test import Client

from tests import factories

pytest_plugins = ["tests.demo_fixtures"]


@pytest.fixture
def official(db):
    return factories.make_official(username="official")


@pytest.fixture
def company_x(db):
    return factories.make_company(name="Company X Materials")


@pytest.fixture
def company_y(db):
    return factories.make_company(name="Company Y Equipment")


@pytest.fixture
def anchor_company(db):
    return factories.make_company(
        name="Anchor Cells Ltd", anchor=True, employees=3000, revenue_cny=Decimal("900000000")
    )


@pytest.fixture
def supplier_x(company_x):
    return factories.make_user(company_x, username="supplier_x")


@pytest.fixture
def supplier_y(company_y):
    return factories.make_user(company_y, username="supplier_y")


@pytest.fixture
def anchor_user(anchor_company):
    return factories.make_user(anchor_company, username="anchor_user")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default hasher is deliberately slow; tests create hundreds of users.
    # PBKDF2 stays second so hashes made with it (the demo users') still verify.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def private_media(tmp_path):
    """Uploaded documents go to a temporary folder, never into the checkout (the live server shares it too)."""
    from registry.models import private_storage

    saved = private_storage._location
    private_storage._location = str(tmp_path)
    # FileSystemStorage caches its resolved location; drop the cache on the way in and out.
    for cached in ("base_location", "location"):
        private_storage.__dict__.pop(cached, None)
    yield tmp_path
    private_storage._location = saved
    for cached in ("base_location", "location"):
        private_storage.__dict__.pop(cached, None)


@pytest.fixture(autouse=True)
def _english_unless_switched():
    # A request through LocaleMiddleware leaves its language active in the thread; start each test in English
    # so a test that switched to Chinese cannot change what the next one reads.
    from django.utils import translation

    with translation.override("en"):
        yield


SEED_MIGRATIONS = (
    "registry.migrations.0002_seed_taxonomy_and_districts",
    "procurement.migrations.0002_seed_local_procurement_programme",
    "procurement.migrations.0004_seed_reward_programmes",
    "research.migrations.0002_seed_rd_fund_programme",
)


@pytest.fixture
def reference_data(transactional_db):
    """The taxonomy, districts and programme the data migrations seed, back after a transactional flush."""
    import importlib

    from django.apps import apps

    for module in SEED_MIGRATIONS:
        importlib.import_module(module).seed(apps, None)  # idempotent: a no-op when the rows are there


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    # A transactional test (live server, real concurrent connections) ends by emptying every table, so the
    # next one would find no categories: seed them again before each such test.
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    if transactional:
        request.getfixturevalue("reference_data")


@pytest.fixture(autouse=True)
def _empty_shared_cache(request):
    """Throttle counts live in the shared cache (a database table or Redis): each test starts with none."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker or names & {"db", "transactional_db", "live_server"}:
        transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
            names & {"transactional_db", "live_server"}
        )
        request.getfixturevalue("transactional_db" if transactional else "db")
        from django.core.cache import cache

        cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_at_enqueue(settings):
    """Background tasks run where they are enqueued (django-tasks' immediate backend), so a page or an API call
    sees its import finished; tests/test_tasks_worker.py and tests/test_tasks_redis.py run real workers."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default"]}}
