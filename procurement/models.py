"""Purchases and subsidy applications (filled by the procurement issue)."""
