"""Benchmarks of aftersales on a generated load (`python -m bench`, `make bench`).

One module per measured area (bench/lookup.py, bench/coverage.py, …), registered in
bench/__main__.py. Each area gets a Context (target database, an actor, the random generator)
and returns Figures; __main__ prints them in one table with the goal next to each.
"""
