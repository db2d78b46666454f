"""Expected status per role for every route, one module per domain.

Each module defines ``EXPECTED`` (``(endpoint, method) -> {role: status}``) and may define
``make_url_args(users) -> dict`` building the objects its routes need (owned by provider A, so other roles'
access can be checked). ``tests/test_permissions.py`` merges them all and fails on any route left out.
"""
