"""Examples: a small migration tool and the tests that use pytest-migrationhub on it.

A package (as is ``examples/tests``) so that pytest names these test modules
``examples.tests.test_...``: they can share base names with the project's own
tests without clashing.
"""
