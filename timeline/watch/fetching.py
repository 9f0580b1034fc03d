"""HTTP for the publisher adapters: a declared User-Agent, polite spacing, conditional requests and
retries with backoff, over the network or over a directory of saved responses (``--from-dir``)."""

import json
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from timeline.watch.models import FetchState

MANIFEST = "manifest.json"


class FetchError(Exception):
    """A URL could not be read after the retries; the message says why, for the inbox and the summary."""


class RetryableStatus(Exception):
    """A 5xx or 429 answer: worth asking again after a pause."""


@dataclass
class Page:
    url: str
    status: int
    text: str

    @property
    def not_modified(self):
        return self.status == 304


def user_agent():
    """SEC.gov and others ask automated clients to say who they are and how to reach them."""
    contact = settings.WATCH_CONTACT or "contact not configured"
    return f"timeline-agency-watch/1.0 ({contact})"


class DirectoryTransport(httpx.BaseTransport):
    """Answers requests from saved responses: ``manifest.json`` maps a path (with its query) to a file
    and the headers the publisher sent with it. A path not saved is a 404, as a missing page would be."""

    def __init__(self, directory):
        self.directory = Path(directory)
        manifest = json.loads((self.directory / MANIFEST).read_text(encoding="utf-8"))
        self.entries = manifest["responses"]

    def handle_request(self, request):
        path = request.url.raw_path.decode("ascii")
        entry = self.entries.get(path)
        if entry is None:
            return httpx.Response(404, text="not saved", request=request)
        body = (self.directory / entry["file"]).read_bytes()
        return httpx.Response(200, headers=entry.get("headers", {}), content=body, request=request)


class Fetcher:
    """One publisher's client: at most one request per ``min_interval`` seconds, validators kept in
    FetchState so an unchanged page costs the publisher a 304 and us nothing."""

    def __init__(self, base_url, *, min_interval=None, transport=None, conditional=True):
        self.base_url = base_url
        self.min_interval = settings.WATCH_MIN_INTERVAL if min_interval is None else min_interval
        self.conditional = conditional
        self.requests = 0
        self._last = 0.0
        self.client = httpx.Client(
            transport=transport,
            timeout=settings.WATCH_TIMEOUT,
            headers={"User-Agent": user_agent(), "Accept-Language": "en"},
            follow_redirects=True,
        )

    def close(self):
        self.client.close()

    def absolute(self, path_or_url):
        return urljoin(self.base_url, path_or_url)

    def get(self, path_or_url):
        """The page at ``path_or_url``; a 304 when it has not changed since the last run. Raises FetchError."""
        url = self.absolute(path_or_url)
        state = FetchState.objects.filter(url=url).first() if self.conditional else None
        headers = {}
        if state and state.etag:
            headers["If-None-Match"] = state.etag
        if state and state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        try:
            response = self._send(url, headers)
        except (httpx.HTTPError, RetryableStatus) as exc:
            raise FetchError(f"{url}: {_reason(exc)}") from exc
        if response.status_code == 304:
            return Page(url, 304, "")
        if response.status_code >= 400:
            raise FetchError(f"{url}: HTTP {response.status_code}")
        self._remember(url, response)
        return Page(url, response.status_code, response.text)

    def _send(self, url, headers):
        retrying = Retrying(
            retry=retry_if_exception_type((httpx.TransportError, RetryableStatus)),
            stop=stop_after_attempt(settings.WATCH_RETRIES),
            wait=wait_exponential(multiplier=settings.WATCH_BACKOFF, max=60),
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                self._pause()
                self.requests += 1
                response = self.client.get(url, headers=headers)
                response.read()  # a body cut short raises here, inside the retry
                if response.status_code >= 500 or response.status_code == 429:
                    raise RetryableStatus(f"HTTP {response.status_code}")
        return response

    def _pause(self):
        wait = self._last + self.min_interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()

    def _remember(self, url, response):
        if not self.conditional:
            return
        etag = response.headers.get("ETag", "")
        last_modified = response.headers.get("Last-Modified", "")
        if etag or last_modified:
            FetchState.objects.update_or_create(url=url, defaults={"etag": etag, "last_modified": last_modified})


def _reason(exc):
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"connection broken ({exc})"
    return str(exc) or type(exc).__name__


def same_site(url, base_url):
    return urlsplit(url).netloc == urlsplit(base_url).netloc
