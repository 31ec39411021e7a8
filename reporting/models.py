"""Registers and the year-end report draft arrive here (see the report issue)."""
