"""Shared fixtures: the curated fixture files loaded once per test that asks for them."""

from pathlib import Path

import pytest
from django.core.management import call_command

from tests.factories import StaffUserFactory, SuperUserFactory

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_files():
    return sorted(str(path) for path in FIXTURES_DIR.glob("*.json"))


@pytest.fixture
def curated_data(db):
    """Every file in fixtures/, loaded with plain loaddata as an editor would."""
    call_command("loaddata", *fixture_files(), verbosity=0)


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
    """Skip PostgreSQL-only tests on other databases (the SQLite run still runs everything else)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)
