"""The officials' admin of collaborations: read-only list with filters and search, milestones, history."""

from datetime import date

import pytest
from django.urls import reverse

from alliance.collaborations import collaboration_confirm
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def collaboration(anchor_company, company_x, supplier_x):
    collaboration = factories.make_collaboration(anchor_company, company_x, status="proposed", title="Admin supply",
                                                 started_on=date(2025, 4, 1))
    collaboration_confirm(by=supplier_x, collaboration=collaboration)
    collaboration.milestones.create(title="Pilot batch", due_on=date(2025, 6, 1))
    return collaboration


def test_officials_list_filter_and_search(official, collaboration, anchor_company):
    factories.make_collaboration(anchor_company, factories.make_sme(), model="licensing", title="Licence deal",
                                 started_on=date(2026, 1, 1))
    client = client_for(official)
    url = reverse("admin:alliance_collaboration_changelist")
    body = client.get(url).content.decode()
    assert "Admin supply" in body and "Licence deal" in body
    body = client.get(url, {"model": "supply", "status": "active", "year": "2025"}).content.decode()
    assert "Admin supply" in body and "Licence deal" not in body
    body = client.get(url, {"q": anchor_company.uscc}).content.decode()
    assert "Admin supply" in body
    assert client.get(url, {"year": "x\x00"}).status_code == 400  # refused before the admin reads it


def test_officials_read_the_record_milestones_and_history_but_change_nothing(official, collaboration):
    client = client_for(official)
    change = client.get(reverse("admin:alliance_collaboration_change", args=[collaboration.pk]))
    assert change.status_code == 200
    body = change.content.decode()
    assert "Pilot batch" in body
    assert 'name="_save"' not in body
    history = client.get(reverse("admin:alliance_collaboration_history", args=[collaboration.pk]))
    assert history.status_code == 200
    assert "supplier_x" in history.content.decode()
    assert client.get(reverse("admin:alliance_collaboration_add")).status_code == 403
    response = client.post(reverse("admin:alliance_collaboration_delete", args=[collaboration.pk]), {"post": "yes"})
    assert response.status_code == 403
    collaboration.refresh_from_db()
    assert collaboration.status == "active"


@pytest.mark.parametrize("role", ["supplier_x", "anchor_user"])
def test_company_users_have_no_admin(request, role, collaboration):
    response = client_for(request.getfixturevalue(role)).get(reverse("admin:alliance_collaboration_changelist"))
    assert response.status_code == 302
