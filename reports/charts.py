"""Small SVG charts for the PDF reports, drawn on the server.

Presentation attributes only, every bar labelled with its figure in text, and the figures
also in a table beside the chart, so nothing depends on colour alone (WCAG 1.4.1). Every
text that comes from the database is escaped here; the result is safe to put in a page.
"""

from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ilag import svg
from ilag.formats import kr, number, percent

TRACK = "#e9edf1"
BUDGET_FILL = "#c9dcef"
BUDGET_STROKE = "#2f5d8a"
INCURRED = "#1f4e79"
OVER = svg.RED

WIDTH = 680
LABEL_WIDTH = 190
BAR_LEFT = 200
BAR_RIGHT = 540  # figures are written to the right of the bars


def _label(x: float, y: float, text: str, *, width=LABEL_WIDTH, size=11) -> str:
    """A row label on one line, or two when it is long (the second shortened if need be)."""
    lines = svg.wrap(text, width, size)
    if len(lines) == 1:
        return svg.text(lines[0], x=x, y=y, font_size=size)
    return svg.text(lines[0], x=x, y=y - size * 0.55, font_size=size) + svg.text(
        lines[1], x=x, y=y + size * 0.6, font_size=size
    )


def _key(x: float, label: str, **box) -> str:
    """One item of a chart's key, at the top: a swatch and its words."""
    return svg.el("rect", x=x, y=4, width=12, height=10, **box) + svg.text(
        label, x=x + 17, y=13, font_size=10.5, fill=svg.MUTED
    )


def _bar(y: float, width: float, figure: str, *, figure_attrs=None, **rect) -> str:
    """A bar of the budget chart, from BAR_LEFT and at least 1 unit wide, with its figure
    written after it (`figure_attrs`: further attributes of the figure's text)."""
    return svg.el("rect", x=BAR_LEFT, y=y, width=max(width, 1), height=11, **rect) + svg.text(
        figure, x=BAR_LEFT + width + 6, y=y + 9, font_size=10.5, **(figure_attrs or {})
    )


def _svg(height: float, title: str, desc: str, body: list[str]) -> SafeString:
    """A chart of the PDF reports: one report may hold many, so no ids (see ilag.svg.svg).
    Texts are 11 units high and in ink unless they say otherwise."""
    return svg.svg(
        body, WIDTH, height, title=title, desc=desc, font_size=11, fill=svg.INK, class_="chart"
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
        _key(BAR_LEFT, _("Budget"), fill=BUDGET_FILL, stroke=BUDGET_STROKE),
        _key(BAR_LEFT + 95, _("Costs incurred"), fill=INCURRED),
    ]
    for index, row in enumerate(rows):
        y = top + index * row_height
        budget_w = span * row["budget"] / scale_max
        incurred_w = span * row["incurred"] / scale_max
        over = row["incurred"] > row["budget"]
        used = (
            f" ({percent(Decimal(row['incurred'] * 100) / row['budget'], 0)})"
            if row["budget"]
            else ""
        )
        body += [
            _label(0, y + 17, row["name"]),
            _bar(
                y + 2,
                budget_w,
                kr(row["budget"]),
                fill=BUDGET_FILL,
                stroke=BUDGET_STROKE,
                stroke_width=0.8,
            ),
            _bar(
                y + 14,
                incurred_w,
                kr(row["incurred"]) + used,
                fill=OVER if over else INCURRED,
                figure_attrs={"fill": OVER, "font_weight": "bold"} if over else None,
            ),
        ]
    if any(r["incurred"] > r["budget"] for r in rows):
        body.append(_key(BAR_LEFT + 225, _("Over budget"), fill=OVER))
    height = top + max(len(rows), 1) * row_height
    if not rows:
        body.append(svg.text(_("No budget yet."), x=0, y=top + 14, fill=svg.MUTED))
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
            svg.el(
                "rect",
                x=BAR_LEFT,
                y=y + 4,
                width=span,
                height=14,
                fill=TRACK,
                stroke=svg.MUTED,
                stroke_width=0.6,
            )
        )
        if row["progress"] is not None:
            share = max(Decimal(0), min(Decimal(100), Decimal(row["progress"])))
            body.append(
                svg.el(
                    "rect",
                    x=BAR_LEFT,
                    y=y + 4,
                    width=span * float(share) / 100,
                    height=14,
                    fill=INCURRED,
                )
            )
            label = _("now %(current)s, target %(target)s (%(percent)s)") % {
                "current": number(row["current"]),
                "target": number(row["target"]),
                "percent": percent(row["progress"], 0),
            }
        else:
            label = _("no value reported")
        body.append(svg.text(label, x=bar_right + 6, y=y + 15, font_size=10.5))
        desc.append(f"{row['name']}: {label}")
    height = top + max(len(rows), 1) * row_height
    return _svg(height, title, "; ".join(desc), body)


# Traffic lights: a shape as well as a colour (circle, triangle, square), so the light
# reads in black and white and for those who do not tell red from green.
LIGHT_SHAPES = {
    "green": svg.el("circle", cx=7, cy=7, r=6, fill=svg.GREEN, stroke="#0f5132", stroke_width=1),
    "yellow": svg.el(
        "path", d="M7 1 L13 13 L1 13 Z", fill=svg.YELLOW, stroke="#664d03", stroke_width=1
    ),
    "red": svg.el(
        "rect",
        x=1.5,
        y=1.5,
        width=11,
        height=11,
        fill=svg.RED,
        stroke="#58151c",
        stroke_width=1,
    ),
    "": svg.el(
        "circle",
        cx=7,
        cy=7,
        r=5.5,
        fill=svg.WHITE,
        stroke=svg.GREY,
        stroke_width=1.2,
        stroke_dasharray="2 1.5",
    ),
}


def light_shape(light: str) -> SafeString:
    """The traffic light's shape, decorative: the word always stands beside it."""
    shape = LIGHT_SHAPES.get(light or "", LIGHT_SHAPES[""])
    return svg.svg(
        shape,
        14,
        14,
        title=None,
        display_width="9pt",
        display_height="9pt",
        class_="light-shape",
    )
