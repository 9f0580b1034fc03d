"""The shared cache against a real Redis (``TEST_REDIS_URL``, default database 1 on 127.0.0.1:6379).

With ``REDIS_URL`` set, the throttle counters, cached sessions and stored API answers live in
Redis, so every application server sees the same ones; two cache objects here stand for two
servers. Redis going down degrades to per-process caching with one logged warning, never an
error, and what a process changed meanwhile is dropped from Redis when it answers again (a
private redis-server, stopped and started by the test, plays the outage).
"""

import logging
import os
import shutil
import socket
import subprocess
import time
import uuid

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from config.scaling import redis_caches
from tests import factories
from timeline.shared_cache.backend import SharedRedisCache

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def redis_answers(url):
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture(scope="module")
def redis_url():
    if not redis_answers(REDIS_URL):
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1, but no Redis answers at {REDIS_URL}")
        pytest.skip(f"needs Redis at {REDIS_URL} (set TEST_REDIS_URL)")
    return REDIS_URL


def shared_caches(url):
    """The settings' Redis caches, under a prefix of their own so parallel runs never share keys."""
    run = uuid.uuid4().hex[:12]
    configured = redis_caches(url, api_max_entries=500)
    for alias, cache in configured.items():
        cache["KEY_PREFIX"] = f"test-{run}-{alias}"
    return configured


@pytest.fixture
def redis_settings(redis_url, settings):
    configured = shared_caches(redis_url)
    settings.REDIS_URL = redis_url
    with override_settings(CACHES=configured, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        yield configured
        for alias in configured:
            caches[alias].clear()


def server(params):
    """A cache object built from the settings as another application server would build it."""
    return SharedRedisCache(params["LOCATION"], {key: value for key, value in params.items() if key != "LOCATION"})


def test_two_servers_share_one_cache(redis_settings):
    first, second = server(redis_settings["default"]), server(redis_settings["default"])

    first.set("answer", {"count": 3}, 60)

    assert second.get("answer") == {"count": 3}
    assert caches["default"].get("answer") == {"count": 3}


@pytest.mark.django_db
def test_throttle_counts_are_shared_by_every_server(redis_settings, settings):
    action = factories.EnforcementActionFactory()
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "3/minute"}
    url = reverse("api:action-detail", args=[action.slug])
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        statuses = [APIClient().get(url).status_code for _ in range(2)]
        # Another server's throttle sees the two requests already counted for this client.
        history = server(redis_settings["default"]).get("throttle_anon_127.0.0.1")
        statuses += [APIClient().get(url).status_code for _ in range(2)]

    assert statuses == [200, 200, 200, 429]
    assert len(history) == 2


@pytest.mark.django_db(transaction=True)
def test_anonymous_answers_are_stored_in_redis(redis_settings, settings):
    settings.API_CACHE_SECONDS = 600
    action = factories.EnforcementActionFactory(caption="SEC v. Shared")
    url = reverse("api:action-detail", args=[action.slug])
    stored_in_redis = redis.Redis.from_url(redis_settings["api"]["LOCATION"]).keys
    pattern = f"{redis_settings['api']['KEY_PREFIX']}:*"

    first = APIClient().get(url)
    stored = stored_in_redis(pattern)
    second = APIClient().get(url)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert len(stored) == 1


@pytest.mark.django_db
def test_sessions_live_in_redis_and_the_database(redis_settings):
    user = factories.StaffUserFactory(username="shared-session")
    client = Client()
    client.force_login(user)
    session_key = client.cookies["sessionid"].value
    cached = server(redis_settings["default"]).get(f"django.contrib.sessions.cached_db{session_key}")

    other_server = Client()
    other_server.cookies["sessionid"] = session_key

    assert cached is not None and str(user.pk) == cached["_auth_user_id"]
    assert other_server.get(reverse("admin:index")).status_code == 200


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, so stopping it disturbs nobody; it keeps its keys across a restart."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("needs redis-server on PATH")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)]
        command += ["--save", "3600 1", "--appendonly", "no"]  # saved at shutdown, loaded at start
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not redis_answers(self.url):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"


@pytest.fixture
def private_redis(redis_url, tmp_path):
    instance = PrivateRedis(tmp_path)
    instance.start()
    yield instance
    instance.stop()


def test_redis_down_degrades_to_per_process_caching_with_one_warning(private_redis, settings, caplog):
    settings.REDIS_RETRY_SECONDS = 60
    cache = server(shared_caches(private_redis.url)["default"])
    cache.set("before", "shared", 60)
    private_redis.stop()

    with caplog.at_level(logging.WARNING, logger="timeline.shared_cache.backend"):
        cache.set("during", "local", 60)
        during = cache.get("during")
        counted = [cache.add("counter", 1), cache.incr("counter")]
        healthy = cache.ping()

    assert during == "local" and counted == [True, 2]
    assert not healthy and not cache.shared
    warnings = [record for record in caplog.records if "unreachable" in record.getMessage()]
    assert len(warnings) == 1


def test_keys_changed_while_redis_was_down_are_dropped_from_it_when_it_is_back(private_redis, settings, caplog):
    settings.REDIS_RETRY_SECONDS = 0
    cache = server(shared_caches(private_redis.url)["default"])
    cache.set("session", "signed in", 60)
    private_redis.stop()
    cache.delete("session")  # signed out while Redis was down: Redis, restarted, still says signed in
    private_redis.start()
    assert redis.Redis.from_url(private_redis.url).exists(cache.make_key("session"))

    with caplog.at_level(logging.WARNING, logger="timeline.shared_cache.backend"):
        back = cache.ping()

    assert back and cache.shared
    assert cache.get("session") is None
    assert "answers again" in caplog.text


@pytest.mark.django_db
def test_healthz_says_whether_the_cache_is_shared(private_redis, settings, client):
    settings.REDIS_URL = private_redis.url
    with override_settings(CACHES=shared_caches(private_redis.url)):
        up = client.get(reverse("healthz"))
        private_redis.stop()
        down = client.get(reverse("healthz"))

    assert up.status_code == down.status_code == 200
    assert up.json()["cache"] == {"backend": "redis", "shared": True} and up.json()["status"] == "ok"
    assert down.json()["cache"] == {"backend": "redis", "shared": False} and down.json()["status"] == "degraded"
