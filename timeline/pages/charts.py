"""Server-side SVG bar charts of penalty totals: readable without JavaScript, printable, screen-reader labelled.

Each group (a year or an authority) gets two bars, gross and net of credits and suspensions, with
the label above them so long authority names fit on a phone. Every stored text is escaped here,
because the SVG is inserted into the page as markup.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 360
PAD = 4
VALUE_WIDTH = 88
FONT_SIZE = 13
LEGEND_HEIGHT = 26
AXIS_HEIGHT = 22
LABEL_HEIGHT = 18
BAR_HEIGHT = 13
BAR_GAP = 3
GROUP_GAP = 14
# Longest group label that fits the chart's width at its font size; the table beside has the full name.
LABEL_CHARS = 44

# Blue and orange stay apart for the common colour-vision deficiencies; both have 4.5:1 on white.
SERIES = (
    ("gross", "Gross", "#1f4e79"),
    ("net", "Net of credits and suspensions", "#a64b00"),
)
AXIS_COLOUR = "#595959"
GRID_COLOUR = "#d0d0d0"


def compact_amount(value):
    """'11.59 bn', '150 m', '25 k': short enough for a bar label; the table beside gives exact figures."""
    value = Decimal(value)
    for threshold, suffix in ((Decimal(10) ** 9, " bn"), (Decimal(10) ** 6, " m"), (Decimal(10) ** 3, " k")):
        if abs(value) >= threshold:
            text = f"{value / threshold:,.2f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def nice_step(maximum, ticks=5):
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` intervals."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


@dataclass
class ChartRow:
    label: str
    gross: Decimal
    net: Decimal


def _attrs(**attributes):
    return " ".join(f'{name.rstrip("_").replace("_", "-")}="{escape(value)}"' for name, value in attributes.items())


def bar_chart_svg(chart_id, title, description, rows, currency):
    """An accessible SVG (role="img" named by its <title> and <desc>) of gross and net bars per row."""
    if not rows:
        return ""
    maximum = max(float(max(row.gross, row.net)) for row in rows)
    step = nice_step(maximum)
    axis_max = step * max(1, math.ceil(maximum / step)) if maximum > 0 else step
    plot_left = PAD
    plot_width = WIDTH - PAD - VALUE_WIDTH - plot_left
    group_height = LABEL_HEIGHT + len(SERIES) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    top = LEGEND_HEIGHT + AXIS_HEIGHT
    height = top + len(rows) * group_height

    def x_for(value):
        return plot_left + plot_width * float(value) / axis_max

    parts = [
        f"<svg {_attrs(xmlns='http://www.w3.org/2000/svg', viewBox=f'0 0 {WIDTH} {height}')} "
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="bar-chart" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="{FONT_SIZE}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]

    legend_x = PAD
    parts.append('<g class="legend">')
    for _key, name, colour in SERIES:
        parts.append(f"<rect {_attrs(x=legend_x, y=6, width=12, height=12, fill=colour)}/>")
        parts.append(f"<text {_attrs(x=legend_x + 17, y=16, fill='#1a1a1a')}>{escape(name)}</text>")
        legend_x += 17 + len(name) * 7 + 18
    parts.append("</g>")

    parts.append('<g class="axis">')
    tick = 0.0
    while tick <= axis_max + step / 1000:
        x = round(x_for(tick), 1)
        parts.append(
            f'<line {_attrs(x1=x, x2=x, y1=top - 4, y2=height - GROUP_GAP / 2, stroke=GRID_COLOUR)} stroke-width="1"/>'
        )
        anchor = "start" if tick == 0 else "middle"
        tick_label = compact_amount(Decimal(str(tick)))
        parts.append(
            f'<text {_attrs(x=x, y=top - 8, fill=AXIS_COLOUR, text_anchor=anchor)} font-size="11">{tick_label}</text>'
        )
        tick += step
    parts.append("</g>")

    parts.append('<g class="bars">')
    y = top
    for row in rows:
        label = row.label if len(row.label) <= LABEL_CHARS else row.label[: LABEL_CHARS - 1].rstrip() + "…"
        parts.append(f'<text {_attrs(x=plot_left, y=y + LABEL_HEIGHT - 5, fill="#1a1a1a")} font-weight="600">')
        parts.append(f"{escape(label)}</text>")
        bar_y = y + LABEL_HEIGHT
        for key, name, colour in SERIES:
            value = getattr(row, key)
            width = max(round(x_for(value) - plot_left, 1), 0.5 if value > 0 else 0)
            text = f"{currency} {compact_amount(value)}"
            parts.append(
                f"<rect {_attrs(x=plot_left, y=bar_y, width=width, height=BAR_HEIGHT, fill=colour)}>"
                f"<title>{escape(row.label)}, {escape(name.lower())}: {escape(text)}</title></rect>"
            )
            parts.append(
                f"<text {_attrs(x=round(plot_left + width + 4, 1), y=bar_y + BAR_HEIGHT - 2, fill='#1a1a1a')} "
                f'font-size="12">{escape(text)}</text>'
            )
            bar_y += BAR_HEIGHT + BAR_GAP
        y += group_height
    parts.append("</g></svg>")
    # Safe: every stored text interpolated above went through escape().
    return mark_safe("".join(parts))


def describe(rows, currency, group_noun):
    """The <desc> text: every figure a sighted reader gets from the bars, in words."""
    if not rows:
        return ""
    items = "; ".join(
        f"{row.label}: gross {currency} {compact_amount(row.gross)}, net {currency} {compact_amount(row.net)}"
        for row in rows
    )
    return f"Bar chart of penalties per {group_noun}, gross and net of credits and suspensions. {items}."


def penalty_chart(chart_id, totals, group_noun, title):
    """Charts for a list of PenaltyTotal, one per currency: [(currency, svg, rows)]."""
    by_currency = {}
    for total in totals:
        by_currency.setdefault(total.currency, []).append(total)
    charts = []
    for currency, currency_totals in by_currency.items():
        rows = [
            ChartRow(label=str(total.label) if total.label is not None else "Undated", gross=total.gross, net=total.net)
            for total in currency_totals
        ]
        element_id = f"{chart_id}-{currency.lower()}"
        svg = bar_chart_svg(
            element_id, f"{title} ({currency})", describe(rows, currency, group_noun), rows, currency=currency
        )
        charts.append({"id": element_id, "currency": currency, "svg": svg, "totals": currency_totals})
    return charts
