"""One pagination rule for every list page of the portal."""

from django.core.paginator import InvalidPage, Paginator
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
    """
    paginator = Paginator(object_list, per_page, allow_empty_first_page=True)
    requested = request.GET.get("page")
    number = page_number(requested) if requested else 1
    if number is None:
        raise Http404("No such page: not a page number.")
    try:
        return paginator.page(number)
    except InvalidPage as error:
        raise Http404(f"No such page: {error}") from None
