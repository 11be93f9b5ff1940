"""One pagination rule for every list page of the portal."""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404

PER_PAGE = 20


def paginate(request, object_list, *, per_page: int = PER_PAGE):
    """
    Return the page named by `?page=` of `object_list`. A page number that is not
    a number or lies past the end is a 404, not an error and not silently page 1.
    """
    paginator = Paginator(object_list, per_page, allow_empty_first_page=True)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(f"No such page: {error}") from None
