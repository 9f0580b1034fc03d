"""Deterministic extraction: amounts (exact Decimals, approximate, ranges, kinds), dates in prose,
docket numbers, U.S.C. citations and party names, each pointing at the words it came from; and the
extraction-quality table in the README, recomputed from the labelled samples."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from timeline.watch.extraction import extract
from timeline.watch.quality import quality, quality_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def amounts(text):
    return [(Decimal(a["value"]), a["kind"], a["qualifier"], a["approximate"]) for a in extract(text)["amounts"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title\nA settlement of $968,618,825 with OFAC.", (Decimal("968618825"), "sanctions_settlement", "", False)),
        (
            "Title\nto pay a $1.35 billion civil monetary penalty",
            (Decimal("1350000000"), "civil_money_penalty", "", True),
        ),
        (
            "Title\nordered to pay approximately $2.7 million in restitution",
            (Decimal("2700000"), "restitution", "approximate", True),
        ),
        (
            "Title\ndisgorgement of $4,495,564 plus prejudgment interest",
            (Decimal("4495564"), "disgorgement", "", False),
        ),
        ("Title\nfaces a criminal fine of up to $5 billion", (Decimal("5000000000"), "criminal_fine", "at most", True)),
        (
            "Title\nagreed to forfeit more than $25 million",
            (Decimal("25000000"), "criminal_forfeiture", "at least", True),
        ),
    ],
)
def test_amounts_are_exact_decimals_with_kind_and_certainty(text, expected):
    value, kind, qualifier, approximate = expected
    assert amounts(f"Title\n{text}") == [(Decimal(value), kind, qualifier, approximate)]


def test_a_range_keeps_both_ends_and_says_so():
    (found,) = extract("Title\na civil penalty of $1 million to $2 million")["amounts"]
    assert (found["value"], found["upper"], found["qualifier"]) == ("1000000", "2000000", "range")


def test_suspended_and_total_figures_are_marked():
    found = extract(
        "Title\nincluding a $150 million suspended penalty, for a total criminal penalty of $4,316,126,163."
    )
    assert [(a["value"], a["suspended"], a["kind"]) for a in found["amounts"]] == [
        ("150000000", True, "civil_money_penalty"),
        ("4316126163", False, "total"),
    ]


def test_a_figure_in_the_title_is_the_headline_total():
    found = extract("Binance and CEO Plead Guilty to Federal Charges in $4B Resolution\nBody.")["amounts"]
    assert [(a["value"], a["kind"], a["text"]) for a in found] == [("4000000000", "total", "$4B")]


def test_no_amount_in_a_release_without_dollars():
    assert extract("Title\n1,667,153 apparent violations between August 2017 and October 2022.")["amounts"] == []


def test_each_value_points_at_its_words_and_sentence():
    text = "Title\nFirst sentence. Binance agreed to pay $968,618,825 to OFAC. Last one."
    (found,) = extract(text)["amounts"]
    assert text[found["start"] : found["end"]] == "$968,618,825" == found["text"]
    assert found["sentence"] == "Binance agreed to pay $968,618,825 to OFAC."


def test_dates_in_prose():
    found = extract("Title\nOn Nov. 21, 2023 and again on May 29, 2025 (and May 29, 2025).")["dates"]
    assert [d["value"] for d in found] == ["2023-11-21", "2025-05-29"]


def test_docket_numbers():
    text = "Title\nNo. 1:23-cv-01599 (D.D.C.); No. 2:23-cr-00178-RAJ; CR23-179 RAJ; 1:23-cv-01887."
    assert [d["value"] for d in extract(text)["dockets"]] == [
        "1:23-cv-01599",
        "2:23-cr-00178-RAJ",
        "CR23-179 RAJ",
        "1:23-cv-01887",
    ]


def test_usc_citations_split_into_sections():
    text = "Title\nin violation of 31 U.S.C. 5318(h) and 5322, and 18 U.S.C. § 1960."
    assert [s["value"] for s in extract(text)["statutes"]] == [
        "31 U.S.C. § 5318(h)",
        "31 U.S.C. § 5322",
        "18 U.S.C. § 1960",
    ]


def test_parties_from_captions_matters_companies_and_known_names():
    text = (
        "Title\nSecurities and Exchange Commission v. Binance Holdings Limited, et al., No. 1:23-cv-01599\n"
        "In the Matter of Bittrex, Inc.\nCZ resigned."
    )
    names = [p["value"] for p in extract(text, known_names=["CZ"])["parties"]]
    assert names == ["Binance Holdings Limited", "Bittrex, Inc.", "CZ"]


def test_readme_quality_table_is_the_measured_one():
    """The README's table is what the labelled samples give today; a change to the patterns that moves
    a figure must update the README with it (manage.py watch_quality prints the table)."""
    table = quality()
    measured = quality_markdown(table)
    assert measured in README.read_text(encoding="utf-8"), measured
    assert sum(row["right"] for row in table.values()) > 0
    assert re.search(r"\| amounts \| \d+ \| \d+ \| \d+ \|", measured)
