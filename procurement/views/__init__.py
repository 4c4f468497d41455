"""Procurement pages, one module per part: purchases, imports, the dashboard, subsidy applications."""
