"""OFAC recent actions, enforcement category: the paged search-result list (``?page=N``, a date line
"Month D, YYYY - Enforcement Actions" and a link per action) and each recent-action page, keyed by
its dated id (20231121)."""

from timeline.watch.fetching import FetchError
from timeline.watch.publishers.base import (
    Failure,
    Publisher,
    Release,
    Unchanged,
    canonical,
    parse_html,
    parse_us_date,
    squash,
)

LISTING = "/recent-actions/enforcement-actions?page={page}"
CONTENT = "//div[@id='block-ofac-content']//div[@class='content']"


def read(fetcher, since):
    page_number = 0
    while True:
        try:
            page = fetcher.get(LISTING.format(page=page_number))
        except FetchError as exc:
            yield Failure(str(exc))
            return
        if page.not_modified:
            return
        try:
            results = parse_html(page.text).xpath("//div[contains(@class, 'search-result')]")
        except ValueError as exc:
            yield Failure(f"{page.url}: {exc}")
            return
        if not results:
            return
        for result in results:
            links = result.xpath(".//a[contains(@href, 'recent-actions/')]/@href")
            stamps = result.xpath(".//div[contains(@class, 'margin-top-1')]/text()")
            if not links or not stamps:
                yield Failure("search result without link or date")
                continue
            release_id = "OFAC-" + links[0].rstrip("/").rsplit("/", 1)[-1]
            try:
                published = parse_us_date(stamps[0].split(" - ")[0])
            except ValueError as exc:
                yield Failure(str(exc), release_id=release_id)
                continue
            if since and published < since:
                return
            yield _release(fetcher, release_id, links[0], published)
        page_number += 1


def _release(fetcher, release_id, href, published):
    try:
        page = fetcher.get(href)
    except FetchError as exc:
        return Failure(str(exc), release_id=release_id, url=fetcher.absolute(href))
    if page.not_modified:
        return Unchanged(release_id)
    try:
        tree = parse_html(page.text)
        title = squash(tree.xpath("//span[@class='treas-page-title']")[0])
        content = tree.xpath(CONTENT)[0]
    except (ValueError, IndexError) as exc:
        return Failure(f"{page.url}: {exc or 'no title or content block'}", release_id=release_id, url=page.url)
    return Release(release_id, canonical(tree, page.url), title, published, squash(content))


PUBLISHER = Publisher(
    slug="ofac",
    name="Office of Foreign Assets Control (U.S. Treasury)",
    base_url="https://ofac.treasury.gov",
    authority_slug="ofac",
    action_type="administrative",
    read=read,
)
