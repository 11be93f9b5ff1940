"""
The pieces of `manage.py bench_pages`: the site it builds (`data`), and the
servers and load generator it runs against that site (`load`).
"""
