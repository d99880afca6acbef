"""Sums as uncorrelated scalar subqueries, so one query can carry several totals.

PostgreSQL computes such a subquery once for the whole query (an InitPlan), where an
annotation per row (a subquery per project or agreement) runs once for each of
thousands of rows.
"""

from django.db.models import BigIntegerField, Count, Max, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def _one_value(queryset, aggregate):
    """`aggregate` over the whole of `queryset`, as a subquery of one row."""
    return Subquery(
        queryset.order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(total=aggregate)
        .values("total"),
        output_field=BigIntegerField(),
    )


def scalar_sum(queryset, field="amount"):
    """The sum of `field` over `queryset` (0 when it is empty), as an expression."""
    return Coalesce(_one_value(queryset, Sum(field)), Value(0), output_field=BigIntegerField())


def scalar_count(queryset):
    """How many rows `queryset` has, as an expression."""
    return _one_value(queryset, Count("pk"))


def aggregated(expression):
    """`expression` (such as a `scalar_sum`) made acceptable to QuerySet.aggregate():
    the Max of the one value it has on every row; None when there are no rows."""
    return Max(expression)
