"""The registry's scheduled sweeps, run by `manage.py run_sweeps` (from cron) or by a worker.

Whether a company is in the directory stays computed when it is read (Company.is_published,
CompanyQuerySet.published): the sweeps only record and tell. Each notice is recorded (SweepNotice) in the
transaction that sends it, under a unique constraint, so a notice is sent once even when sweeps overlap, and
again next run if sending failed. Mail goes through Django's email backend (the console by default).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from .models import OFFICIALS_GROUP, Certificate, Company, SweepNotice, User

logger = logging.getLogger(__name__)


def _company_emails(company: Company) -> list[str]:
    return sorted(set(
        User.objects.filter(company=company, is_active=True).exclude(email="").values_list("email", flat=True)
    ))


def _official_emails() -> list[str]:
    return sorted(set(
        User.objects.filter(is_active=True, is_staff=True, groups__name=OFFICIALS_GROUP)
        .exclude(email="").values_list("email", flat=True)
    ))


def _noticed(kind: str, *, certificate: bool, date_field: str):
    """Exists(the notice of this kind already recorded for the row and its current end date)."""
    about = {"certificate": OuterRef("pk")} if certificate else {"company": OuterRef("pk"),
                                                                   "certificate__isnull": True}
    return Exists(SweepNotice.objects.filter(kind=kind, about_date=OuterRef(date_field), **about))


def _send_once(*, notices: list[SweepNotice], subject: str, body: str, to: list[str]) -> bool:
    """Record the notices and send the message in one transaction; False when another sweep sent it first."""
    try:
        with transaction.atomic():
            for notice in notices:
                notice.recipients = to
                notice.save()
            EmailMessage(subject=subject, body=body, to=to).send()
    except IntegrityError:
        return False
    return True


@task()
def companies_record_lapsed_verifications() -> int:
    """Tell a company's users, once per verification, that it has lapsed and the company left the directory."""
    today = timezone.localdate()
    lapsed = (
        Company.objects.filter(status=Company.Status.VERIFIED, verified_until__lt=today)
        .exclude(_noticed(SweepNotice.Kind.VERIFICATION_LAPSED, certificate=False, date_field="verified_until"))
    )
    sent = 0
    for company in lapsed:
        to = _company_emails(company)
        if not to:
            continue
        body = _(
            "The verification of %(company)s ended on %(date)s, so the company no longer appears in the "
            "supplier directory. Check that the profile, products and certificates under %(path)s are current; "
            "an official will verify the company again."
        ) % {"company": company.name, "date": company.verified_until.isoformat(), "path": reverse("registry:my_home")}
        notice = SweepNotice(kind=SweepNotice.Kind.VERIFICATION_LAPSED, company=company,
                             about_date=company.verified_until)
        subject = _("%(company)s has left the supplier directory") % {"company": company.name}
        sent += _send_once(notices=[notice], subject=subject, body=body, to=to)
    return sent


@task()
def certificates_notify_expiring() -> int:
    """Tell a company's users, once per certificate and end date, that it ends within the notice period."""
    today = timezone.localdate()
    days = settings.CERTIFICATE_EXPIRY_NOTICE_DAYS
    expiring = (
        Certificate.objects.filter(valid_until__gte=today, valid_until__lte=today + timedelta(days=days))
        .exclude(_noticed(SweepNotice.Kind.CERTIFICATE_EXPIRING, certificate=True, date_field="valid_until"))
        .select_related("company").order_by("valid_until", "pk")
    )
    sent = 0
    for certificate in expiring:
        to = _company_emails(certificate.company)
        if not to:
            continue
        values = {"certificate": str(certificate), "company": certificate.company.name,
                  "date": certificate.valid_until.isoformat(), "path": reverse("registry:my_home")}
        body = _(
            "The certificate %(certificate)s of %(company)s is valid until %(date)s. Upload the renewed "
            "certificate under %(path)s before then, so that the directory shows it as valid."
        ) % values
        notice = SweepNotice(kind=SweepNotice.Kind.CERTIFICATE_EXPIRING, company=certificate.company,
                        certificate=certificate, about_date=certificate.valid_until)
        subject = _("Certificate %(certificate)s ends on %(date)s") % values
        sent += _send_once(notices=[notice], subject=subject, body=body, to=to)
    return sent


@task()
def certificates_report_expired() -> int:
    """Send the officials one message per run listing the certificates that expired since the last report."""
    today = timezone.localdate()
    expired = list(
        Certificate.objects.filter(valid_until__lt=today)
        .exclude(_noticed(SweepNotice.Kind.CERTIFICATE_EXPIRED, certificate=True, date_field="valid_until"))
        .select_related("company").order_by("company__name", "valid_until", "pk")
    )
    to = _official_emails()
    if not expired or not to:
        return 0
    lines = [
        f"- {certificate.company.name} ({certificate.company.uscc}): {certificate}, "
        + _("expired %(date)s") % {"date": certificate.valid_until.isoformat()}
        for certificate in expired
    ]
    body = "\n".join([
        _("These certificates have expired since the last report. The certificates list in the admin "
          "(%(path)s, filter “expired”) shows them all.") % {"path": reverse("admin:registry_certificate_changelist")},
        "",
        *lines,
    ])
    notices = [SweepNotice(kind=SweepNotice.Kind.CERTIFICATE_EXPIRED, company=certificate.company,
                           certificate=certificate, about_date=certificate.valid_until) for certificate in expired]
    subject = ngettext("%(count)d certificate has expired", "%(count)d certificates have expired",
                       len(expired)) % {"count": len(expired)}
    return len(expired) if _send_once(notices=notices, subject=subject, body=body, to=to) else 0


# What `manage.py run_sweeps` runs for this app.
SWEEPS = [companies_record_lapsed_verifications, certificates_notify_expiring, certificates_report_expired]
