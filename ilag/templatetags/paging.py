"""Links between the pages of a list on a page that shows several lists."""

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, parameter, number):
    """The query string of the current request with `parameter` set to `number` and every
    other parameter kept («?dokumenter=2&rapporter=3»), so that paging one list leaves
    the others where they are."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query[parameter] = number
    return f"?{query.urlencode()}"
