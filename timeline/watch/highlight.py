"""The release text as HTML with every extracted value marked where it was read."""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

FIELDS = ("amounts", "dates", "dockets", "statutes", "parties")


def marks(candidates):
    """(start, end, field, index) of each value, first come first kept where two overlap."""
    spans = sorted(
        (value["start"], value["end"], field, index)
        for field in FIELDS
        for index, value in enumerate(candidates.get(field, []))
        if 0 <= value["start"] < value["end"]
    )
    kept, reach = [], -1
    for span in spans:
        if span[0] >= reach:
            kept.append(span)
            reach = span[1]
    return kept


def highlighted(text, candidates):
    """Escaped text with <mark> around each value; ids (cand-<field>-<n>) tie a mark to its form row."""
    parts, position = [], 0
    for start, end, field, index in marks(candidates):
        parts.append(escape(text[position:start]))
        parts.append(
            format_html(
                '<mark class="watch-mark watch-{}" id="cand-{}-{}" title="{}">{}</mark>',
                field,
                field,
                index,
                field.rstrip("s"),
                text[start:end],
            )
        )
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(str(part) for part in parts))  # every piece was escaped above
