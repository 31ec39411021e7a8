"""Benchmarks on PostgreSQL and Redis (``make bench``); not part of the test suite."""
