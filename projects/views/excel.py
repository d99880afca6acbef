"""Budget sheets: download a project's budget as Excel, and import one back."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from ilag.views import VisibleObjectMixin
from projects.excel import XLSX_MIME, budget_import, budget_workbook
from projects.forms import BudgetImportForm
from projects.models import Project
from projects.permissions import can_edit_project


class BudgetExportView(SingleObjectMixin, View):
    """The budget and funding plan as an .xlsx file, for anyone who may see the project."""

    http_method_names = ["get", "head"]

    def get_queryset(self):
        return Project.objects.visible_to(self.request.user).select_related(
            "agreement__programme__owner"
        )

    def get(self, request, *args, **kwargs):
        project = self.get_object()
        prefix = slugify(_("budget"))
        filename = f"{prefix}-{project.pk}-{slugify(project.title)[:60]}.xlsx"
        response = HttpResponse(budget_workbook(project), content_type=XLSX_MIME)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class BudgetImportView(VisibleObjectMixin, FormView):
    """Replace the budget with an edited sheet; on any error nothing is stored and every
    error is listed with its row and column."""

    model = Project
    permission = staticmethod(can_edit_project)
    form_class = BudgetImportForm
    template_name = "projects/budget_import.html"

    def get_parent_queryset(self):
        return super().get_parent_queryset().select_related("agreement__programme__owner")

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.parent, **kwargs)

    def form_valid(self, form):
        result = budget_import(
            project=self.parent, file=form.cleaned_data["file"], user=self.request.user
        )
        if result.errors:
            return self.render_to_response(
                self.get_context_data(form=form, import_errors=result.errors)
            )
        if result.changed:
            messages.success(
                self.request,
                _("The budget is imported: %(created)s, %(updated)s and %(deleted)s.")
                % {
                    "created": ngettext("%(count)s new line", "%(count)s new lines", result.created)
                    % {"count": result.created},
                    "updated": ngettext(
                        "%(count)s changed line", "%(count)s changed lines", result.updated
                    )
                    % {"count": result.updated},
                    "deleted": ngettext(
                        "%(count)s removed line", "%(count)s removed lines", result.deleted
                    )
                    % {"count": result.deleted},
                },
            )
        else:
            messages.success(
                self.request, _("The sheet is the same as the budget: nothing was changed.")
            )
        for warning in result.warnings:
            messages.warning(self.request, warning)
        return redirect("files:budget-import", pk=self.parent.pk)
