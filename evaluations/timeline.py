"""A programme's timeline as self-contained SVG, for the programme page and PDF reports.

The drawing uses presentation attributes only (no `style`, no classes, no external fonts
or CSS, no scripts): the page's CSP forbids inline style attributes, and WeasyPrint renders
the same markup in a PDF. Every marker differs by shape as well as colour (WCAG 1.4.1), and
the colours keep 3:1 against white (WCAG 1.4.11). `Timeline.rows` holds the same facts
for the text equivalent (templates/evaluations/_timeline.html).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements.models import Agreement
from evaluations.models import DISPLAY_STATE_LABELS, DUE_SOON_DAYS, Milestone
from ilag import svg
from ilag.formats import dato
from ilag.svg import text_width, truncate, wrap  # also importable from here, as before
from municipalities.models import Municipality

# Geometry, in viewBox units (the SVG scales to its container's width).
WIDTH = 1100
LABEL_X = 12  # left edge of the row labels
PLOT_LEFT = 250  # the time axis starts here
LABEL_WIDTH = PLOT_LEFT - LABEL_X - 14
SUBLABEL_FONT = 11.5
PLOT_RIGHT = WIDTH - 28
YEAR_BASELINE = 18
TODAY_TOP = 26  # the «I dag» tag sits between the years and the first row
ROWS_TOP = 50
ROW_HEIGHT = 46  # one lane; every further lane adds LANE_HEIGHT
LANE_HEIGHT = 24
LANE0 = 23  # centre of the first lane below the row's top
MAX_LANES = 4
BAR_HALF = 6
MARKER_GAP = 4
LABEL_FONT = 11

# Colours besides ilag.svg's INK, MUTED (7.6:1 on the zebra rows) and WHITE.
GRID_YEAR = "#8c959f"  # 3:1; the grid only helps, the dates are in the tooltips and table
GRID_QUARTER = "#e1e5e9"
ZEBRA = "#f5f7f9"
BAR_FILL = "#d7e4f2"
BAR_STROKE = "#35608f"  # 6.5:1: the outline carries the bar's contrast
TODAY = "#6f42c1"  # 6.5:1; white text on it 6.5:1

# display_state -> colour; each keeps at least 3:1 against white.
COLOURS = {
    "upcoming": "#0a58ca",  # 6.4:1
    "due_soon": svg.YELLOW,  # always drawn with a dark outline (15:1)
    "overdue": svg.RED,  # 6.5:1
    "delivered": "#3d5a80",  # 7.1:1
    "approved": "#146c43",  # 6.5:1
}
STATES = ["upcoming", "due_soon", "overdue", "delivered", "approved"]


@dataclass
class TimelineMilestone:
    milestone: object
    label: str  # «Kommunens midtveisrapport»: the title, or the kind
    short_label: str  # «Midtveisrapport»: the kind, for the drawing (the row names the owner)
    owner: str  # «Meråker» or «Meråker, prosjekt «…»»
    due_date: datetime.date
    state: str  # Milestone.display_state
    state_label: str  # in words, «levert»
    title: str  # the tooltip: «Midtveisrapport – Meråker: 01.10.2024, levert»
    project: object = None

    @property
    def url(self) -> str:
        return self.milestone.get_absolute_url()


@dataclass
class TimelineRow:
    """The programme's own milestones, or one cooperation agreement with its milestones."""

    label: str
    sublabel: str
    start: datetime.date | None
    end: datetime.date | None
    agreement: object = None
    milestones: list[TimelineMilestone] = field(default_factory=list)

    @property
    def is_programme(self) -> bool:
        return self.agreement is None


@dataclass
class Timeline:
    svg: SafeString
    rows: list[TimelineRow]
    title: str
    summary: str
    dom_id: str
    start: datetime.date
    end: datetime.date
    today: datetime.date

    @property
    def title_id(self) -> str:
        return f"{self.dom_id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.dom_id}-desc"

    @property
    def table_id(self) -> str:
        """The id the text equivalent must carry: the SVG's aria-describedby points to it."""
        return f"{self.dom_id}-table"


def programme_timeline(
    programme, *, user, today: datetime.date, agreements: list | None = None
) -> Timeline:
    """The programme's agreements and milestones that `user` may see, drawn and as rows.

    `agreements` limits the rows to those agreements (a page of the programme page's table),
    loaded by the caller with their municipalities ordered by name; the programme's own
    milestones are always drawn. Without it, every agreement the user may see.

    Three queries (agreements, their municipalities, milestones), whatever the number of
    agreements, plus what the user's permission scope looks up once; one (milestones)
    when the agreements are given.
    """
    if agreements is None:
        agreements = list(
            Agreement.objects.visible_to(user)
            .filter(programme=programme)
            .prefetch_related(
                Prefetch("municipalities", queryset=Municipality.objects.order_by("name"))
            )
        )
        of_agreements = Q(agreement__programme=programme) | Q(
            project__agreement__programme=programme
        )
    else:
        ids = [agreement.pk for agreement in agreements]
        of_agreements = Q(agreement__in=ids) | Q(project__agreement__in=ids)
    milestones = list(
        Milestone.objects.visible_to(user)
        .filter(Q(programme=programme) | of_agreements)
        .select_related("project")
        .order_by("due_date", "kind", "pk")
    )

    programme_row = TimelineRow(
        label=_("The programme"),
        sublabel=_("Shared milestones"),
        start=programme.start_date,
        end=programme.end_date,
    )
    rows_by_agreement = {}
    for agreement in agreements:
        names = ", ".join(m.name for m in agreement.municipalities.all()) or agreement.title
        sublabel = agreement.theme or f"{dato(agreement.start_date)}–{dato(agreement.end_date)}"
        rows_by_agreement[agreement.pk] = TimelineRow(
            label=names,
            sublabel=sublabel,
            start=agreement.start_date,
            end=agreement.end_date,
            agreement=agreement,
        )

    for milestone in milestones:
        project = milestone.project if milestone.project_id else None
        if milestone.programme_id:
            row, owner = programme_row, str(programme)
        else:
            agreement_id = project.agreement_id if project else milestone.agreement_id
            row = rows_by_agreement.get(agreement_id)
            if row is None:
                continue  # a joint project's milestone under an agreement the user may not see
            owner = row.label
            if project:
                owner = _("%(municipalities)s, project «%(project)s»") % {
                    "municipalities": row.label,
                    "project": project.title,
                }
        state = milestone.display_state(today)
        state_label = str(milestone.display_state_label(today)).lower()
        row.milestones.append(
            TimelineMilestone(
                milestone=milestone,
                label=milestone.label,
                short_label=(
                    milestone.label
                    if milestone.kind == Milestone.Kind.OTHER
                    else milestone.get_kind_display()
                ),
                owner=owner,
                due_date=milestone.due_date,
                state=state,
                state_label=state_label,
                title=_("%(milestone)s – %(owner)s: %(date)s, %(state)s")
                % {
                    "milestone": milestone.label,
                    "owner": owner,
                    "date": dato(milestone.due_date),
                    "state": state_label,
                },
                project=project,
            )
        )

    agreement_rows = sorted(
        rows_by_agreement.values(),
        key=lambda r: (r.start, r.label.casefold(), r.agreement.title, r.agreement.pk),
    )
    rows = [programme_row, *agreement_rows]

    dates = [d for r in agreement_rows for d in (r.start, r.end)]
    dates += [m.due_date for r in rows for m in r.milestones]
    start = min([programme.start_date, *dates])
    end = max([programme.end_date, *dates])
    if end <= start:
        end = start + datetime.timedelta(days=1)

    dom_id = f"timeline-{programme.pk}"
    title = _("Timeline for %(programme)s") % {"programme": programme}
    summary = _summary(programme, rows, today)
    timeline = Timeline(
        svg=mark_safe(""),
        rows=rows,
        title=title,
        summary=summary,
        dom_id=dom_id,
        start=start,
        end=end,
        today=today,
    )
    timeline.svg = _Drawing(timeline).render()
    return timeline


def _summary(programme, rows, today) -> str:
    agreements = len(rows) - 1
    entries = [m for r in rows for m in r.milestones]
    counts = {state: sum(1 for m in entries if m.state == state) for state in STATES}
    text = _("%(programme)s, %(start)s–%(end)s: %(agreements)s and %(milestones)s.") % {
        "programme": programme,
        "start": dato(programme.start_date),
        "end": dato(programme.end_date),
        "agreements": ngettext(
            "%(count)s cooperation agreement", "%(count)s cooperation agreements", agreements
        )
        % {"count": agreements},
        "milestones": ngettext("%(count)s milestone", "%(count)s milestones", len(entries))
        % {"count": len(entries)},
    }
    if entries:
        text += " " + _(
            "Overdue: %(overdue)s. Due within %(days)s days: %(due_soon)s. Delivered or "
            "approved: %(done)s."
        ) % {
            "days": DUE_SOON_DAYS,
            "overdue": counts["overdue"],
            "due_soon": counts["due_soon"],
            "done": counts["delivered"] + counts["approved"],
        }
    text += " " + _("Today is %(date)s.") % {"date": dato(today)}
    text += " " + _("The table below the timeline gives the same facts as text.")
    return text


# Drawing ------------------------------------------------------------------------------


def marker_shape(state: str, x: float, y: float, ground: str = svg.WHITE) -> str:
    """The marker for a display state: shape and colour both tell the state. A rim in the
    `ground` colour (the row's background) parts it from the bar beneath."""
    colour = COLOURS[state]
    if state == "upcoming":  # an open ring
        return svg.el("circle", cx=x, cy=y, r=9.5, fill=ground) + svg.el(
            "circle", cx=x, cy=y, r=6.5, fill=ground, stroke=colour, stroke_width=2.5
        )
    if state == "due_soon":  # a warning triangle
        points = svg.points((x, y - 9), (x + 8.5, y + 6.5), (x - 8.5, y + 6.5))
        return svg.el(
            "polygon",
            points=points,
            fill=ground,
            stroke=ground,
            stroke_width=5,
            stroke_linejoin="round",
        ) + svg.el(
            "polygon",
            points=points,
            fill=colour,
            stroke=svg.INK,
            stroke_width=1.5,
            stroke_linejoin="round",
        )
    if state == "overdue":  # a diamond with an exclamation mark
        points = svg.points((x, y - 9), (x + 9, y), (x, y + 9), (x - 9, y))
        return (
            svg.el("polygon", points=points, fill=ground, stroke=ground, stroke_width=4)
            + svg.el("polygon", points=points, fill=colour)
            + svg.el(
                "line",
                x1=x,
                y1=y - 4.5,
                x2=x,
                y2=y + 1,
                stroke=svg.WHITE,
                stroke_width=2,
                stroke_linecap="round",
            )
            + svg.el("circle", cx=x, cy=y + 4, r=1.2, fill=svg.WHITE)
        )
    if state == "delivered":  # a filled dot
        return svg.el("circle", cx=x, cy=y, r=9.5, fill=ground) + svg.el(
            "circle", cx=x, cy=y, r=7, fill=colour
        )
    # approved: a filled dot with a tick
    return (
        svg.el("circle", cx=x, cy=y, r=10, fill=ground)
        + svg.el("circle", cx=x, cy=y, r=7.5, fill=colour)
        + svg.el(
            "path",
            d=f"M{svg.n(x - 3.8)},{svg.n(y + 0.2)} l2.6,2.7 l5,-5.6",
            fill="none",
            stroke=svg.WHITE,
            stroke_width=2,
            stroke_linecap="round",
            stroke_linejoin="round",
        )
    )


@dataclass
class _Placed:
    entry: TimelineMilestone
    x: float
    lane: int = 0
    label: str = ""
    label_left: bool = False  # the label sits left of the marker (near the right edge)


class _Drawing:
    def __init__(self, timeline: Timeline):
        self.t = timeline
        self.days = (timeline.end - timeline.start).days

    def x(self, date: datetime.date) -> float:
        return PLOT_LEFT + (date - self.t.start).days / self.days * (PLOT_RIGHT - PLOT_LEFT)

    # Lanes: markers (and their labels) on the same row never overlap; a row gets more
    # lanes when its milestones crowd, and a label is left out only when lanes run out.
    def place(self, row: TimelineRow) -> list[_Placed]:
        lanes: list[float] = []  # the right edge of what each lane holds so far
        placed = []
        for entry in row.milestones:
            item = _Placed(entry, self.x(entry.due_date))
            label = truncate(entry.short_label, 170, LABEL_FONT)
            width = text_width(label, LABEL_FONT)
            right = (item.x - 10, item.x + 14 + width)
            left = (item.x - 14 - width, item.x + 10)
            with_label = left if right[1] > PLOT_RIGHT + 20 else right
            bare = (item.x - 10, item.x + 10)
            for extent, labelled in ((with_label, True), (bare, False)):
                lane = next(
                    (i for i, edge in enumerate(lanes) if extent[0] >= edge + MARKER_GAP), None
                )
                if lane is None and len(lanes) < MAX_LANES:
                    lane = len(lanes)
                    lanes.append(float("-inf"))
                if lane is not None:
                    lanes[lane] = extent[1]
                    item.lane = lane
                    if labelled:
                        item.label = label
                        item.label_left = extent is left
                    break
            else:
                item.lane = min(range(len(lanes)), key=lambda i: lanes[i])
                lanes[item.lane] = max(lanes[item.lane], bare[1])
            placed.append(item)
        return placed

    def render(self) -> SafeString:
        t = self.t
        layout = []
        y = ROWS_TOP
        for row in t.rows:
            placed = self.place(row)
            lanes = 1 + max((p.lane for p in placed), default=0)
            sublines = wrap(row.sublabel, LABEL_WIDTH, SUBLABEL_FONT)
            height = max(ROW_HEIGHT + (lanes - 1) * LANE_HEIGHT, 30 + 15 * len(sublines))
            ground = ZEBRA if len(layout) % 2 == 0 else svg.WHITE
            layout.append((row, placed, y, height, ground))
            y += height
        plot_bottom = y
        legend, legend_height = self.legend(plot_bottom + 18)
        height = plot_bottom + 18 + legend_height + 6

        out = [svg.el("rect", x=0, y=0, width=WIDTH, height=height, fill=svg.WHITE)]
        for _row, _placed, row_y, row_height, ground in layout:
            if ground != svg.WHITE:
                out.append(
                    svg.el("rect", x=0, y=row_y, width=WIDTH, height=row_height, fill=ground)
                )
        out.append(self.axis(plot_bottom))
        for row, placed, row_y, _row_height, _ground in layout:
            out.append(self.row(row, placed, row_y))
        out.append(self.today_marker(plot_bottom))
        for _row, placed, row_y, _row_height, ground in layout:
            out.extend(self.marker(p, row_y, ground) for p in placed)
        out.append(svg.el("line", x1=0, y1=plot_bottom, x2=WIDTH, y2=plot_bottom, stroke=GRID_YEAR))
        out.append(legend)
        return svg.svg(
            out,
            WIDTH,
            height,
            title=t.title,
            desc=t.summary,
            id_prefix=t.dom_id,
            id=t.dom_id,
            aria_describedby=t.table_id,
            preserveAspectRatio="xMinYMin meet",
            font_size=12,
            fill=svg.INK,
        )

    def axis(self, bottom: float) -> str:
        t = self.t
        out = [svg.el("line", x1=PLOT_LEFT, y1=ROWS_TOP, x2=PLOT_LEFT, y2=bottom, stroke=GRID_YEAR)]
        for year in range(t.start.year, t.end.year + 1):
            for month in (4, 7, 10):
                quarter = datetime.date(year, month, 1)
                if t.start < quarter < t.end:
                    qx = self.x(quarter)
                    out.append(
                        svg.el("line", x1=qx, y1=ROWS_TOP, x2=qx, y2=bottom, stroke=GRID_QUARTER)
                    )
            first = max(datetime.date(year, 1, 1), t.start)
            last = min(datetime.date(year + 1, 1, 1), t.end)
            if first > t.start:
                yx = self.x(first)
                out.append(svg.el("line", x1=yx, y1=6, x2=yx, y2=bottom, stroke=GRID_YEAR))
            x0, x1 = self.x(first), self.x(last)
            if x1 - x0 >= 40:
                out.append(
                    svg.text(
                        str(year),
                        x=(x0 + x1) / 2,
                        y=YEAR_BASELINE,
                        text_anchor="middle",
                        font_size=14,
                        font_weight="bold",
                    )
                )
        out.append(
            svg.el("line", x1=PLOT_RIGHT, y1=ROWS_TOP, x2=PLOT_RIGHT, y2=bottom, stroke=GRID_YEAR)
        )
        return "".join(out)

    def row(self, row: TimelineRow, placed: list[_Placed], top: float) -> str:
        centre = top + LANE0
        name = row.label
        if row.agreement is not None and row.agreement.is_draft:
            name = _("%(name)s (draft)") % {"name": name}
        label = truncate(name, LABEL_WIDTH, 14)
        sublines = wrap(row.sublabel, LABEL_WIDTH, SUBLABEL_FONT)
        if row.is_programme:
            tooltip = f"{row.label}: {row.sublabel}"
        else:
            tooltip = _("%(name)s – %(theme)s: %(start)s–%(end)s") % {
                "name": name,
                "theme": row.agreement.theme or row.agreement.title,
                "start": dato(row.start),
                "end": dato(row.end),
            }
        out = [
            "<g>",
            svg.title(tooltip),
            svg.text(label, x=LABEL_X, y=top + 19, font_size=14, font_weight="bold"),
            *(
                svg.text(
                    line, x=LABEL_X, y=top + 36 + 15 * i, font_size=SUBLABEL_FONT, fill=svg.MUTED
                )
                for i, line in enumerate(sublines)
            ),
            "</g>",
        ]
        lower_lanes = [p for p in placed if p.lane > 0]
        if row.is_programme:
            # The programme spans the axis; a thin line carries its markers.
            out.append(
                svg.el(
                    "line",
                    x1=self.x(row.start),
                    y1=centre,
                    x2=self.x(row.end),
                    y2=centre,
                    stroke=GRID_YEAR,
                    stroke_width=2,
                    stroke_dasharray="2 4",
                    stroke_linecap="round",
                )
            )
        else:
            x0, x1 = self.x(row.start), self.x(row.end)
            period = _("Agreement period %(start)s–%(end)s") % {
                "start": dato(row.start),
                "end": dato(row.end),
            }
            out.append(
                "<g>"
                + svg.title(f"{name}: {period}")
                + svg.el(
                    "rect",
                    x=x0,
                    y=centre - BAR_HALF,
                    width=max(x1 - x0, 2),
                    height=BAR_HALF * 2,
                    rx=BAR_HALF,
                    fill=BAR_FILL,
                    stroke=BAR_STROKE,
                    stroke_width=1.5,
                    stroke_dasharray="5 3" if row.agreement.is_draft else None,
                )
                + "</g>"
            )
        for p in lower_lanes:  # a thin stalk ties a crowded marker to its date
            out.append(
                svg.el(
                    "line",
                    x1=p.x,
                    y1=centre,
                    x2=p.x,
                    y2=centre + p.lane * LANE_HEIGHT - 9,
                    stroke=GRID_YEAR,
                    stroke_width=1,
                )
            )
        return "".join(out)

    def marker(self, p: _Placed, top: float, ground: str) -> str:
        y = top + LANE0 + p.lane * LANE_HEIGHT
        out = ["<g>", svg.title(p.entry.title), marker_shape(p.entry.state, p.x, y, ground)]
        if p.label:
            width = text_width(p.label, LABEL_FONT)
            tx = p.x - 13 - width if p.label_left else p.x + 13
            if p.lane == 0:
                # On the agreement bar or the programme's line: the row's own background,
                # from the marker's edge, cuts the bar and keeps the label readable.
                x0, x1 = (tx - 3, p.x - 8) if p.label_left else (p.x + 8, tx + width + 3)
                out.append(
                    svg.el("rect", x=x0, y=y - 8, width=x1 - x0, height=16, rx=3, fill=ground)
                )
            out.append(svg.text(p.label, x=tx, y=y + 4, font_size=LABEL_FONT))
        out.append("</g>")
        return "".join(out)

    def today_marker(self, bottom: float) -> str:
        t = self.t
        if not t.start <= t.today <= t.end:
            return ""
        x = self.x(t.today)
        label = _("Today")
        width = text_width(label, 11) + 14
        tag_x = min(max(x - width / 2, PLOT_LEFT), PLOT_RIGHT - width)
        return (
            "<g>"
            + svg.title(_("Today, %(date)s") % {"date": dato(t.today)})
            + svg.el("line", x1=x, y1=TODAY_TOP + 16, x2=x, y2=bottom, stroke=TODAY, stroke_width=2)
            + svg.el("rect", x=tag_x, y=TODAY_TOP, width=width, height=18, rx=9, fill=TODAY)
            + svg.text(
                label,
                x=tag_x + width / 2,
                y=TODAY_TOP + 13,
                text_anchor="middle",
                font_size=11,
                font_weight="bold",
                fill=svg.WHITE,
            )
            + "</g>"
        )

    def legend(self, top: float) -> tuple[str, float]:
        """The key: one symbol and its words per item, wrapped onto more lines if needed."""
        heading = _("Legend:")
        items = [(state, str(DISPLAY_STATE_LABELS[state])) for state in STATES]
        items += [("bar", _("Agreement period")), ("today", _("Today"))]
        out = [svg.text(heading, x=LABEL_X, y=top + 14, font_size=12, font_weight="bold")]
        x = LABEL_X + text_width(heading, 12) + 12
        y = top + 10
        for key, text in items:
            width = 26 + text_width(text, 12)
            if x + width > WIDTH - LABEL_X:
                x, y = LABEL_X, y + 26
            if key in COLOURS:
                out.append(marker_shape(key, x + 9, y))
            elif key == "bar":
                out.append(
                    svg.el(
                        "rect",
                        x=x,
                        y=y - BAR_HALF,
                        width=20,
                        height=BAR_HALF * 2,
                        rx=BAR_HALF,
                        fill=BAR_FILL,
                        stroke=BAR_STROKE,
                        stroke_width=1.5,
                    )
                )
            else:
                out.append(
                    svg.el(
                        "line", x1=x + 9, y1=y - 9, x2=x + 9, y2=y + 9, stroke=TODAY, stroke_width=2
                    )
                )
            out.append(svg.text(text, x=x + 24, y=y + 4, font_size=12))
            x += width + 18
        return "".join(out), y - top + 16
