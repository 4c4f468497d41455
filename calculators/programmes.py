"""Which programme version a programme-driven calculator uses: the one open today, through procurement's selector.

The web layer's adapter (the formula modules stay free of the ORM): the page and the API ask here, then hand the
version to `calculators.catalogue.evaluate`, which pays with the same amount functions as the workflow.
"""

from datetime import date

from .catalogue import PROGRAMME_CODES


def current_programmes(today: date | None = None) -> dict:
    """{kind: the current open version} for every kind that has one open today.

    Of several open versions of a kind, the seeded programme's code wins over another code, then the version
    that opened last, then the highest version number: a new version opened beside the old one takes over.
    """
    from procurement.applications import open_programmes

    current = {}
    for programme in open_programmes(today):
        best = current.get(programme.kind)
        if best is None or _rank(programme) > _rank(best):
            current[programme.kind] = programme
    return current


def _rank(programme) -> tuple:
    return (programme.code == PROGRAMME_CODES.get(programme.kind), programme.active_from, programme.version)


def current_programme(kind: str, today: date | None = None):
    """The current open version of one kind, or None when none is open today."""
    return current_programmes(today).get(kind)
