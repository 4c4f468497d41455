"""Login throttling (django-axes): a username guessed from one address is locked for everyone at that address.

The lock is per username *and* client address, counted in the database (every worker and machine shares
it). The address is the connection's unless TRUSTED_PROXY_COUNT proxies are configured.
"""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation

from config.client_ip import client_ip
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-42"


@pytest.fixture
def user(db):
    return factories.make_user(None, username="guessed", password=PASSWORD, is_staff=True)


def _fail(client, url, n, username="guessed", **extra):
    """n wrong passwords; the one that reaches the limit already answers with the lockout."""
    for _ in range(n):
        response = client.post(url, {"username": username, "password": "wrong-password"}, **extra)
        assert response.status_code in (200, 400, 429), response.status_code


def test_the_next_attempt_after_the_limit_is_refused_even_with_the_right_password_from_another_client(user):
    limit = settings.AXES_FAILURE_LIMIT
    url = reverse("login")
    _fail(Client(), url, limit - 1)
    # Below the limit the right password still works.
    assert Client().post(url, {"username": "guessed", "password": PASSWORD}).status_code == 302
    # A success resets the count; now reach the limit, half from one client and half from another.
    _fail(Client(), url, limit // 2)
    _fail(Client(), url, limit - limit // 2)
    response = Client().post(url, {"username": "guessed", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session
    body = response.content.decode()
    assert "Too many failed login attempts" in body
    assert "Try again after" in body
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


def test_the_lock_is_per_username_and_address(user):
    factories.make_user(None, username="other", password=PASSWORD)
    url = reverse("login")
    _fail(Client(), url, settings.AXES_FAILURE_LIMIT)
    assert Client().post(url, {"username": "guessed", "password": PASSWORD}).status_code == 429
    # The same person from another address, and another username from this address, are not locked.
    assert Client(REMOTE_ADDR="10.1.2.3").post(url, {"username": "guessed", "password": PASSWORD}).status_code == 302
    assert Client().post(url, {"username": "other", "password": PASSWORD}).status_code == 302


def test_admin_login_is_throttled_too(user):
    url = reverse("admin:login")
    _fail(Client(), url, settings.AXES_FAILURE_LIMIT)
    response = Client().post(url, {"username": "guessed", "password": PASSWORD})
    assert response.status_code == 429


def test_token_endpoint_is_throttled_and_answers_json(user):
    url = reverse("api:token") if _has_api_namespace() else "/api/v1/auth/token/"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert Client().post(url, {"username": "guessed", "password": "wrong"}).status_code == 400
    assert Client().post(url, {"username": "guessed", "password": "wrong"}).status_code == 429
    response = Client().post(url, {"username": "guessed", "password": PASSWORD})
    assert response.status_code == 429
    assert "token" not in response.json()
    assert "Try again after" in response.json()["detail"]
    assert response["Retry-After"]


def test_the_lockout_page_is_in_chinese_for_a_chinese_reader(user):
    url = reverse("login")
    _fail(Client(), url, settings.AXES_FAILURE_LIMIT)
    with translation.override("zh-hans"):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        response = client.post(url, {"username": "guessed", "password": PASSWORD})
    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.content.decode()


def _has_api_namespace():
    from django.urls import NoReverseMatch

    try:
        reverse("api:token")
    except NoReverseMatch:
        return False
    return True


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "192.0.2.1"),  # no proxy configured: the header is anyone's to forge
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client prepended a forged entry
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (3, "203.0.113.5", "203.0.113.5"),  # fewer entries than proxies: the leftmost
        (1, "", "192.0.2.1"),
    ],
)
def test_client_address_uses_x_forwarded_for_only_behind_trusted_proxies(count, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=count):
        assert client_ip(request) == expected


def test_behind_a_proxy_the_lock_follows_the_forwarded_address(user):
    url = reverse("login")
    with override_settings(TRUSTED_PROXY_COUNT=1):
        _fail(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"), url, settings.AXES_FAILURE_LIMIT)
        locked = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
        assert locked.post(url, {"username": "guessed", "password": PASSWORD}).status_code == 429
        other = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert other.post(url, {"username": "guessed", "password": PASSWORD}).status_code == 302
