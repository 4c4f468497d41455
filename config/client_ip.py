"""The client's address, for login throttling: X-Forwarded-For only counts behind the proxies we were told of."""

from django.conf import settings


def client_ip(request) -> str:
    """The address that connected to the outermost of TRUSTED_PROXY_COUNT proxies, else the connection's own.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N trusted proxies
    the N-th entry from the right is the one a client cannot forge; entries further left are whatever the
    client sent. This is the rule DRF's throttles apply with NUM_PROXIES (set to the same count).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not addresses:
        return remote
    return addresses[-min(count, len(addresses))]
