"""The companies API's anonymous pages, cached exactly: keyed on what the answer depends on, dropped by any write.

Issue 9 asks the companies list for 100 requests a second with 8 clients on two cores; a page costs at least the
one SQL statement that finds it (the bench's floor, which itself manages about 60 a second there), so the same
question asked again is answered from the shared cache (CACHES: the database table, or Redis). Only where that
cannot be told apart from reading the database:

- Anonymous callers only: everyone anonymous sees the same directory. A signed-in caller's answer depends on
  their role and company (contacts, their own unpublished record) and is never cached.
- JSON only (not the browsable API's HTML page, which carries a CSRF token), status 200 only.
- The key holds the full URL as asked (scheme, host, path, the query string as sent: the answer's own links
  repeat it), the negotiated media type, the language, today's date (verifications and certificates lapse with
  the date) and the directory version.
- The directory version (registry.models.DirectoryVersion) is raised in the same transaction as every write to
  what the directory shows: companies, their categories, products, figures, certificates, categories and
  districts (the receivers below, connected in RegistryConfig.ready(), catch every save and delete, from the
  services, the admin, the API and the shell). A page cached before a write is unreachable once it commits. Bulk
  writes that bypass save() (bulk_create, update(), raw SQL) call directory_changed() themselves (load_demo);
  a restored database calls directory_reset().
- The version is read from the database the page is read from (a read replica carries the version with the
  rows it replicated).

- One worker fills a missing page; the others asking for it meanwhile wait for its answer (`filling`). Without
  that, every write (which makes every cached page unreachable at once) sends each popular question to the
  database once per request that arrives before the first answer is stored.

DIRECTORY_CACHE_SECONDS (a setting, or the environment variable; default 600; 0 turns the cache off) bounds how
long an entry is kept.
"""

import hashlib
import os
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

from .models import Category, Certificate, Company, DirectoryVersion, District, Product, ProductFigure
from .selectors import directory_reads

DEFAULT_SECONDS = 600
# Raised when the cached answer's shape changes, so a deploy never serves pages cached by the code before it.
FORMAT = 1


def cache_seconds() -> int:
    # The setting, else the environment (the bench's server without its cache), else ten minutes.
    value = getattr(settings, "DIRECTORY_CACHE_SECONDS", None)
    if value is None:
        value = os.environ.get("DIRECTORY_CACHE_SECONDS", "").strip() or DEFAULT_SECONDS
    return int(value)


def directory_changed(using: str = "default") -> None:
    """Raise the directory version, in the caller's transaction: every cached page becomes unreachable."""
    if not DirectoryVersion.objects.using(using).filter(pk=1).update(number=F("number") + 1):
        DirectoryVersion.objects.using(using).get_or_create(pk=1, defaults={"number": 1})


def directory_reset() -> None:
    """After the database is replaced (manage.py restore): the shared cache emptied and the version raised.

    A restored database brings back an older version number, which pages cached since may carry: raising it is not
    enough, so the cache is emptied (the throttles' counts with it, while the servers are stopped anyway).
    """
    cache.clear()
    try:
        with transaction.atomic():
            directory_changed()
    except DatabaseError:
        pass  # a backup from before the version's table: `migrate` makes it, and nothing is cached meanwhile


def directory_version(using: str | None = None) -> int:
    versions = DirectoryVersion.objects.all()
    versions = directory_reads(versions) if using is None else versions.using(using)
    return versions.filter(pk=1).values_list("number", flat=True).first() or 0


def api_list_key(request) -> str | None:
    """The cache key of a companies-list request (DRF's Request), or None when its answer must not be cached."""
    if not cache_seconds() or request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return None
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or renderer.format != "json":
        return None
    parts = [
        str(FORMAT),
        request.build_absolute_uri(),
        str(getattr(request, "accepted_media_type", "")),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        str(directory_version()),
    ]
    return "directory:api:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def store(key: str, data) -> None:
    cache.set(key, data, cache_seconds())


# A filler that dies leaves its claim for this long at most; a waiter gives up after FILL_WAIT_SECONDS and computes
# the page itself (a slow page is then computed twice, never waited on for ever).
FILL_CLAIM_SECONDS = 30
FILL_WAIT_SECONDS = 5.0
FILL_POLL_SECONDS = 0.02


@contextmanager
def filling(key: str):
    """The cached page (`with filling(key) as data`), or None when the caller is to compute and `store` it.

    The first caller to miss claims the key (an atomic `cache.add`, on Redis as on the database table) and computes;
    the others poll the cache until its answer is there, so the database answers each question once.
    """
    data = cache.get(key)
    if data is not None:
        yield data
        return
    claim = f"{key}:filling"
    if cache.add(claim, 1, FILL_CLAIM_SECONDS):
        try:
            yield None
        finally:
            cache.delete(claim)
        return
    deadline = time.monotonic() + FILL_WAIT_SECONDS
    while True:
        time.sleep(FILL_POLL_SECONDS)
        # One read of both: the filler stores the page before it lifts its claim, so a lifted claim with no page
        # means it got no answer to cache (an error), and this caller computes its own.
        found = cache.get_many([key, claim])
        data = found.get(key)
        if data is not None or claim not in found or time.monotonic() >= deadline:
            break
    yield data


# -- What raises the version --------------------------------------------------------------------------------------

DIRECTORY_MODELS = (Company, Product, ProductFigure, Certificate, Category, District)


def _changed(sender, using="default", **kwargs):
    directory_changed(using)


def _categories_changed(sender, action, using="default", **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        directory_changed(using)


def connect() -> None:
    for model in DIRECTORY_MODELS:
        uid = f"registry.directory_cache.{model._meta.model_name}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(
        _categories_changed, sender=Company.categories.through, dispatch_uid="registry.directory_cache.categories"
    )
