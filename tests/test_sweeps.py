"""The scheduled sweeps: each tells once, records what it told, and leaves the directory computed at read time."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from procurement.models import ImportBatch
from registry.models import Company, SweepNotice
from registry.tasks import (
    certificates_notify_expiring,
    certificates_report_expired,
    companies_record_lapsed_verifications,
)
from tests import factories


def staff(company, email):
    user = factories.make_user(company)
    user.email = email
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.mark.django_db
def test_a_lapsed_verification_is_told_to_the_company_once_and_the_directory_is_unchanged(today):
    lapsed = factories.make_company(name="Lapsed Materials")
    Company.objects.filter(pk=lapsed.pk).update(verified_until=today - timedelta(days=40))
    staff(lapsed, "staff@lapsed.example")
    current = factories.make_company(name="Current Materials")
    staff(current, "staff@current.example")

    assert companies_record_lapsed_verifications.call() == 1
    assert companies_record_lapsed_verifications.call() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["staff@lapsed.example"]
    assert "Lapsed Materials has left the supplier directory" == mail.outbox[0].subject
    notice = SweepNotice.objects.get()
    assert (notice.kind, notice.company, notice.about_date) == ("verification_lapsed", lapsed, today - timedelta(40))
    assert notice.recipients == ["staff@lapsed.example"]
    # Still computed at read time: the sweep neither unpublished nor changed the company.
    lapsed.refresh_from_db()
    assert lapsed.status == Company.Status.VERIFIED and not lapsed.is_published
    assert list(Company.objects.published()) == [current]

    # Verified again, and lapsed again later: a new end date, a new notice.
    Company.objects.filter(pk=lapsed.pk).update(verified_until=today - timedelta(days=1))
    assert companies_record_lapsed_verifications.call() == 1 and len(mail.outbox) == 2


@pytest.mark.django_db
def test_certificates_ending_within_30_days_are_told_to_their_company_once(company_x, today):
    staff(company_x, "a@x.example")
    staff(company_x, "b@x.example")
    staff(company_x, "")
    soon = factories.make_certificate(company_x, valid_until=today + timedelta(days=30))
    factories.make_certificate(company_x, valid_until=today + timedelta(days=31))
    factories.make_certificate(company_x, valid=False)

    assert certificates_notify_expiring.call() == 1
    assert certificates_notify_expiring.call() == 0
    [message] = mail.outbox
    assert message.to == ["a@x.example", "b@x.example"] and soon.number in message.subject
    assert (today + timedelta(days=30)).isoformat() in message.body
    assert SweepNotice.objects.get().certificate == soon

    # Renewed (a new end date), and that one ends soon too: told again.
    soon.valid_until = today + timedelta(days=10)
    soon.save()
    assert certificates_notify_expiring.call() == 1 and len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_failed_send_is_not_recorded_and_is_tried_again(company_x, today, settings, monkeypatch):
    staff(company_x, "a@x.example")
    factories.make_certificate(company_x, valid_until=today + timedelta(days=5))

    def refused(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)
    with pytest.raises(ConnectionRefusedError):
        certificates_notify_expiring.call()
    assert not SweepNotice.objects.exists()
    monkeypatch.undo()
    assert certificates_notify_expiring.call() == 1


@pytest.mark.django_db
def test_expired_certificates_go_to_the_officials_in_one_message_per_run(company_x, company_y, today):
    factories.make_official(username="official_a")
    official_b = factories.make_official(username="official_b")
    official_b.email = "b@bureau.example"
    official_b.save()
    staff(company_x, "staff@x.example")
    first = factories.make_certificate(company_x, valid=False)
    second = factories.make_certificate(company_y, valid=False)
    factories.make_certificate(company_y)

    assert certificates_report_expired.call() == 2
    [message] = mail.outbox
    assert message.to == ["b@bureau.example", "user@example.com"]
    assert message.subject == "2 certificates have expired"
    assert first.number in message.body and second.number in message.body
    assert "/admin/registry/certificate/" in message.body

    assert certificates_report_expired.call() == 0 and len(mail.outbox) == 1
    third = factories.make_certificate(company_x, valid=False)
    assert certificates_report_expired.call() == 1
    assert third.number in mail.outbox[1].body and first.number not in mail.outbox[1].body


@pytest.mark.django_db
def test_run_sweeps_runs_every_app_sweep_or_queues_them(settings, anchor_user, company_x, today):
    factories.make_official()
    factories.make_certificate(company_x, valid=False)
    stale = ImportBatch.objects.create(buyer=anchor_user.company, file_name="p.csv", status="running",
                                       started_at=timezone.now() - timedelta(hours=2))
    out = io.StringIO()
    call_command("run_sweeps", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "companies_record_lapsed_verifications: 0",
        "certificates_notify_expiring: 0",
        "certificates_report_expired: 1",
        "import_batches_fail_stale: 1",
        "sourcing_requests_record_expiry: 0",
    ]
    assert ImportBatch.objects.get(pk=stale.pk).status == "failed"

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    out = io.StringIO()
    call_command("run_sweeps", "--enqueue", stdout=out)
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == [
        "companies_record_lapsed_verifications", "certificates_notify_expiring", "certificates_report_expired",
        "import_batches_fail_stale", "sourcing_requests_record_expiry",
    ]
    assert all("queued" in line for line in out.getvalue().splitlines())


def test_run_sweeps_includes_the_expiry_of_sourcing_requests():
    from registry.management.commands.run_sweeps import sweeps

    assert "sourcing_requests_record_expiry" in [sweep.name for sweep in sweeps()]
