"""The interface every publisher module implements, and the HTML reading they share."""

from dataclasses import dataclass, field
from datetime import date, datetime

import lxml.html


@dataclass
class Release:
    """A release as the publisher states it: the text is plain prose, the URL the publisher's own."""

    release_id: str
    url: str
    title: str
    published_on: date | None
    text: str


@dataclass
class Failure:
    """A release (or a listing page) that could not be read; ``release_id`` empty when unknown."""

    reason: str
    release_id: str = ""
    url: str = ""


@dataclass
class Unchanged:
    """The publisher answered 304 Not Modified for this release."""

    release_id: str


@dataclass
class Publisher:
    """What the watch needs to know of a publisher; ``read`` yields Release, Unchanged or Failure.

    ``read(fetcher, since)`` walks the listing newest first, stops at releases older than ``since``,
    and turns every problem with one release into a Failure so the run goes on.
    """

    slug: str
    name: str
    base_url: str
    authority_slug: str
    action_type: str
    read: object = field(repr=False)
    min_interval: float | None = None


def parse_html(text):
    """An lxml tree; raises ValueError on a page with no markup at all."""
    if not text or not text.strip():
        raise ValueError("empty page")
    return lxml.html.fromstring(text)


def squash(element):
    """The element's text with runs of whitespace made single, block elements kept apart."""
    if element is None:
        return ""
    for block in element.iter("p", "div", "h1", "h2", "h3", "li", "tr", "br"):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in element.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def canonical(tree, fallback):
    hrefs = tree.xpath("//link[@rel='canonical']/@href")
    return hrefs[0] if hrefs else fallback


def parse_us_date(text, formats=("%B %d, %Y", "%m/%d/%Y", "%b. %d, %Y", "%Y-%m-%d")):
    """A date as U.S. agencies print it; ValueError when none of the formats fits."""
    value = " ".join(text.split()).strip(" -")
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unreadable date {text!r}")
