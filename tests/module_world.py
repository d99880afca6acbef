"""A test world built once per module instead of once per test.

`_built, w = built_once_per_module("w", build)` in a test module gives it a fixture `w`: `build()`
runs once, when the module's first test asks for it, inside a transaction that is rolled
back after the module's last test. Each test's own transaction (`django_db`, never
`transaction=True`) is a savepoint within it, so what a test writes is undone as before;
and each test gets a deep copy of the built objects (as Django's `TestCase.setUpTestData`
does), so what a test changes on them in Python is not seen by the next. Building such a
world (a dozen factories) for each of a module's tests was most of the module's time.
"""

import copy

import pytest
from django.db import transaction


def built_once_per_module(name: str, build):
    """The fixtures to bind in a test module: `_built, name = built_once_per_module(...)`
    (one per module: the built world's fixture has a fixed name)."""

    @pytest.fixture(scope="module", name="_world_built_once")
    def built(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                yield build()
            finally:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)

    # A parameter, not request.getfixturevalue(): pytest then builds the module's world
    # before the test's transaction opens, not inside it (where it would be rolled back
    # with the first test).
    @pytest.fixture(name=name)
    def fresh_copy(_world_built_once, db):
        return copy.deepcopy(_world_built_once)

    return built, fresh_copy
