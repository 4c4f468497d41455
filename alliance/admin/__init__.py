"""The officials' side of the alliance: members, standards and participations, collaborations."""

from . import collaborations, members, standards  # noqa: F401  (each module registers its admins)
