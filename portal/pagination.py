"""One pagination rule for every list page of the portal."""

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404

PER_PAGE = 20
# No list has a billion pages; longer numbers are not even converted (Python refuses
# strings past 4,300 digits, and converting long ones costs time for nothing).
MAX_PAGE_DIGITS = 9


def page_number(value: str | None) -> int | None:
    """The page number `value` (the text of `?page=`) names, or None when it names none."""
    if not value or len(value) > MAX_PAGE_DIGITS or not (value.isascii() and value.isdigit()):
        return None
    return int(value)


def paginate(request, object_list, *, per_page: int = PER_PAGE):
    """
    Return the page named by `?page=` of `object_list`. A page number that is not
    a number or lies past the end is a 404, not an error and not silently page 1.

    A list that gives a slice and its own length in one read (`counted_slice`, as
    a tag's timeline does) is read once, not counted first and sliced after.
    """
    paginator = Paginator(object_list, per_page, allow_empty_first_page=True)
    requested = request.GET.get("page")
    number = page_number(requested) if requested else 1
    if number is None:
        raise Http404("No such page: not a page number.")
    try:
        if not hasattr(object_list, "counted_slice"):
            return paginator.page(number)
        start = (max(number, 1) - 1) * per_page
        items, paginator.count = object_list.counted_slice(start, start + per_page)
        return Page(items, paginator.validate_number(number), paginator)
    except InvalidPage as error:
        raise Http404(f"No such page: {error}") from None


class UncountedPage:
    """
    A page of a list nobody counted: it knows whether a page comes after it, not
    how many. Long lists read newest first (the home page) need no more than
    “Newer” and “Older”, and counting every kind of item costs a query each.
    """

    paginator = None

    def __init__(self, object_list, number: int, *, more: bool):
        self.object_list = object_list
        self.number = number
        self.more = more

    def __len__(self) -> int:
        return len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)

    def has_next(self) -> bool:
        return self.more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def paginate_uncounted(request, object_list, *, per_page: int = PER_PAGE) -> UncountedPage:
    """
    The page named by `?page=` of `object_list`, which gives a slice and whether
    more follows (`slice_and_more`), without counting the list. As `paginate`, a
    page number that is not a number or lies past the end is a 404.
    """
    requested = request.GET.get("page")
    number = page_number(requested) if requested else 1
    if not number:
        raise Http404("No such page: not a page number.")
    start = (number - 1) * per_page
    items, more = object_list.slice_and_more(start, start + per_page)
    if not items and number > 1:
        raise Http404("No such page: that page contains no results.")
    return UncountedPage(items, number, more=more)
