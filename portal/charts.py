"""Small server-side SVG charts for the dashboard, with a text equivalent beside them (in
the template: the same figures are in the table below each chart).

Drawn with ilag.svg: presentation attributes only, every text escaped.
"""

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ilag import svg
from ilag.formats import kr, percent

BUDGET = "#9ec5fe"
INCURRED = "#0b3d5c"
# The traffic lights; the yellow is darkened so the bar keeps its contrast against white.
LIGHTS = {"green": svg.GREEN, "yellow": "#b58100", "red": svg.RED, "": svg.GREY}


def budget_use_chart(rows, *, title: str, chart_id: str) -> SafeString:
    """Horizontal bars: budget (light) with costs incurred (dark) on top, per row.
    `rows`: (label, budget, incurred)."""
    rows = list(rows)
    label_w, bar_w, row_h, top = 120, 250, 30, 30
    height = top + row_h * max(len(rows), 1) + 40
    width = label_w + bar_w + 250
    biggest = max([b for _l, b, _i in rows] + [1])
    parts = []
    for i, (label, budget, incurred) in enumerate(rows):
        y = top + i * row_h
        b = bar_w * budget / biggest
        inc = bar_w * min(incurred, budget or incurred) / biggest if biggest else 0
        share = percent(incurred * 100 / budget, 0) if budget else "–"
        parts += [
            svg.text(
                svg.truncate(label, label_w - 8, 13),
                x=label_w - 8,
                y=y + 18,
                text_anchor="end",
                font_size=13,
            ),
            svg.el("rect", x=label_w, y=y + 5, width=b, height=18, fill=BUDGET),
            svg.el("rect", x=label_w, y=y + 5, width=inc, height=18, fill=INCURRED),
            svg.text(f"{kr(incurred)} / {kr(budget)} ({share})", x=label_w + b + 6, y=y + 18),
        ]
    legend_y = top + row_h * max(len(rows), 1) + 14
    for x, colour, label in (
        (label_w, INCURRED, _("Costs incurred")),
        (label_w + 160, BUDGET, _("Budget")),
    ):
        parts += [
            svg.el("rect", x=x, y=legend_y, width=14, height=14, fill=colour),
            svg.text(label, x=x + 20, y=legend_y + 12),
        ]
    return _chart(parts, width, height, title, chart_id)


def light_chart(counts, *, title: str, chart_id: str) -> SafeString:
    """Vertical bars per traffic light. `counts`: (key, label, n)."""
    counts = list(counts)
    width, height, base, bar = 420, 220, 170, 60
    biggest = max([n for _k, _l, n in counts] + [1])
    parts = [svg.el("line", x1=20, y1=base, x2=width - 20, y2=base, stroke=svg.MUTED)]
    for i, (key, label, n) in enumerate(counts):
        x = 40 + i * 95
        h = 130 * n / biggest
        parts += [
            svg.el("rect", x=x, y=base - h, width=bar, height=h, fill=LIGHTS[key]),
            svg.text(
                str(n),
                x=x + bar / 2,
                y=base - h - 6,
                text_anchor="middle",
                font_size=14,
                font_weight="bold",
            ),
            *_label_lines(str(label), x + bar / 2, base + 18),
        ]
    return _chart(parts, width, height, title, chart_id)


def _label_lines(label: str, x: float, y: float) -> list[str]:
    """A label under a bar, on two lines when it is long."""
    return [
        svg.text(line, x=x, y=y + 15 * i, text_anchor="middle")
        for i, line in enumerate(svg.wrap(label, 95, 12))
    ]


def _chart(parts: list[str], width: float, height: float, title: str, chart_id: str):
    """A dashboard chart: it sits once in the page, so it is named through ids. Drawn at
    its own size, one unit a CSS pixel, so that its 12-13 px labels are never scaled
    below 12 px; where the column is narrower it scrolls in its own box (the template's
    `.chart-scroll`; a chart is exempt from reflow, WCAG 1.4.10)."""
    return svg.svg(
        parts,
        width,
        height,
        display_width=svg.n(width),
        display_height=svg.n(height),
        title=title,
        desc=_("The same figures are in the table below."),
        id_prefix=chart_id,
        font_size=12,
        fill=svg.INK,
    )
