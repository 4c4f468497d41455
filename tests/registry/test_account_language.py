"""The chosen language is remembered with the account: chosen on one device, used on the next one after login."""

from django.conf import settings
from django.test import Client
from django.urls import reverse

from registry.models import User

CHINESE_HEADING = "我的企业"


def log_in(client, user):
    client.post(reverse("login"), {"username": user.username, "password": "pw-for-tests-1"})


def test_a_choice_made_while_logged_in_follows_the_person_to_another_device(supplier_x):
    supplier_x.set_password("pw-for-tests-1")
    supplier_x.save()
    laptop = Client()
    log_in(laptop, supplier_x)
    laptop.post(reverse("set_language"), {"language": "zh-hans", "next": "/my/"})
    assert User.objects.get(pk=supplier_x.pk).language == "zh-hans"

    phone = Client()  # a new browser: no language cookie, the browser asks for English
    log_in(phone, supplier_x)
    response = phone.get(reverse("registry:my_home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_an_anonymous_choice_stays_with_the_browser_and_becomes_the_account_language_at_first_login(supplier_x):
    supplier_x.set_password("pw-for-tests-1")
    supplier_x.save()
    browser = Client()
    browser.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert User.objects.get(pk=supplier_x.pk).language == ""
    log_in(browser, supplier_x)
    assert User.objects.get(pk=supplier_x.pk).language == "zh-hans"


def test_switching_back_is_remembered_too(supplier_x):
    supplier_x.language = "zh-hans"
    supplier_x.save()
    client = Client()
    client.force_login(supplier_x)
    client.post(reverse("set_language"), {"language": "en", "next": "/my/"})
    assert User.objects.get(pk=supplier_x.pk).language == "en"
    page = client.get(reverse("registry:my_home"))
    assert 'lang="en"' in page.content.decode()


def test_an_unknown_language_changes_nothing(supplier_x):
    client = Client()
    client.force_login(supplier_x)
    client.post(reverse("set_language"), {"language": "xx", "next": "/my/"})
    assert User.objects.get(pk=supplier_x.pk).language == ""
