"""SEC litigation releases: the listing table (paged with a "next" link) and each release page,
read with the selectors of the live site (the release number in the row, the case caption with
its docket number in an h3 of the release)."""

import re
from urllib.parse import urljoin

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

LISTING = "/enforcement-litigation/litigation-releases"
RELEASE_NUMBER = re.compile(r"^LR-?(\d{4,}\w*(?:-\d+)?)$", re.IGNORECASE)
CONTENT = "//div[contains(@class, 'node-details-layout__main-region__content')]"


def read(fetcher, since):
    path = LISTING
    while path:
        try:
            page = fetcher.get(path)
        except FetchError as exc:
            yield Failure(str(exc))
            return
        if page.not_modified:
            return
        try:
            tree = parse_html(page.text)
            rows = tree.xpath("//table[contains(@class, 'views-view-table')]//tbody/tr")
        except ValueError as exc:
            yield Failure(f"{page.url}: {exc}")
            return
        for row in rows:
            item = _row(row)
            if isinstance(item, Failure):
                yield item
                continue
            release_id, href, published = item
            if since and published < since:
                return
            yield _release(fetcher, release_id, href, published)
        following = tree.xpath("//a[contains(@class, 'usa-pagination__next-page')]/@href")
        path = urljoin(page.url, following[0]) if following else None


def _row(row):
    numbers = row.xpath(
        ".//*[contains(@class, 'view-table_subfield_release_number')]"
        "//*[contains(@class, 'view-table_subfield_value')]/text()"
    )
    links = row.xpath(".//div[contains(@class, 'release-view__respondents')]//a/@href")
    stamps = row.xpath(".//time/@datetime")
    if not numbers or not links or not stamps:
        return Failure("listing row without release number, link or date")
    match = RELEASE_NUMBER.match(numbers[0].strip())
    if not match:
        return Failure(f"unreadable release number {numbers[0].strip()!r}")
    try:
        published = parse_us_date(stamps[0][:10])
    except ValueError as exc:
        return Failure(str(exc), release_id=f"LR-{match.group(1)}")
    return f"LR-{match.group(1)}", links[0], published


def _release(fetcher, release_id, href, published):
    try:
        page = fetcher.get(href)
    except FetchError as exc:
        return Failure(str(exc), release_id=release_id, url=fetcher.absolute(href))
    if page.not_modified:
        return Unchanged(release_id)
    try:
        tree = parse_html(page.text)
        content = tree.xpath(CONTENT)
        if not content:
            raise ValueError("no release content on the page")
        title = squash(tree.xpath("//h1[contains(@class, 'page-title__heading')]")[0])
    except (ValueError, IndexError) as exc:
        return Failure(f"{page.url}: {exc or 'no title'}", release_id=release_id, url=page.url)
    return Release(release_id, canonical(tree, page.url), title, published, squash(content[0]))


PUBLISHER = Publisher(
    slug="sec",
    name="U.S. Securities and Exchange Commission",
    base_url="https://www.sec.gov",
    authority_slug="sec",
    action_type="civil",
    read=read,
    min_interval=0.1,  # SEC.gov: at most 10 requests per second
)
