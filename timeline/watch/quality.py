"""Extraction quality on the labelled samples: per field, how many values were found right, found
wrong (not in the labels, or an amount of the wrong kind) and missed. Reads the samples through the
publisher adapters, as a watch run does, with no database."""

import json
from collections import Counter
from pathlib import Path

from timeline.watch.extraction import extract, name_key
from timeline.watch.fetching import DirectoryTransport, Fetcher
from timeline.watch.publishers import publishers
from timeline.watch.publishers.base import Release

SAMPLES = Path(__file__).resolve().parent / "samples"
FIELDS = ("amounts", "parties", "dockets", "dates")


def _found(candidates, field):
    values = candidates[field]
    if field == "amounts":
        return Counter((value["value"], value["kind"]) for value in values)
    if field == "parties":
        return Counter({name_key(value["value"]) for value in values})
    return Counter({value["value"] for value in values})


def _expected(labels, field):
    values = labels[field]
    if field == "amounts":
        return Counter(tuple(value) for value in values)
    if field == "parties":
        return Counter({name_key(value) for value in values})
    return Counter(set(values))


def sample_releases(directory=SAMPLES):
    transport = DirectoryTransport(directory)
    for slug, publisher in publishers().items():
        fetcher = Fetcher(publisher.base_url, transport=transport, min_interval=0, conditional=False)
        try:
            yield from ((slug, release) for release in publisher.read(fetcher, None) if isinstance(release, Release))
        finally:
            fetcher.close()


def quality(directory=SAMPLES):
    """{field: {"right": n, "wrong": n, "missed": n}} over every labelled sample release."""
    labels = json.loads((Path(directory) / "labels.json").read_text(encoding="utf-8"))["releases"]
    table = {field: Counter(right=0, wrong=0, missed=0) for field in FIELDS}
    texts = [(release.release_id, f"{release.title}\n{release.text}") for _, release in sample_releases(directory)]
    texts += [
        (key, (Path(directory) / "texts" / f"{key.removeprefix('text:')}.txt").read_text(encoding="utf-8"))
        for key in labels
        if key.startswith("text:")
    ]
    for key, text in texts:
        expected_labels = labels.get(key)
        if expected_labels is None:
            continue
        candidates = extract(text)
        for field in FIELDS:
            found, expected = _found(candidates, field), _expected(expected_labels, field)
            table[field]["right"] += sum((found & expected).values())
            table[field]["wrong"] += sum((found - expected).values())
            table[field]["missed"] += sum((expected - found).values())
    return table


def quality_markdown(table):
    lines = ["| field | right | wrong | missed |", "|---|---|---|---|"]
    lines += [f"| {field} | {row['right']} | {row['wrong']} | {row['missed']} |" for field, row in table.items()]
    return "\n".join(lines)
