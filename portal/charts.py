"""Small server-side SVG charts with a text equivalent beside them (in the template).

Presentation attributes only (no style attributes, no scripts), so the same SVG works in
pages under the CSP and in WeasyPrint PDFs. All text is XML-escaped.
"""

from xml.sax.saxutils import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ilag.formats import kr, percent

FONT = 'font-family="Noto Sans, DejaVu Sans, sans-serif"'
BUDGET = "#9ec5fe"
INCURRED = "#0b3d5c"
LIGHTS = {"green": "#198754", "yellow": "#b58100", "red": "#b02a37", "": "#6c757d"}


def budget_use_chart(rows, *, title: str, chart_id: str) -> str:
    """Horizontal bars: budget (light) with costs incurred (dark) on top, per row.
    `rows`: (label, budget, incurred)."""
    rows = list(rows)
    label_w, bar_w, row_h, top = 170, 380, 30, 30
    height = top + row_h * max(len(rows), 1) + 40
    width = label_w + bar_w + 260
    biggest = max([b for _l, b, _i in rows] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" {FONT}>',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_("The same figures are in the table below."))}</desc>',
    ]
    for i, (label, budget, incurred) in enumerate(rows):
        y = top + i * row_h
        b = bar_w * budget / biggest
        inc = bar_w * min(incurred, budget or incurred) / biggest if biggest else 0
        share = percent(incurred * 100 / budget, 0) if budget else "–"
        parts += [
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-size="13" '
            f'fill="#212529">{escape(label[:28])}</text>',
            f'<rect x="{label_w}" y="{y + 5}" width="{b:.1f}" height="18" fill="{BUDGET}"/>',
            f'<rect x="{label_w}" y="{y + 5}" width="{inc:.1f}" height="18" fill="{INCURRED}"/>',
            f'<text x="{label_w + b + 6:.1f}" y="{y + 18}" font-size="12" fill="#212529">'
            f"{escape(kr(incurred))} / {escape(kr(budget))} ({escape(share)})</text>",
        ]
    legend_y = top + row_h * max(len(rows), 1) + 14
    parts += [
        f'<rect x="{label_w}" y="{legend_y}" width="14" height="14" fill="{INCURRED}"/>',
        f'<text x="{label_w + 20}" y="{legend_y + 12}" font-size="12" fill="#212529">'
        f"{escape(_('Costs incurred'))}</text>",
        f'<rect x="{label_w + 150}" y="{legend_y}" width="14" height="14" fill="{BUDGET}"/>',
        f'<text x="{label_w + 170}" y="{legend_y + 12}" font-size="12" fill="#212529">'
        f"{escape(_('Budget'))}</text>",
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 – every text above is escaped


def light_chart(counts, *, title: str, chart_id: str) -> str:
    """Vertical bars per traffic light. `counts`: (key, label, n)."""
    counts = list(counts)
    width, height, base, bar = 420, 220, 170, 60
    biggest = max([n for _k, _l, n in counts] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" {FONT}>',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_("The same figures are in the table below."))}</desc>',
        f'<line x1="20" y1="{base}" x2="{width - 20}" y2="{base}" stroke="#495057"/>',
    ]
    for i, (key, label, n) in enumerate(counts):
        x = 40 + i * 95
        h = 130 * n / biggest
        parts += [
            f'<rect x="{x}" y="{base - h:.1f}" width="{bar}" height="{h:.1f}" fill="{LIGHTS[key]}"/>',
            f'<text x="{x + bar / 2}" y="{base - h - 6:.1f}" text-anchor="middle" font-size="14" '
            f'font-weight="bold" fill="#212529">{n}</text>',
            *_label_lines(str(label), x + bar / 2, base + 18),
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 – every text above is escaped


def _label_lines(label: str, x: float, y: float) -> list[str]:
    """A label under a bar, on two lines when it is long."""
    words = label.split()
    lines = [label]
    if len(label) > 12 and len(words) > 1:
        half = len(words) // 2 + len(words) % 2
        lines = [" ".join(words[:half]), " ".join(words[half:])]
    return [
        f'<text x="{x}" y="{y + 15 * i}" text-anchor="middle" font-size="12" '
        f'fill="#212529">{escape(line)}</text>'
        for i, line in enumerate(lines)
    ]
