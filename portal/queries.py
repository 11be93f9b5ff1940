"""Reads every app shares."""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
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


class PreparedQuery:
    """
    A `values_list` queryset that varies with the moment only, compiled to SQL
    once per database connection and run with each call's moment: `build(now,
    today)` returns it for any moment (`today` being `now`'s date in the current
    time zone), and `rows()` runs it at the present one. On the home page,
    cloning, filtering and compiling its six small querysets cost three times
    what SQLite took to run them.

    The moment's place among the compiled parameters is found by building the
    queryset once at a moment no content holds, and the limit is added to the
    SQL by the database's own operations, so one compiled query serves any limit.
    """

    # Values no row holds, so a parameter equal to one is the moment's.
    _NOW = datetime(1900, 1, 1, 0, 0, 0, 123457, tzinfo=UTC)
    _TODAY = date(1900, 1, 2)

    def __init__(self, build: Callable[[datetime, date], QuerySet]):
        self._build = build

    def _compile(self, wrapper):
        queryset = self._build(self._NOW, self._TODAY)
        compiler = queryset.query.get_compiler(connection=wrapper)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        now = wrapper.ops.adapt_datetimefield_value(self._NOW)
        today = wrapper.ops.adapt_datefield_value(self._TODAY)
        now_at = [i for i, param in enumerate(params) if _same(param, now)]
        today_at = [i for i, param in enumerate(params) if _same(param, today)]
        return compiler, sql, list(params), now_at, today_at

    def rows(
        self, *, limit: int | None = None, offset: int = 0, now: datetime | None = None
    ) -> list[tuple]:
        """
        The query's rows at `now` (the present by default): at most `limit` of them,
        after the first `offset`.
        """
        wrapper = connections[DEFAULT_DB_ALIAS]
        # Kept on the connection (one per thread), as its compiler is bound to it.
        prepared = wrapper.__dict__.setdefault("prepared_queries", {})
        if self not in prepared:
            prepared[self] = self._compile(wrapper)
        compiled = prepared[self]
        if compiled is None or limit == 0:
            return []
        compiler, sql, params, now_at, today_at = compiled
        now = timezone.now() if now is None else now
        params = params.copy()
        for index in now_at:
            params[index] = wrapper.ops.adapt_datetimefield_value(now)
        for index in today_at:
            params[index] = wrapper.ops.adapt_datefield_value(timezone.localdate(now))
        if limit is not None or offset:
            high = None if limit is None else offset + limit
            sql = f"{sql} {wrapper.ops.limit_offset_sql(offset, high)}"
        with wrapper.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return list(compiler.results_iter(results=[fetched], tuple_expected=True))


def _same(param, sentinel) -> bool:
    return type(param) is type(sentinel) and param == sentinel
