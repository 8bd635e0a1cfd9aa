"""Benchmarks: full, no-change and single-source rebuilds from the real snapshots, the peer script, scale.

`python -m benchmarks.run` (or `make bench`) prints the figures and writes reports/benchmarks/*.json.
Nothing here asserts a time; the figures are read by people.
"""
