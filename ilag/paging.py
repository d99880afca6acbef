"""One of several lists on a detail page, shown a page at a time.

A detail page (a project, an agreement) lists several kinds of thing; each list is paged
with a query parameter of its own (`?rapporter=2`), so that paging one leaves the others
where they are. A page is read in one query: its rows (LIMIT and OFFSET) together with
how many there are in all (a window count, computed before the LIMIT, so no COUNT query
of its own). A number past the end (an old link, a number typed) shows the last page,
read by a second query that chooses its rows by their position; that query also serves
a page that needs rows besides its own (`also`: a project's latest approved status
report, wherever it stands in the list).
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

# A larger number is nonsense, taken as a page past the end.
MAX_PAGE = 100_000
# The annotations the query adds (named so as not to meet a field's name).
ROW = "section_row"
TOTAL = "section_total"


def page_number(query, parameter: str) -> int:
    """The page asked for in a request's GET parameters: 1 if none or nonsense (also 0 and
    negative numbers)."""
    try:
        number = int(query.get(parameter, 1))
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def counted_slice(queryset: QuerySet, first: int, size: int) -> tuple[list, int | None]:
    """Rows `first` to `first + size` of `queryset` (ordered) and how many it has in all,
    in one query: a window count, which PostgreSQL computes before the LIMIT. The count is
    None when the slice is empty past the start (the rows' count is then unknown)."""
    rows = list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[first : first + size])
    if rows:
        return rows, getattr(rows[0], TOTAL)
    return rows, 0 if first == 0 else None


class SectionPage(Page):
    """A page of one list, which knows its query parameter and the rows read with it."""

    def __init__(self, object_list, number, paginator, *, parameter: str, fetched: list):
        super().__init__(object_list, number, paginator)
        self.parameter = parameter
        # Every row the query returned, in the list's order: the page's and `also`'s.
        self.fetched = fetched


@dataclass(frozen=True)
class Section:
    """A list on a detail page: its query parameter and how many rows a page shows."""

    parameter: str
    per_page: int

    def page(self, queryset: QuerySet, query, *, also: Q | None = None) -> SectionPage:
        """The page of `queryset` that `query` (request.GET) asks for: the first for
        nonsense, the last for a number past the end. `also`: rows to read besides those
        of the page (in `fetched`), a condition that may use window annotations made on
        `queryset` (computed over all its rows, like the count)."""
        if queryset.query.distinct:
            # The count is a window over the rows before DISTINCT removes any.
            raise ValueError("A paged list cannot use DISTINCT: filter through subqueries.")
        number = page_number(query, self.parameter)
        order = _total_order(queryset)
        if also is None:
            fetched, count = counted_slice(
                queryset.order_by(*order), (number - 1) * self.per_page, self.per_page
            )
            if count is not None:
                return self._section_page(queryset, order, fetched, fetched, number, count)
        return self._by_position(queryset, order, number, also)

    def _by_position(self, queryset, order, number, also) -> SectionPage:
        """The page by its rows' positions (a window row number), the last page for a
        number past the end, and the rows `also` chooses: one query, whose SQL is a
        query within a query (the window's values filtered)."""
        per_page = self.per_page
        first = (number - 1) * per_page
        # Past the end, the rows after the last whole page.
        last_start = (F(TOTAL) - 1) / per_page * per_page
        wanted = Q(**{f"{ROW}__gt": first, f"{ROW}__lte": first + per_page}) | Q(
            **{f"{TOTAL}__lte": first, f"{ROW}__gt": last_start}
        )
        fetched = list(
            queryset.annotate(
                **{ROW: Window(RowNumber(), order_by=order), TOTAL: Window(Count("pk"))}
            )
            .filter(wanted | also if also is not None else wanted)
            .order_by(ROW)
        )
        count = getattr(fetched[0], TOTAL) if fetched else 0
        if first >= count:
            first = max(0, (count - 1) // per_page * per_page)
        rows = [row for row in fetched if first < getattr(row, ROW) <= first + per_page]
        return self._section_page(queryset, order, rows, fetched, first // per_page + 1, count)

    def _section_page(self, queryset, order, rows, fetched, number, count) -> SectionPage:
        paginator = Paginator(queryset.order_by(*order), self.per_page)
        paginator.count = count  # known: Paginator would ask the database
        return SectionPage(rows, number, paginator, parameter=self.parameter, fetched=fetched)


def _total_order(queryset: QuerySet) -> list:
    """The queryset's ordering, made total with the primary key (so that the pages neither
    repeat nor skip a row)."""
    order = list(queryset.query.order_by or queryset.model._meta.ordering)
    if not any(str(term).lstrip("-") in ("pk", "id") for term in order):
        order.append("pk")
    return order
