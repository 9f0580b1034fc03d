"""Shared fixtures.

``curated_data`` gives a test every file in fixtures/, loaded with plain loaddata as an editor
would. Loading takes seconds, so it happens once per test module inside a transaction that is
rolled back when the module ends; each test still runs in its own savepoint on top. Tests that
need committed data (``live_server``) use ``curated_data_committed``, a load of their own.
Within a module, tests using ``curated_data`` run after the others, so no other test sees it.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.test import TestCase

from tests.factories import StaffUserFactory, SuperUserFactory

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_files():
    return sorted(str(path) for path in FIXTURES_DIR.glob("*.json"))


def load_curated():
    # loaddata's raw saves leave the penalty totals to a rebuild at commit; run it as a commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("loaddata", *fixture_files(), verbosity=0)


@pytest.fixture(scope="module")
def _curated_module(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomics = {alias: transaction.atomic(using=alias) for alias in connections}
        for atomic in atomics.values():
            atomic.__enter__()
        try:
            load_curated()
        except BaseException:
            for alias, atomic in atomics.items():
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        for alias, atomic in atomics.items():
            transaction.set_rollback(True, using=alias)
            atomic.__exit__(None, None, None)


@pytest.fixture
def curated_data(_curated_module, db):
    """Every file in fixtures/, as plain ``loaddata fixtures/*.json`` loads it (shared by the module)."""


@pytest.fixture
def curated_data_committed(transactional_db):
    """The same data committed, for tests whose server thread must see it (``live_server``)."""
    load_curated()


@pytest.fixture
def superuser(db):
    return SuperUserFactory(username="root")


@pytest.fixture
def staff_user(db):
    return StaffUserFactory(username="staff")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def pytest_collection_modifyitems(config, items):
    """Run curated-data tests last within their module; skip PostgreSQL-only tests elsewhere."""
    from django.db import connection

    module_order = {}
    for item in items:
        module_order.setdefault(item.module.__name__ if item.module else "", len(module_order))
    items.sort(
        key=lambda item: (
            module_order[item.module.__name__ if item.module else ""],
            "curated_data" in getattr(item, "fixturenames", ()),
        )
    )

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)
