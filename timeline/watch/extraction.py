"""Deterministic reading of a release: amounts, dates, docket numbers, U.S.C. citations and party
names, each with where it stands in the text and the sentence it came from, so an editor can check
every value against the words it was read from. Patterns, not a model: the same text always gives
the same candidates."""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

SCALES = {
    "thousand": Decimal(1000),
    "million": Decimal(10**6),
    "billion": Decimal(10**9),
    "k": Decimal(1000),
    "m": Decimal(10**6),
    "mn": Decimal(10**6),
    "b": Decimal(10**9),
    "bn": Decimal(10**9),
}
SCALE = r"thousand|million|billion|bn|mn|[KMB]"
QUALIFIERS = {
    "approximately": "approximate",
    "about": "approximate",
    "roughly": "approximate",
    "nearly": "approximate",
    "almost": "approximate",
    "more than": "at least",
    "over": "at least",
    "at least": "at least",
    "in excess of": "at least",
    "up to": "at most",
    "as much as": "at most",
}
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
AMOUNT = re.compile(
    r"(?:(?P<qualifier>" + "|".join(QUALIFIERS) + r")\s+)?"
    r"(?P<currency>\$|USD\s?|US\$)(?P<number>" + NUMBER + r")"
    r"(?:\s*(?P<scale>" + SCALE + r")\b)?"
    r"(?:\s*(?:to|-|\u2013)\s*\$?(?P<upper>" + NUMBER + r")(?:\s*(?P<upper_scale>" + SCALE + r")\b)?)?",
    re.IGNORECASE,
)
# The kind of payment an amount is, by the words nearest to it (first pattern wins a tie).
KINDS = (
    ("suspended", re.compile(r"suspended", re.I)),
    ("civil_money_penalty", re.compile(r"civil (?:money|monetary) penalt", re.I)),
    ("prejudgment_interest", re.compile(r"prejudgment interest", re.I)),
    ("disgorgement", re.compile(r"disgorge", re.I)),
    ("criminal_forfeiture", re.compile(r"forfeit", re.I)),
    ("restitution", re.compile(r"restitution", re.I)),
    ("criminal_fine", re.compile(r"\bfine\b", re.I)),
    ("sanctions_settlement", re.compile(r"\bsettlement\b", re.I)),
    ("civil_money_penalty", re.compile(r"\bpenalt(?:y|ies)\b", re.I)),
)
# A figure announced as the sum of others ("a total criminal penalty of", "in total ... require").
TOTAL = re.compile(r"\btotal\b|\bin aggregate\b|\bcombined\b", re.I)
KIND_WINDOW = 70
# What may stand between a kind's words and the figure they name: "penalty of approximately $".
NAMES_AMOUNT = re.compile(
    r"\w*\s+(?:of|totaling|totalling|amounting to|in the amount of)\s+(?:" + "|".join(QUALIFIERS) + r")?\s*$", re.I
)  # characters on either side of an amount searched for its kind
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\."
)
DATE = re.compile(r"\b(?P<month>" + MONTHS + r")\s+(?P<day>\d{1,2}),\s+(?P<year>(?:19|20)\d{2})\b")
DATE_FORMATS = ("%B %d %Y", "%b. %d %Y", "%b %d %Y")
DOCKET = re.compile(
    r"\b(?:\d{1,2}:\d{2}-(?:cv|cr|mc|mj|md)-\d{3,5}(?:-[A-Z]{2,4})*"  # 1:23-cv-01599, 2:23-cr-00178-RAJ
    r"|CR\d{2}-\d{2,5}(?:\s[A-Z]{2,4}\b)?"  # CR23-178 RAJ
    r"|\d{2}-(?:cv|cr)-\d{3,5}"  # 23-cv-1599
    r"|\d{2}\s(?:Civ|Cr)\.\s\d{2,5})"  # 23 Civ. 4738
)
USC = re.compile(
    r"\b(?P<title>\d{1,2})\s+U\.\s?S\.\s?C\.\s*(?:§§?\s*)?"
    r"(?P<sections>\d+[a-z]?(?:\([a-zA-Z0-9]+\))*(?:\s*(?:,|and|&)\s*\d+[a-z]?(?:\([a-zA-Z0-9]+\))*)*)"
)
SECTION = re.compile(r"\d+[a-z]?(?:\([a-zA-Z0-9]+\))*")
COMPANY = re.compile(
    r"\b(?P<name>(?:[A-Z][\w.&'-]*,?\s+){0,5}?(?:[A-Z][\w.&'()-]*\s+)?"
    r"(?:Ltd\.|Limited|Inc\.|LLC|L\.L\.C\.|GmbH|Corp\.|Corporation|N\.A\.|PLC|S\.A\.|AG|LLP|L\.P\.|Co\.))"
    r"(?=[\s,.;:)]|$)"
)
CAPTION = re.compile(
    r"(?:United States|Securities and Exchange Commission|SEC|CFTC|Commodity Futures Trading Commission)"
    r"\s+v\.\s+(?P<name>[A-Z][^,(\n]*?)(?:,\s+et al\.|,\s+No\.|\s+\(|,|$)"
)
MATTER = re.compile(
    r"In the Matter of\s+(?P<name>[A-Z][^,\n]*?"
    r"(?:,\s+(?:Inc|Ltd|LLC|Corp|L\.P)\.?(?=[,\s]|$)|(?=,\s+et\.? al\.|,|\s+d/b/a|\n|$)))"
)
LEADING_WORDS = re.compile(r"^(?:The|A|An|With|And|Against|Between|Of|On|By)\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])|\n")


def sentence_spans(text):
    """(start, end) of each sentence or line, so a value can name the sentence it came from."""
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _sentence(spans, text, position):
    for start, end in spans:
        if start <= position <= end:
            return text[start:end].strip()
    return ""


def _money(number, scale):
    value = Decimal(number.replace(",", ""))
    value = value * SCALES[scale.lower()] if scale else value
    return format(value.normalize(), "f")


def _kind(text, start, end):
    """The payment kind whose words stand nearest the amount, with 'suspended' kept apart as a flag;
    "<kind> of $X" binds closest of all, as in "disgorgement of $4,495,564 plus prejudgment interest"."""
    before = text[max(0, start - KIND_WINDOW) : start]
    after = text[end : end + KIND_WINDOW]
    best, suspended = ("", None), False
    for kind, pattern in KINDS:
        distances = [
            0 if NAMES_AMOUNT.match(before[m.end() :]) else len(before) - m.end() for m in pattern.finditer(before)
        ]
        distances += [m.start() for m in pattern.finditer(after)]
        if not distances:
            continue
        if kind == "suspended":
            suspended = min(distances) < 30
            continue
        if best[1] is None or min(distances) < best[1]:
            best = (kind, min(distances))
    if TOTAL.search(before[-40:]):
        return "total", suspended
    return best[0] or "other", suspended


def amounts(text, spans):
    found = []
    for match in AMOUNT.finditer(text):
        try:
            value = _money(match["number"], match["scale"])
            upper = _money(match["upper"], match["upper_scale"] or match["scale"]) if match["upper"] else None
        except (InvalidOperation, KeyError):
            found.append(_value("amount", match, spans, text, error="unreadable number"))
            continue
        kind, suspended = _kind(text, match.start("currency"), match.end())
        qualifier = QUALIFIERS.get((match["qualifier"] or "").lower(), "")
        if upper is not None:
            qualifier = "range"
        found.append(
            _value(
                "amount",
                match,
                spans,
                text,
                value=value,
                upper=upper or "",
                currency="USD",
                kind=kind,
                suspended=suspended,
                qualifier=qualifier,
                # "$1.35 billion" is rounded by the publisher; the digits of "$968,618,825" are exact.
                approximate=bool(qualifier) or bool(match["scale"]),
            )
        )
    return found


def dates(text, spans):
    found = []
    for match in DATE.finditer(text):
        value = f"{match['month']} {match['day']} {match['year']}"
        for fmt in DATE_FORMATS:
            try:
                parsed = datetime.strptime(value.replace("Sept.", "Sep."), fmt).date()
            except ValueError:
                continue
            found.append(_value("date", match, spans, text, value=parsed.isoformat()))
            break
    return found


def dockets(text, spans):
    return [_value("docket", match, spans, text, value=match.group(0)) for match in DOCKET.finditer(text)]


def statutes(text, spans):
    found = []
    for match in USC.finditer(text):
        for section in SECTION.findall(match["sections"]):
            found.append(_value("statute", match, spans, text, value=f"{match['title']} U.S.C. § {section}"))
    return found


def _clean_name(name):
    return LEADING_WORDS.sub("", " ".join(name.split())).strip(" ,;:")


# Legal-form words that differ between releases of one company ("Ltd." and "Limited").
LEGAL_FORMS = re.compile(
    r"[,.]?\s+(?:ltd|limited|inc|incorporated|llc|l\.l\.c|corp|corporation|co|plc|gmbh|ag|s\.a|n\.a|llp|l\.p)\.?$",
    re.IGNORECASE,
)


def name_key(name):
    """A name without its legal form, punctuation or case: 'Binance Holdings, Ltd.' -> 'binance holdings'."""
    stem = LEGAL_FORMS.sub("", " ".join(name.split()).strip(" ,."))
    return re.sub(r"[^\w ]", "", stem).lower().strip()


def parties(text, spans, known=()):
    """Names of parties: case captions, "In the Matter of", company names with a legal suffix, and
    any name or alias of an entity timeline already holds (``known``, longest first)."""
    found, seen = [], set()

    def add(name, match, group="name", shortest=3):
        name = _clean_name(name)
        if len(name) < shortest or not name_key(name) or name_key(name) in seen:
            return
        seen.add(name_key(name))
        found.append(_value("party", match, spans, text, value=name, group=group))

    for pattern in (CAPTION, MATTER, COMPANY):
        for match in pattern.finditer(text):
            add(match["name"], match)
    for name in sorted(known, key=len, reverse=True):
        match = re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text)
        if match and not any(name_key(name) in other for other in seen):
            add(name, match, group=0, shortest=2)
    return found


def _value(field, match, spans, text, group=0, **values):
    start, end = match.span(group) if group != "name" else match.span("name")
    if field == "party":
        start = text.find(values["value"], start)
        start = match.start() if start < 0 else start
        end = start + len(values["value"])
    elif field == "amount":
        start, end = match.span()
    return {"start": start, "end": end, "text": text[start:end], "sentence": _sentence(spans, text, start), **values}


def _first_of_each(values):
    """One candidate per value (the first place it is stated); amounts are kept apart, as two equal
    figures in one release are usually two payments."""
    kept, seen = [], set()
    for value in values:
        if value["value"] not in seen:
            seen.add(value["value"])
            kept.append(value)
    return kept


def _headlines(found, text):
    """A figure in the title (the first line) is the release's headline total, not one payment."""
    title_end = text.find("\n") if "\n" in text else len(text)
    for value in found:
        if value["start"] < title_end:
            value["kind"] = "total"
    return found


def extract(text, known_names=()):
    """Every candidate in ``text`` (title on the first line), by field; JSON-ready, values as strings."""
    spans = sentence_spans(text)
    return {
        "amounts": _headlines(amounts(text, spans), text),
        "dates": _first_of_each(dates(text, spans)),
        "dockets": _first_of_each(dockets(text, spans)),
        "statutes": _first_of_each(statutes(text, spans)),
        "parties": parties(text, spans, known_names),
    }
