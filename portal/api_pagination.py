"""The API's pagination, apart from ilag/api.py: DRF imports the default pagination class
while it defines its generic views, which ilag/api.py itself imports."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """50 rows a page; a client may ask for up to 500 with ?page_size=."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
