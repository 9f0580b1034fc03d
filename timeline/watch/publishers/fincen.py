"""FinCEN enforcement actions: one table (enforcement action, date, matter number, financial
institution) whose rows link to the order itself (a PDF); the row is the release, keyed by matter
number, as OpenSanctions' FinCEN crawler reads it."""

from urllib.parse import urljoin

from timeline.watch.fetching import FetchError
from timeline.watch.publishers.base import Failure, Publisher, Release, parse_html, parse_us_date, squash

LISTING = "/news-room/enforcement-actions"
COLUMNS = ("enforcement action", "date", "matter number", "financial institution")


def read(fetcher, since):
    try:
        page = fetcher.get(LISTING)
    except FetchError as exc:
        yield Failure(str(exc))
        return
    if page.not_modified:
        return
    try:
        tree = parse_html(page.text)
        table = tree.xpath("//table")[0]
    except (ValueError, IndexError) as exc:
        yield Failure(f"{page.url}: {exc or 'no table'}")
        return
    headers = [" ".join(th.text_content().split()).lower() for th in table.xpath(".//thead//th")]
    positions = {name: next((i for i, h in enumerate(headers) if h.startswith(name)), None) for name in COLUMNS}
    if None in positions.values():
        yield Failure(f"{page.url}: unexpected table columns {headers}")
        return
    for row in table.xpath(".//tbody/tr"):
        cells = row.xpath("./td")
        if len(cells) < len(COLUMNS):
            yield Failure("table row with missing cells")
            continue
        matter = squash(cells[positions["matter number"]])
        links = cells[positions["enforcement action"]].xpath(".//a/@href")
        if not matter or not links:
            yield Failure("table row without matter number or link")
            continue
        release_id = f"FinCEN-{matter}"
        try:
            published = parse_us_date(cells[positions["date"]].text_content())
        except ValueError as exc:
            yield Failure(str(exc), release_id=release_id)
            continue
        if since and published < since:
            continue  # the table is not sorted by date
        title = squash(cells[positions["enforcement action"]])
        institution = squash(cells[positions["financial institution"]])
        text = "\n".join(part for part in (title, f"Matter number {matter}", institution) if part)
        yield Release(release_id, urljoin(page.url, links[0]), title, published, text)


PUBLISHER = Publisher(
    slug="fincen",
    name="Financial Crimes Enforcement Network (U.S. Treasury)",
    base_url="https://www.fincen.gov",
    authority_slug="fincen",
    action_type="administrative",
    read=read,
)
