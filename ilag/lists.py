"""Filtered, sorted, paginated lists that export what they show.

A list view names its FilterSet, the columns it may be sorted by, and its export
columns. The filters live in the URL (GET), so a view can be bookmarked and shared; an
unknown filter value is dropped with a message instead of failing; a page number out of
range shows the last page; an export streams every matching row, not just the page.
"""

import csv
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.paginator import EmptyPage, Page, Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from openpyxl import Workbook

from ilag.exports import csv_value, xlsx_value
from ilag.paging import MAX_PAGE, counted_slice
from ilag.views import ReadOnlyPageMixin

EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class Column:
    header: str  # a lazy translation, evaluated in the request's language
    value: Callable  # row -> cell value (str, int, date, Decimal or None)


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer."""

    def write(self, value):
        return value


class FilteredListView(ReadOnlyPageMixin, TemplateView):
    filterset_class = None
    sort_fields: dict[str, str] = {}  # URL value -> order_by expression
    default_sort = ""
    paginate_by = 25
    export_columns: list[Column] = []
    export_name = "liste"
    template_name = ""

    def base_queryset(self):
        raise NotImplementedError

    def decorate(self, queryset):
        """Annotations and prefetches for the rows shown; applied to the page only
        where it costs a query per row otherwise."""
        return queryset

    def filterset(self):
        data = self.request.GET.copy()
        for key in ("side", "sorter", "eksport"):
            data.pop(key, None)
        filterset = self.filterset_class(
            data or None, queryset=self.base_queryset(), request=self.request
        )
        if filterset.is_bound and not filterset.is_valid():
            # Drop what is not understood and say so, instead of showing nothing.
            for name, errors in filterset.errors.items():
                label = filterset.form.fields[name].label if name in filterset.form.fields else name
                messages.warning(
                    self.request,
                    _("The filter «%(label)s» was ignored: %(error)s")
                    % {"label": label, "error": " ".join(errors)},
                )
                data.pop(name, None)
            filterset = self.filterset_class(
                data or None, queryset=self.base_queryset(), request=self.request
            )
            filterset.is_valid()
        style_form(filterset.form)
        return filterset

    def sorted(self, queryset):
        key = self.request.GET.get("sorter", self.default_sort)
        field = self.sort_fields.get(key.lstrip("-"))
        if field is None:
            key = self.default_sort
            field = self.sort_fields[key.lstrip("-")]
        descending = key.startswith("-")
        ordering = [f"-{field}" if descending else field, "-pk" if descending else "pk"]
        return queryset.order_by(*ordering), key

    def get(self, request, *args, **kwargs):
        filterset = self.filterset()
        queryset, sort = self.sorted(filterset.qs)
        export = request.GET.get("eksport")
        if export in ("csv", "xlsx"):
            return self.export(self.decorate(queryset), export, filterset=filterset)
        page, ids = self.page_ids(queryset, request.GET.get("side") or 1)
        paginator = page.paginator
        rows = []
        if ids:
            # The page's ids first, then the costly annotations for those rows only.
            position = {pk: i for i, pk in enumerate(ids)}
            rows = sorted(
                self.decorate(queryset.model.objects.filter(pk__in=ids)),
                key=lambda row: position[row.pk],
            )
        query = request.GET.copy()
        for key in ("side", "eksport"):
            query.pop(key, None)
        without_sort = query.copy()
        without_sort.pop("sorter", None)
        context = self.get_context_data(
            filterset=filterset,
            filters_used=len(active_filters(filterset)),
            rows=rows,
            page_obj=page,
            paginator=paginator,
            sort=sort,
            querystring=query.urlencode(),
            sort_querystring=without_sort.urlencode(),
            export_querystring=query.urlencode(),
            **self.extra_context_for(rows),
        )
        return self.render_to_response(context)

    def page_ids(self, queryset, asked) -> tuple[Page, list]:
        """The page asked for (the first for nonsense, the last past the end) and the ids
        of its rows. In one query when the page has rows and the list no DISTINCT: the
        ids with how many rows match in all, a window count computed before the LIMIT.
        Otherwise a count, then the ids."""
        try:
            number = int(asked)
        except (TypeError, ValueError):
            number = 1
        if 1 <= number <= MAX_PAGE and not queryset.query.distinct:
            # The ids only (the rows' relations come with `decorate`, for the page).
            ids_only = queryset.select_related(None).prefetch_related(None).only("pk")
            found, count = counted_slice(
                ids_only, (number - 1) * self.paginate_by, self.paginate_by
            )
            if count is not None:
                paginator = Paginator(queryset, self.paginate_by)
                paginator.count = count  # known: no COUNT query
                return paginator.page(number), [row.pk for row in found]
        paginator = Paginator(queryset, self.paginate_by)
        try:
            page = paginator.page(number)
        except EmptyPage:
            page = paginator.page(paginator.num_pages)
        if not paginator.count:
            return page, []
        return page, list(
            queryset.values_list("pk", flat=True)[page.start_index() - 1 : page.end_index()]
        )

    def extra_context_for(self, rows) -> dict:
        return {}

    # Export -------------------------------------------------------------------------

    def export_filename(self, suffix):
        return f"{self.export_name}-{timezone.localdate():%Y-%m-%d}.{suffix}"

    def export_rows(self, queryset):
        for row in queryset.iterator(chunk_size=EXPORT_CHUNK):
            yield [column.value(row) for column in self.export_columns]

    def export(self, queryset, kind, filterset=None):
        headers = [str(column.header) for column in self.export_columns]
        if kind == "csv":
            writer = csv.writer(Echo(), delimiter=";")

            def lines():
                yield "\ufeff"  # so Excel reads the file as UTF-8
                yield writer.writerow([csv_value(h) for h in headers])
                for values in self.export_rows(queryset):
                    yield writer.writerow([csv_value(v) for v in values])

            response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="{self.export_filename("csv")}"'
            )
            return response
        # Write-only mode keeps memory flat; the workbook goes to a temporary file
        # that is streamed to the client and removed when closed.
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(self.export_title())[:31])
        sheet.append(headers)
        count = 0
        for values in self.export_rows(queryset):
            sheet.append([xlsx_value(sheet, value) for value in values])
            count += 1
        # A second sheet says what the rows are: the filters as they were on screen.
        selection = workbook.create_sheet(title=_("Selection"))
        for label, value in self.export_selection(filterset, count):
            selection.append([label, xlsx_value(selection, value)])
        handle = tempfile.TemporaryFile(suffix=".xlsx")
        workbook.save(handle)
        handle.seek(0)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=self.export_filename("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def export_title(self):
        return self.export_name

    def export_selection(self, filterset, count):
        """(label, value) rows describing the export: when, by whom, how many rows, and
        each filter in use with its value as the filter form shows it."""
        user = self.request.user
        rows = [
            (_("List"), str(self.export_title())),
            (_("Exported"), timezone.localtime().strftime("%d.%m.%Y %H:%M")),
            (_("Exported by"), user.get_full_name() or user.get_username()),
            (_("Rows"), count),
        ]
        filters = active_filters(filterset) if filterset is not None else []
        rows += filters or [(_("Filters"), _("None: every row you may see"))]
        return rows


def active_filters(filterset) -> list[tuple[str, object]]:
    """The filters in use, as (label, value shown in the form)."""
    form = filterset.form
    used = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        if value in (None, "", [], ()):
            continue
        if isinstance(field, forms.ModelChoiceField):
            shown = field.label_from_instance(value)
        elif isinstance(field, forms.ChoiceField):
            shown = str(dict(field.choices).get(value, value))
        else:
            shown = value
        used.append((str(field.label), shown))
    return used


def style_form(form):
    """Bootstrap classes on a filter form's widgets."""
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)
