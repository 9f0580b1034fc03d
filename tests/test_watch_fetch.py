"""Fetching the publishers for real over HTTP on 127.0.0.1: headers, paging, conditional requests,
retries on a 5xx, a timeout, a body cut short, and what the command reports and returns."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from tests.watch_server import SAMPLES, SampleServer
from timeline.watch.models import FetchState, InboxItem, ItemStatus

FAST = {"WATCH_MIN_INTERVAL": 0, "WATCH_BACKOFF": 0.01, "WATCH_RETRIES": 3, "WATCH_TIMEOUT": 0.5}
CONTACT = "compliance-data@example.org"


@pytest.fixture
def server():
    with SampleServer() as running:
        yield running


def watch(*args):
    out, err = StringIO(), StringIO()
    call_command("watch_agencies", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast")]


@pytest.fixture
def fast():
    with override_settings(**FAST, WATCH_CONTACT=CONTACT):
        yield


def test_every_publisher_is_read_with_a_declared_user_agent_and_paging(server):
    out, _ = watch("--base-url", server.url)
    assert "Total: 5 new, 0 changed, 0 unchanged, 0 failed" in out
    assert set(InboxItem.objects.values_list("release_id", flat=True)) == {
        "DOJ-binance-and-ceo-plead-guilty-federal-charges-4b-resolution",
        "LR-26316",
        "CFTC-PR-8825-23",
        "OFAC-20231121",
        "FinCEN-2023-04",
    }
    agents = {headers["User-Agent"] for _, headers in server.requests}
    assert agents == {f"timeline-agency-watch/1.0 ({CONTACT})"}
    # SEC and OFAC listings follow their "next" pages to the end.
    assert "/enforcement-litigation/litigation-releases?page=1" in server.paths()
    assert "/recent-actions/enforcement-actions?page=1" in server.paths()
    # Items keep the publisher's URL, not the mirror's.
    assert InboxItem.objects.get(release_id="LR-26316").url.startswith("https://www.sec.gov/")


def test_a_second_run_sends_validators_gets_304s_and_creates_nothing(server):
    watch("--base-url", server.url)
    assert FetchState.objects.count() == len(set(server.paths()))
    first = server.paths()
    server.requests.clear()
    out, _ = watch("--base-url", server.url)
    assert "0 new, 0 changed" in out
    assert "failed" in out and " 0 failed" in out
    assert InboxItem.objects.count() == 5
    conditional = [headers for _, headers in server.requests if "If-None-Match" in headers]
    assert conditional and all("If-Modified-Since" in headers for headers in conditional)
    assert len(server.requests) < len(first)  # 304 listings are not walked again


def test_a_changed_release_is_flagged_and_kept_beside_the_first_text(server):
    watch("--base-url", server.url)
    FetchState.objects.all().delete()
    path = "/recent-actions/20231121"
    original = (SAMPLES / "ofac" / "20231121.html").read_text()
    server.overrides[path] = original.replace("1,667,153 apparent violations", "1,667,154 apparent violations").encode()
    out, _ = watch("--base-url", server.url, "--publisher", "ofac")
    assert "ofac: 0 new, 1 changed" in out
    item = InboxItem.objects.get(release_id="OFAC-20231121")
    assert item.is_changed and "1,667,153" in item.text and "1,667,154" in item.changed_text


def test_a_500_is_retried_and_then_read(server):
    server.faults["/PressRoom/PressReleases/8825-23"] = ["500", "500"]
    out, _ = watch("--base-url", server.url, "--publisher", "cftc")
    assert "cftc: 1 new" in out
    assert server.paths().count("/PressRoom/PressReleases/8825-23") == 3


def test_a_timeout_and_a_truncated_body_fail_that_release_only(server):
    server.stall_seconds = 1.0
    server.faults["/PressRoom/PressReleases/8825-23"] = ["stall"] * 3
    server.faults["/recent-actions/20231121"] = ["truncate"] * 3
    out, err = watch("--base-url", server.url, "--publisher", "cftc", "--publisher", "ofac", "--publisher", "sec")
    assert "sec: 1 new" in out
    assert "cftc: 0 new, 0 changed, 0 unchanged, 1 failed" in out
    assert "ofac: 0 new, 0 changed, 0 unchanged, 1 failed" in out
    assert "timed out" in err and "connection broken" in err
    failed = InboxItem.objects.get(release_id="CFTC-PR-8825-23")
    assert failed.status == ItemStatus.FAILED and "timed out" in failed.failure and failed.text == ""


def test_exit_status_is_non_zero_only_when_nothing_could_be_read(server):
    server.faults["/news-room/enforcement-actions"] = ["500"] * 3
    with pytest.raises(CommandError) as raised:
        watch("--base-url", server.url, "--publisher", "fincen")
    assert raised.value.returncode == 1
    assert InboxItem.objects.count() == 0


def test_since_skips_older_releases(server):
    out, _ = watch("--base-url", server.url, "--since", "2024-01-01")
    assert "Total: 1 new" in out  # only the SEC release of 2025
    assert list(InboxItem.objects.values_list("release_id", flat=True)) == ["LR-26316"]


def test_from_dir_fills_the_inbox_and_a_rerun_changes_nothing():
    out, _ = watch("--from-dir", str(SAMPLES))
    assert "Total: 5 new" in out
    before = list(InboxItem.objects.order_by("pk").values("pk", "text", "content_hash", "candidates"))
    out, _ = watch("--from-dir", str(SAMPLES))
    assert "Total: 0 new, 0 changed, 5 unchanged, 0 failed" in out
    assert list(InboxItem.objects.order_by("pk").values("pk", "text", "content_hash", "candidates")) == before


def test_network_runs_need_a_contact(server):
    with override_settings(WATCH_CONTACT=""), pytest.raises(CommandError, match="WATCH_CONTACT") as raised:
        watch("--base-url", server.url)
    assert raised.value.returncode == 2
    assert server.requests == []


def test_bad_since_and_bad_dir_are_named(tmp_path):
    with pytest.raises(CommandError, match="--since") as raised:
        watch("--from-dir", str(SAMPLES), "--since", "21/11/2023")
    assert raised.value.returncode == 2
    with pytest.raises(CommandError, match=r"manifest\.json"):
        watch("--from-dir", str(tmp_path))
