"""Benchmarks of what must be fast: `make bench` prints figures; no test asserts on time."""
