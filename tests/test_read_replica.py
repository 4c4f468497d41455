"""The optional read replica (DATABASE_REPLICA_URL): the public directory reads from it, nothing else does.

The replica is a test mirror of the default database, so what a test writes is there at once. The tests that
look at which connection ran a query need the setting at start-up: the first test runs this module again in a
fresh pytest with DATABASE_REPLICA_URL set, on SQLite and, when DATABASE_URL names one, on PostgreSQL.
"""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests import factories
from tests.conftest import client_for

BASE_DIR = Path(__file__).resolve().parent.parent
with_replica = pytest.mark.skipif(
    "replica" not in settings.DATABASES, reason="needs DATABASE_REPLICA_URL (test_with_a_replica runs it so)"
)
# Transactional: the mirror is a connection of its own, which sees only committed rows (as a real replica does).
both = pytest.mark.django_db(databases=["default", "replica"], transaction=True)


@pytest.mark.skipif(bool(os.environ.get("DATABASE_REPLICA_URL")), reason="this is the inner run")
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_with_a_replica(engine, tmp_path):
    env = dict(os.environ)
    if engine == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'primary.sqlite3'}"
        env["DATABASE_REPLICA_URL"] = f"sqlite:///{tmp_path / 'replica.sqlite3'}"
    else:
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            pytest.skip("DATABASE_URL is not a PostgreSQL database")
        # A database name of its own, so the inner run's test database meets no other run's.
        base, _, query = url.partition("?")
        url = f"{base}_replica_check" + (f"?{query}" if query else "")
        env["DATABASE_URL"] = env["DATABASE_REPLICA_URL"] = url
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider", "-p", "no:logging",
         "tests/test_read_replica.py"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "4 passed" in result.stdout, result.stdout[-2000:]


def _queries(alias, call):
    with CaptureQueriesContext(connections[alias]) as captured:
        response = call()
    return response, [q["sql"] for q in captured.captured_queries]


@with_replica
@both
class TestReplica:
    def test_the_replica_mirrors_default_in_tests(self):
        assert settings.DATABASES["replica"]["TEST"]["MIRROR"] == "default"

    def test_the_public_directory_list_reads_the_replica(self, client):
        company = factories.make_company(name="Replica Read Materials")
        response, on_replica = _queries("replica", lambda: client.get("/directory/"))
        assert response.status_code == 200
        assert company.name in response.content.decode()
        assert any('"registry_company"' in sql or "registry_company" in sql for sql in on_replica)

    def test_the_api_list_and_a_company_page_read_the_replica_for_visitors(self, client):
        company = factories.make_company(name="Replica API Cells")
        response, on_replica = _queries("replica", lambda: APIClient().get("/api/v1/companies/"))
        assert response.status_code == 200
        assert any("registry_company" in sql for sql in on_replica)
        response, on_replica = _queries("replica", lambda: client.get(f"/directory/{company.pk}/"))
        assert response.status_code == 200
        assert any("registry_company" in sql for sql in on_replica)

    def test_the_owner_reads_and_writes_the_primary_only(self, supplier_x, company_x):
        api = APIClient()
        api.force_authenticate(supplier_x)
        response, on_replica = _queries(
            "replica",
            lambda: api.patch(f"/api/v1/companies/{company_x.pk}/", {"revenue_cny": "1234567.00"}, format="json"),
        )
        assert response.status_code == 200, response.content
        assert on_replica == []
        company_x.refresh_from_db()
        assert company_x.revenue_cny == Decimal("1234567.00")
        # Their own company page and API record, right after the change: from the primary.
        response, on_replica = _queries("replica", lambda: api.get(f"/api/v1/companies/{company_x.pk}/"))
        assert response.json()["revenue_cny"] == "1234567.00"
        assert on_replica == []
        response, on_replica = _queries(
            "replica", lambda: client_for(supplier_x).get(f"/directory/{company_x.pk}/")
        )
        assert response.status_code == 200
        assert on_replica == []
        response, on_replica = _queries("replica", lambda: client_for(supplier_x).get("/my/"))
        assert on_replica == []
