"""The top domain layer: demo data for a first run, the tests and the benchmark (`manage.py seed_demo`).

It may import every app below it; nothing imports it (only its command and the benchmark run it).
"""
