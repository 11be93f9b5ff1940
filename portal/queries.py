"""Reads every app shares."""

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.utils import timezone


def previous_in(queryset: QuerySet, item: Model, *, order: Sequence[str]) -> Model | None:
    """
    The object of `queryset` just before `item` in `order` (field names, the
    last one unique, e.g. ("published_at", "pk")), or None: when there is none,
    or when `item` has no place in that order yet (a draft has no publication time).
    """
    return _adjacent(queryset, item, order=order, after=False)


def next_in(queryset: QuerySet, item: Model, *, order: Sequence[str]) -> Model | None:
    """The object of `queryset` just after `item` in `order`, or None (see previous_in)."""
    return _adjacent(queryset, item, order=order, after=True)


def _adjacent(queryset, item, *, order, after):
    values = [getattr(item, field) for field in order]
    if any(value is None for value in values):
        return None
    lookup = "gt" if after else "lt"
    # Lexicographic: (a, b) > (x, y) when a > x, or a = x and b > y.
    beyond = Q()
    for index, field in enumerate(order):
        same = dict(zip(order[:index], values[:index], strict=True))
        beyond |= Q(**same, **{f"{field}__{lookup}": values[index]})
    ordering = list(order) if after else [f"-{field}" for field in order]
    return queryset.filter(beyond).order_by(*ordering).first()


def published_neighbours(
    model: type[Model], *, order: str, value, pk
) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """
    The (slug, title) of the published objects of `model` just before and after the
    one at (`value`, `pk`) in the order of the field `order` and then the id (None
    where there is none). One query for both, written out: through the ORM, the two
    queries cost a fifth of a post's page, most of it in building and compiling them.
    """
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(model._meta.get_field(order).column)
    moment = model._meta.get_field(order).get_db_prep_value(value, connection)
    now = model._meta.get_field("published_at").get_db_prep_value(timezone.now(), connection)
    side = (
        "SELECT * FROM (SELECT {side} AS side, slug, title FROM {table}"
        " WHERE published_at <= %s AND ({column} {op} %s OR ({column} = %s AND id {op} %s))"
        " ORDER BY {column} {direction}, id {direction} LIMIT 1) AS {name}"
    )
    earlier = side.format(
        side=0, table=table, column=column, op="<", direction="DESC", name="earlier"
    )
    later = side.format(side=1, table=table, column=column, op=">", direction="ASC", name="later")
    with connection.cursor() as cursor:
        cursor.execute(f"{earlier} UNION ALL {later}", [now, moment, moment, pk] * 2)
        found = {side: (slug, title) for side, slug, title in cursor}
    return found.get(0), found.get(1)
