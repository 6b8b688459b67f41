"""Side-by-side benchmarks: `python -m tests.benchmarks` (not part of the normal test run).

Every figure is a ratio against a baseline measured in the same run, because absolute
timings on a shared machine mean little.
"""
