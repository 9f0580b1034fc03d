"""CFTC enforcement press releases: the enforcement-actions table (date, linked release) and each
press release, whose article opens with an h1 "Release Number NNNN-YY" and the title in a second h1."""

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

LISTING = "/LawRegulation/EnforcementActions/index.htm"
RELEASE_NUMBER = re.compile(r"(\d{3,5}-\d{2})$")


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
        except ValueError as exc:
            yield Failure(f"{page.url}: {exc}")
            return
        for row in tree.xpath("//div[contains(@class, 'view-content')]//table//tbody/tr"):
            cells = row.xpath("./td")
            links = row.xpath(".//a/@href")
            if len(cells) < 2 or not links:
                yield Failure("listing row without date or release link")
                continue
            match = RELEASE_NUMBER.search(links[0].rstrip("/"))
            if not match:
                yield Failure(f"unreadable release link {links[0]!r}", url=links[0])
                continue
            release_id = f"CFTC-PR-{match.group(1)}"
            try:
                published = parse_us_date(cells[0].text_content())
            except ValueError as exc:
                yield Failure(str(exc), release_id=release_id)
                continue
            if since and published < since:
                return
            yield _release(fetcher, release_id, links[0], published)
        following = tree.xpath("//a[@rel='next']/@href")
        path = urljoin(page.url, following[0]) if following else None


def _release(fetcher, release_id, href, published):
    try:
        page = fetcher.get(href)
    except FetchError as exc:
        return Failure(str(exc), release_id=release_id, url=fetcher.absolute(href))
    if page.not_modified:
        return Unchanged(release_id)
    try:
        tree = parse_html(page.text)
        article = tree.xpath("//article")[0]
        headings = article.xpath(".//h1")
        if len(headings) < 2 or "Release Number" not in headings[0].text_content():
            raise ValueError("no 'Release Number' heading followed by a title")
    except (ValueError, IndexError) as exc:
        return Failure(f"{page.url}: {exc or 'no article'}", release_id=release_id, url=page.url)
    title = squash(headings[1])
    for heading in headings[:2]:
        heading.drop_tree()
    return Release(release_id, canonical(tree, page.url), title, published, squash(article))


PUBLISHER = Publisher(
    slug="cftc",
    name="U.S. Commodity Futures Trading Commission",
    base_url="https://www.cftc.gov",
    authority_slug="cftc",
    action_type="civil",
    read=read,
)
