"""Styled error pages (403, 404, 500) in the reader's language, inside the site's frame."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import permission_denied, server_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "lang_attr"), [("en", "en"), ("zh-hans", "zh-hans")])
def test_not_found_page_is_styled_and_in_the_readers_language(language, lang_attr):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{lang_attr}">' in html
    assert "site.css" in html and 'class="site-header"' in html
    with translation.override(language):
        assert translation.gettext("Page not found") in html


def test_forbidden_page_is_styled(supplier_x):
    # Every PermissionDenied a view raises (the import pages' among them) is answered with 403.html.
    request = RequestFactory().get("/my/purchases/imports/1/")
    request.user = supplier_x
    response = permission_denied(request, PermissionDenied("Only anchor firms record purchases."))
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot open this page" in html and "Only anchor firms record purchases." in html
    assert "site.css" in html and 'class="site-header"' in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_server_error_page_renders_without_context(language):
    request = RequestFactory().get("/")
    with translation.override(language):
        response = server_error(request)
        expected = translation.gettext("Sorry, there is a problem with the service")
    assert response.status_code == 500
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert expected in html
