"""Development logs print each line once: Django's "django" logger no longer has a console of its own."""

import logging

from django.conf import settings
from django.test import override_settings
from django.utils.log import configure_logging


def test_a_django_warning_prints_once_in_development(capsys):
    with override_settings(DEBUG=True):  # Django's own console handler prints only when DEBUG is on
        try:
            configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
            logging.getLogger("django.request").warning("Not Found: /once-only/")
            logging.getLogger("procurement.imports").warning("an app line, once")
            err = capsys.readouterr().err
        finally:
            with capsys.disabled():  # handlers made now write to the real stderr, not the captured one
                configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    assert err.count("Not Found: /once-only/") == 1, err
    assert err.count("an app line, once") == 1, err
