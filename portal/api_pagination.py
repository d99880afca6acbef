"""The API's pagination, apart from portal/api.py: DRF imports the default pagination class
while it defines its generic views, which portal/api.py itself imports."""

from django.core.exceptions import ValidationError as FieldError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from portal.api_fields import BLANK_MESSAGE, WHOLE_NUMBER_SCHEMA, WholeNumberField


class Pagination(PageNumberPagination):
    """50 rows a page; a client may ask for up to 500 with ?page_size=.

    Both are whole numbers from 1, as the schema says: anything else is a 400 naming the
    parameter (DRF would quietly give the default page size, or a 404 for a page that is
    not a number). A page past the last is a 404, as in DRF."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # DRF also takes ?page=last; the schema says a page is a number.
    last_page_strings = ()

    def get_page_size(self, request):
        size = self.whole_number(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_page_number(self, request, paginator):
        return self.whole_number(request, self.page_query_param) or 1

    @staticmethod
    def whole_number(request, name: str) -> int | None:
        value = request.query_params.get(name)
        if value is None:
            return None
        if not value.strip():
            raise ValidationError({name: [BLANK_MESSAGE]}, code="blank")
        try:
            return WholeNumberField().clean(value)
        except FieldError as error:
            raise ValidationError({name: error.messages}, code="invalid") from error

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(_("The page, from 1. A page past the last one is a 404.")),
                "schema": {**WHOLE_NUMBER_SCHEMA},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Rows a page: 50 unless asked, at most 500 (a larger number gives 500 rows).")
                ),
                "schema": {**WHOLE_NUMBER_SCHEMA},
            },
        ]
