"""Small SVG charts for the PDF reports, drawn on the server.

Presentation attributes only, every bar labelled with its figure in text, and the figures
also in a table beside the chart, so nothing depends on colour alone (WCAG 1.4.1). Every
text that comes from the database is escaped here; the result is safe to put in a page.
"""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ilag.formats import kr, number, percent

FONT = "Noto Sans, DejaVu Sans, sans-serif"
INK = "#1d2327"
MUTED = "#4a545e"
TRACK = "#e9edf1"
BUDGET_FILL = "#c9dcef"
BUDGET_STROKE = "#2f5d8a"
INCURRED = "#1f4e79"
OVER = "#b02a37"

WIDTH = 680
LABEL_WIDTH = 190
BAR_LEFT = 200
BAR_RIGHT = 540  # figures are written to the right of the bars
CHAR_WIDTH = 0.55  # Noto Sans, a little generous


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _fit(text: str, width: float, size: float) -> str:
    """The text, shortened with an ellipsis to fit `width` at font size `size`."""
    limit = max(4, int(width / (size * CHAR_WIDTH)))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _label(x, y, text, *, width=LABEL_WIDTH, size=11) -> str:
    """A row label on one line, or two when it is long (the second shortened if need be)."""
    limit = max(4, int(width / (size * CHAR_WIDTH)))
    if len(text) <= limit:
        return _text(x, y, text, size=size)
    cut = text.rfind(" ", 0, limit + 1)
    if cut <= 0:
        return _text(x, y, _fit(text, width, size), size=size)
    first, rest = text[:cut], text[cut + 1 :]
    return _text(x, y - size * 0.55, first, size=size) + _text(
        x, y + size * 0.6, _fit(rest, width, size), size=size
    )


def _text(x, y, text, *, size=11, anchor="start", weight=None, fill=INK) -> str:
    weight_attr = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}"'
        f'{weight_attr} fill="{fill}">{escape(text)}</text>'
    )


def _svg(height: float, title: str, desc: str, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}"'
        f' width="100%" role="img" font-family="{FONT}" class="chart">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(body)}</svg>"
    )


def budget_chart(rows: list[dict], *, title: str) -> SafeString:
    """Budget against costs incurred, one pair of horizontal bars per cost category.

    `rows`: dicts with "name", "budget" and "incurred" (whole kroner).
    """
    rows = [r for r in rows if r["budget"] or r["incurred"]]
    top = 24
    row_height = 30
    scale_max = max([r["budget"] for r in rows] + [r["incurred"] for r in rows] + [1])
    span = BAR_RIGHT - BAR_LEFT
    body = [
        f'<rect x="{BAR_LEFT}" y="4" width="12" height="10" fill="{BUDGET_FILL}"'
        f' stroke="{BUDGET_STROKE}"/>',
        _text(BAR_LEFT + 17, 13, _("Budget"), size=10.5, fill=MUTED),
        f'<rect x="{BAR_LEFT + 95}" y="4" width="12" height="10" fill="{INCURRED}"/>',
        _text(BAR_LEFT + 112, 13, _("Costs incurred"), size=10.5, fill=MUTED),
    ]
    for index, row in enumerate(rows):
        y = top + index * row_height
        budget_w = span * row["budget"] / scale_max
        incurred_w = span * row["incurred"] / scale_max
        over = row["incurred"] > row["budget"]
        body.append(_label(0, y + 17, row["name"]))
        body.append(
            f'<rect x="{BAR_LEFT}" y="{_n(y + 2)}" width="{_n(max(budget_w, 1))}" height="11"'
            f' fill="{BUDGET_FILL}" stroke="{BUDGET_STROKE}" stroke-width="0.8"/>'
        )
        body.append(_text(BAR_LEFT + budget_w + 6, y + 11, kr(row["budget"]), size=10.5))
        body.append(
            f'<rect x="{BAR_LEFT}" y="{_n(y + 14)}" width="{_n(max(incurred_w, 1))}"'
            f' height="11" fill="{OVER if over else INCURRED}"/>'
        )
        used = (
            f" ({percent(Decimal(row['incurred'] * 100) / row['budget'], 0)})"
            if row["budget"]
            else ""
        )
        body.append(
            _text(
                BAR_LEFT + incurred_w + 6,
                y + 23,
                kr(row["incurred"]) + used,
                size=10.5,
                fill=OVER if over else INK,
                weight="bold" if over else None,
            )
        )
    if any(r["incurred"] > r["budget"] for r in rows):
        body.append(f'<rect x="{BAR_LEFT + 225}" y="4" width="12" height="10" fill="{OVER}"/>')
        body.append(_text(BAR_LEFT + 242, 13, _("Over budget"), size=10.5, fill=MUTED))
    height = top + max(len(rows), 1) * row_height
    if not rows:
        body.append(_text(0, top + 14, _("No budget yet."), size=11, fill=MUTED))
    desc = "; ".join(
        _("%(category)s: budget %(budget)s, incurred %(incurred)s")
        % {"category": r["name"], "budget": kr(r["budget"]), "incurred": kr(r["incurred"])}
        for r in rows
    )
    return _svg(height, title, desc, body)


def indicator_chart(rows: list[dict], *, title: str) -> SafeString:
    """Each indicator as a bar from its baseline (0 %) to its target (100 %), filled to
    the latest approved value.

    `rows`: dicts with "name", "unit", "baseline", "target", "current" (None when no value
    is reported) and "progress" (percent of the way, or None).
    """
    top = 4
    row_height = 30
    bar_right = WIDTH - 210  # room for «1 500 000 av 1 500 000 (100 %)»
    span = bar_right - BAR_LEFT
    body, desc = [], []
    for index, row in enumerate(rows):
        y = top + index * row_height
        body.append(_label(0, y + 15, row["name"]))
        body.append(
            f'<rect x="{BAR_LEFT}" y="{_n(y + 4)}" width="{span}" height="14" fill="{TRACK}"'
            f' stroke="{MUTED}" stroke-width="0.6"/>'
        )
        if row["progress"] is not None:
            share = max(Decimal(0), min(Decimal(100), Decimal(row["progress"])))
            body.append(
                f'<rect x="{BAR_LEFT}" y="{_n(y + 4)}" width="{_n(span * float(share) / 100)}"'
                f' height="14" fill="{INCURRED}"/>'
            )
            label = _("now %(current)s, target %(target)s (%(percent)s)") % {
                "current": number(row["current"]),
                "target": number(row["target"]),
                "percent": percent(row["progress"], 0),
            }
        else:
            label = _("no value reported")
        body.append(_text(bar_right + 6, y + 15, label, size=10.5))
        desc.append(f"{row['name']}: {label}")
    height = top + max(len(rows), 1) * row_height
    return _svg(height, title, "; ".join(desc), body)


# Traffic lights: a shape as well as a colour (circle, triangle, square), so the light
# reads in black and white and for those who do not tell red from green.
LIGHT_SHAPES = {
    "green": '<circle cx="7" cy="7" r="6" fill="#198754" stroke="#0f5132" stroke-width="1"/>',
    "yellow": '<path d="M7 1 L13 13 L1 13 Z" fill="#ffc107" stroke="#664d03" stroke-width="1"/>',
    "red": '<rect x="1.5" y="1.5" width="11" height="11" fill="#b02a37" stroke="#58151c"'
    ' stroke-width="1"/>',
    "": '<circle cx="7" cy="7" r="5.5" fill="#ffffff" stroke="#6c757d" stroke-width="1.2"'
    ' stroke-dasharray="2 1.5"/>',
}


def light_shape(light: str) -> SafeString:
    """The traffic light's shape, decorative: the word always stands beside it."""
    shape = LIGHT_SHAPES.get(light or "", LIGHT_SHAPES[""])
    return mark_safe(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 14 14" width="9pt"'
        f' height="9pt" class="light-shape" aria-hidden="true">{shape}</svg>'
    )
