"""Read routing against a real streaming replica (``bin/pg-replica start``; README "Running on several machines").

These tests commit (a replica only ever sees committed data) and wait for the replica's replay
before reading from it. Anonymous safe-method reads come from the replica; signed-in users read
from the primary and see their own writes; a replica that lags past ``MAX_REPLICA_LAG``, is down,
or fails mid-request is skipped and costs no request; a lagging replica keys cached answers by
its own data version. Lag is made on purpose by pausing the replica's replay.
"""

import logging
import time

import pytest
from django.core.cache import caches
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from tests.replica_support import REPLICA, point_at_replica, set_replay_paused, wait_for_replay
from timeline.replicas import status
from timeline.selectors.data_version import current_data_version

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases="__all__")]

NOTHING_LISTENS = "1"
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK"}


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection = point_at_replica()
        wait_for_replay()
        yield connection
        connection.close()


@pytest.fixture(autouse=True)
def fresh_state(settings):
    settings.REPLICA_CHECK_SECONDS = 0  # measure the lag on every request: tests change it on purpose
    settings.MAX_REPLICA_LAG = 3600
    status.forget()
    yield
    status.forget()


@pytest.fixture
def paused_replay():
    set_replay_paused(True)
    yield
    set_replay_paused(False)
    wait_for_replay()


@pytest.fixture
def action():
    action = factories.EnforcementActionFactory(slug="replicated", caption="SEC v. Replicated")
    wait_for_replay()
    return action


@pytest.fixture
def editor_client(api_client_for):
    return api_client_for("replica-editor", "editor")


def detail_url(action):
    return reverse("api:action-detail", args=[action.slug])


def queries(captured):
    return len([query for query in captured.captured_queries if query["sql"] not in TRANSACTION_CONTROL])


def read(client, url, **extra):
    """The response, and how many queries each of the primary and the replica ran for it (BEGIN and COMMIT
    of ATOMIC_REQUESTS on the primary left out: they send nothing to the server while no query ran)."""
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections[REPLICA]) as rep:
        response = client.get(url, **extra)
    return response, queries(primary), queries(rep)


def read_primary(client, url):
    """The response and the primary's query count, for a replica that is down (no connection to watch)."""
    with CaptureQueriesContext(connections["default"]) as primary:
        response = client.get(url)
    return response, queries(primary)


def rename(client, action, caption):
    etag = client.get(detail_url(action))["ETag"]
    response = client.patch(detail_url(action), {"caption": caption}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content


def wait_until_lag_exceeds(seconds):
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        lag = status.measure(REPLICA).lag
        if lag is not None and lag > seconds:
            return lag
        time.sleep(0.1)
    raise AssertionError(f"the paused replica did not fall {seconds} s behind")


def test_anonymous_reads_come_from_the_replica(action, settings):
    settings.READ_FROM_HEADER = True
    response, on_primary, on_replica = read(APIClient(), detail_url(action))

    assert response.status_code == 200
    assert response["X-Read-From"] == REPLICA
    assert response.json()["caption"] == "SEC v. Replicated"
    assert on_replica > 1 and on_primary == 0


@pytest.mark.parametrize("url", ["/api/v1/actions/", "/", "/feeds/events/"], ids=["api list", "page", "feed"])
def test_pages_and_feeds_read_from_the_replica_too(action, url):
    response, on_primary, on_replica = read(APIClient(), url)
    assert response.status_code == 200, response.content[:300]
    assert on_replica >= 1 and on_primary == 0


def test_signed_in_users_read_the_primary_and_see_their_own_writes(action, editor_client, paused_replay):
    rename(editor_client, action, "SEC v. Written")

    mine, mine_on_primary, mine_on_replica = read(editor_client, detail_url(action))
    anonymous, _, anonymous_on_replica = read(APIClient(), detail_url(action))

    assert mine.json()["caption"] == "SEC v. Written"
    assert mine_on_primary > 1 and mine_on_replica == 0
    # The replica, paused, still has the old text: proof the anonymous read really came from it.
    assert anonymous.json()["caption"] == "SEC v. Replicated" and anonymous_on_replica > 1


def test_a_write_reaches_anonymous_readers_once_replayed(action, editor_client):
    rename(editor_client, action, "SEC v. Replayed")
    wait_for_replay()

    response, _, on_replica = read(APIClient(), detail_url(action))

    assert response.json()["caption"] == "SEC v. Replayed" and on_replica > 1


def test_a_replica_past_max_replica_lag_is_skipped(action, editor_client, paused_replay, settings, client, caplog):
    settings.MAX_REPLICA_LAG = 0.5
    rename(editor_client, action, "SEC v. Lagging")
    lag = wait_until_lag_exceeds(settings.MAX_REPLICA_LAG)
    status.forget()

    with caplog.at_level(logging.WARNING, logger="timeline.replicas.status"):
        response, on_primary, on_replica = read(APIClient(), detail_url(action))
    health = client.get(reverse("healthz")).json()

    assert response.status_code == 200 and response.json()["caption"] == "SEC v. Lagging"
    assert on_primary > 1 and on_replica == 1  # only the lag check
    assert "behind" in caplog.text
    assert health["status"] == "degraded"
    assert health["replicas"][REPLICA]["usable"] is False and health["replicas"][REPLICA]["lag_seconds"] >= lag


def test_healthz_reports_each_replicas_lag(client, action):
    health = client.get(reverse("healthz")).json()
    assert health["status"] == "ok"
    assert health["replicas"][REPLICA]["usable"] is True
    assert 0 <= health["replicas"][REPLICA]["lag_seconds"] < 60


def test_a_lagging_replica_keys_cached_answers_by_its_own_data_version(action, editor_client, paused_replay, settings):
    settings.API_CACHE_SECONDS = 600
    caches["api"].clear()
    rename(editor_client, action, "SEC v. Newer")

    stale = APIClient().get(detail_url(action))
    replica_version = current_data_version(using=REPLICA)
    set_replay_paused(False)
    wait_for_replay()
    fresh = APIClient().get(detail_url(action))
    caches["api"].clear()

    assert replica_version != current_data_version(using="default")
    assert stale.json()["caption"] == "SEC v. Replicated"
    # Had the answer been stored under the primary's version, this read would get the stale one.
    assert fresh.json()["caption"] == "SEC v. Newer"


@pytest.fixture
def replica_down(replica):
    saved = replica.settings_dict
    replica.close()
    replica.settings_dict = {**saved, "PORT": NOTHING_LISTENS}
    yield
    replica.close()
    replica.settings_dict = saved


def test_a_replica_that_is_down_costs_no_request(action, replica_down, client):
    response, on_primary = read_primary(APIClient(), detail_url(action))
    health = client.get(reverse("healthz"))

    assert response.status_code == 200 and response.json()["caption"] == "SEC v. Replicated"
    assert on_primary > 1
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["replicas"][REPLICA] == {"usable": False, "error": "OperationalError"}


def test_a_replica_failing_mid_request_is_answered_from_the_primary(action, replica, settings, caplog):
    settings.REPLICA_CHECK_SECONDS = 3600
    settings.READ_FROM_HEADER = True
    assert status.state(REPLICA).usable  # checked and found usable: the next request will not check again
    saved = replica.settings_dict
    replica.close()
    replica.settings_dict = {**saved, "PORT": NOTHING_LISTENS}
    try:
        with caplog.at_level(logging.WARNING, logger="timeline.replicas.status"):
            response, on_primary = read_primary(APIClient(), detail_url(action))
        after = status.state(REPLICA)
    finally:
        replica.close()
        replica.settings_dict = saved

    assert response.status_code == 200 and response.json()["caption"] == "SEC v. Replicated"
    assert on_primary > 1 and response["X-Read-From"] == "default"
    assert "failed mid-request" in caplog.text
    assert not after.usable  # skipped until its next check
