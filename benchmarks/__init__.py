"""Benchmark harness: server-side latency of a fixed request mix against raw SQL and a DRF floor.

Run ``python -m benchmarks.run --help``; the mix is documented in ``benchmarks/mix.py``.
"""
