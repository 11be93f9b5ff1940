"""Reads every app shares."""

from collections.abc import Sequence

from django.db.models import Model, Q, QuerySet


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
