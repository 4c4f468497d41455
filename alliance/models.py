"""The industry alliance: members, collaborations, standards (filled by a later issue)."""
