"""Benchmarks of the book (not tests): build time, demo speed, page weight, suite times.

``make bench`` (``python -m benchmarks``) prints one table: each figure's median, min and
max over several runs, with its budget and PASS or OVER. Each module also runs alone, e.g.
``python -m benchmarks.demo_update_time``.
"""
