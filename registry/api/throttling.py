"""Throttles of the registry API."""

from rest_framework.throttling import UserRateThrottle


class SignedInUserRateThrottle(UserRateThrottle):
    """The per-user rate, for signed-in callers only.

    DRF's UserRateThrottle counts an anonymous caller by address, exactly as AnonRateThrottle already does at the
    lower anonymous rate: a second read and write of the shared cache on every anonymous request that can never
    refuse one the anonymous throttle lets through.
    """

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # not throttled by this class: AnonRateThrottle counts anonymous callers
        return super().get_cache_key(request, view)
