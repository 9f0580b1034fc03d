"""Shared fixtures.

``curated_data`` gives a test every file in fixtures/, loaded with plain loaddata as an editor
would. Loading takes seconds, so it happens once, inside a transaction that is rolled back when
the session ends; each test still runs in its own savepoint on top. The tests using it run last,
after every other test of the session, so no other test sees it. Tests that need committed data
(``live_server``) use ``curated_data_committed``, a load of their own.

A module shares rows the same way through a module-scoped fixture named ``shared_<what>`` that
yields ``SharedRows``, as ``TestCase.setUpTestData`` does for a class. Within a module, the tests
that use no shared rows run first and the tests of each ``shared_*`` fixture run together, so no
test sees rows it did not ask for.

``editor`` and ``viewer`` are API clients signed in by token as a user holding that role;
``api_client_for`` makes more of them.
"""

import copy
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.test import TestCase
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import StaffUserFactory, SuperUserFactory, UserFactory
from timeline.services.roles import roles_ensure

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_files():
    return sorted(str(path) for path in FIXTURES_DIR.glob("*.json"))


def load_curated():
    # loaddata's raw saves leave the penalty totals to a rebuild at commit; run it as a commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("loaddata", *fixture_files(), verbosity=0)


class SharedRows:
    """Rows written once for many tests, in a transaction on every database.

    The transaction is rolled back when the fixture's scope ends, or earlier when other shared rows are
    written, so one set is open at a time. ``data()`` gives each test its own copy of what the build
    returned, so a test that changes an object in memory leaves the next test's copy alone.
    """

    active = None

    def __init__(self, django_db_blocker, build):
        if SharedRows.active is not None:
            SharedRows.active.close()
        self.blocker = django_db_blocker
        with self.blocker.unblock():
            self.atomics = {alias: transaction.atomic(using=alias) for alias in connections}
            for atomic in self.atomics.values():
                atomic.__enter__()
            try:
                self._data = build()
            except BaseException:
                self._roll_back()
                raise
        SharedRows.active = self

    def data(self):
        assert SharedRows.active is self, "shared rows already rolled back: their tests must run together"
        return copy.deepcopy(self._data)

    def close(self):
        if SharedRows.active is self:
            with self.blocker.unblock():
                self._roll_back()
            SharedRows.active = None

    def _roll_back(self):
        for alias, atomic in self.atomics.items():
            transaction.set_rollback(True, using=alias)
            atomic.__exit__(None, None, None)


def shared_rows(build, scope="module"):
    """A fixture sharing the rows ``build()`` writes with every test of its scope (``SharedRows``).

    Name it ``shared_<what>`` in the module: ``shared_world = shared_rows(build_world)``.
    """

    @pytest.fixture(scope=scope)
    def fixture(django_db_setup, django_db_blocker):
        rows = SharedRows(django_db_blocker, build)
        yield rows
        rows.close()

    return fixture


shared_curated = shared_rows(load_curated, scope="session")


@pytest.fixture
def curated_data(shared_curated, db):
    """Every file in fixtures/, as plain ``loaddata fixtures/*.json`` loads it (shared by the session)."""
    shared_curated.data()


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


@pytest.fixture
def api_client_for():
    """Make an API client that authenticates by token as ``username``, a member of the ``role`` group."""

    def make(username, role):
        user = UserFactory(username=username)
        user.groups.add(roles_ensure()[role])
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        return client

    return make


@pytest.fixture
def editor(db, api_client_for):
    """An API client signed in as alice, who holds the editor role."""
    return api_client_for("alice", "editor")


@pytest.fixture
def viewer(db, api_client_for):
    """An API client signed in as victor, who holds the viewer role."""
    return api_client_for("victor", "viewer")


def pytest_collection_modifyitems(config, items):
    """Run the curated-data tests last; group each module's other tests by the shared rows they use,
    those using none first; skip PostgreSQL-only tests elsewhere."""
    from django.db import connection

    def shared_rows(item):
        return tuple(sorted(name for name in getattr(item, "fixturenames", ()) if name.startswith("shared_")))

    group_order = {}
    for item in items:
        module = item.module.__name__ if item.module else ""
        group_order.setdefault(module, {})
        group_order[module].setdefault(shared_rows(item), len(group_order[module]))
    module_order = {module: index for index, module in enumerate(group_order)}
    items.sort(
        key=lambda item: (
            "shared_curated" in shared_rows(item),
            module_order[item.module.__name__ if item.module else ""],
            bool(shared_rows(item)),
            group_order[item.module.__name__ if item.module else ""][shared_rows(item)],
        )
    )

    skip_replica_tests(config, items)
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def skip_replica_tests(config, items):
    """Without a replica configured the replica tests are skipped, unless REQUIRE_REPLICA=1 (CI) says to fail."""
    from django.conf import settings

    if settings.REPLICA_DATABASES or not any("replica" in item.keywords for item in items):
        return
    reason = "needs a streaming replica: DATABASE_REPLICA_URLS=postgres://...:5433/... (bin/pg-replica start)"
    if os.environ.get("REQUIRE_REPLICA") == "1":
        raise pytest.UsageError(f"REQUIRE_REPLICA=1, but the replica tests cannot run: {reason}")
    for item in items:
        if "replica" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))
