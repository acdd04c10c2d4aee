"""Benchmarks behind `kiosk bench ...`: each prints its figures as a table."""
