"""Benchmarks (not tests). Each scenario is a command that prepares its own database, serves
the site with gunicorn, drives it with simulated clients and writes JSON to bench/results/.
Figures are reported as ratios to a baseline measured in the same run."""
