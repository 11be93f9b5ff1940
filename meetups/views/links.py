"""Reading the signed links of the club's emails, the same way on every page behind one."""

from django.shortcuts import render

from meetups.mailing import tokens


def link_problem(request, problem: str, *, status: int, template: str):
    """The page saying why a link does not work (`problem`: expired, invalid, bad-request)."""
    return render(request, template, {"problem": problem}, status=status)


def read_link(request, reader, token, *, template: str):
    """
    The verified content of a signed link (`reader(token)`), or the page of
    `template` explaining why it is not valid: (content, None) or (None, page).
    """
    try:
        return reader(token), None
    except tokens.ExpiredLink:
        return None, link_problem(request, "expired", status=410, template=template)
    except tokens.InvalidLink:
        return None, link_problem(request, "invalid", status=400, template=template)
