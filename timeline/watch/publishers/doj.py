"""U.S. Department of Justice press releases, from the JSON API at /api/v1/press_releases.json.

The API pages with ``page`` (from 0) and ``pagesize``; each result carries title, body (HTML),
teaser, url, number, uuid and dates as Unix epochs in strings (``date``, ``created``, ``changed``),
the shape the rOpenGov/usdoj client reads.
"""

import json
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import lxml.html

from timeline.watch.fetching import FetchError
from timeline.watch.publishers.base import Failure, Publisher, Release, squash

PAGE_SIZE = 50
EASTERN = ZoneInfo("America/New_York")  # DOJ dates a release by Washington's calendar day


def listing_path(page):
    return f"/api/v1/press_releases.json?pagesize={PAGE_SIZE}&page={page}&sort=date&direction=DESC"


def release_from(result):
    """A Release from one API result; KeyError or ValueError on a shape the API does not send."""
    url = result["url"]
    number = (result.get("number") or "").strip()
    release_id = f"DOJ-{number}" if number else "DOJ-" + urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    published = datetime.fromtimestamp(int(result["date"]), tz=EASTERN).date()
    body = result.get("body") or ""
    text = squash(lxml.html.fromstring(body)) if body.strip() else ""
    return Release(release_id=release_id, url=url, title=result["title"].strip(), published_on=published, text=text)


def read(fetcher, since):
    page = 0
    while True:
        try:
            response = fetcher.get(listing_path(page))
        except FetchError as exc:
            yield Failure(str(exc))
            return
        if response.not_modified:
            return
        try:
            payload = json.loads(response.text)
            results = payload["results"]
            resultset = payload["metadata"]["resultset"]
            if not isinstance(results, list):
                raise TypeError("results is not a list")
        except (ValueError, KeyError, TypeError) as exc:
            yield Failure(f"{response.url}: unexpected JSON ({exc})")
            return
        for result in results:
            try:
                release = release_from(result)
            except (KeyError, ValueError, TypeError, AttributeError) as exc:
                yield Failure(f"unexpected press release shape ({exc!r})", url=str(result.get("url", "")))
                continue
            if since and release.published_on < since:
                return
            yield release
        if not results or (page + 1) * int(resultset.get("pagesize", PAGE_SIZE)) >= int(resultset["count"]):
            return
        page += 1


PUBLISHER = Publisher(
    slug="doj",
    name="U.S. Department of Justice",
    base_url="https://www.justice.gov",
    authority_slug="doj",
    action_type="criminal",
    read=read,
)
