"""Admin pages between a list and its result: an action's confirmation, pasted citations."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.template.response import TemplateResponse
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from meetups.admin.forms import CitationsPasteForm
from meetups.citations import CitationError
from meetups.services import papers_import_citations


def intermediate_page(model_admin, request, queryset, *, template, form, title, action):
    """The page that asks for an action's details before it runs on the selected `queryset`."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "queryset": queryset,
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, template, context)


def post_too_large(request) -> bool:
    """
    Whether Django refused to read this POST for its size. It says so only the
    first time and reads the POST as empty after that, so the answer is kept.
    """
    if not hasattr(request, "post_too_large"):
        request.post_too_large = False
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 (reading it is the check)
            except RequestDataTooBig:
                request.post_too_large = True
    return request.post_too_large


def large_posts_reach_the_form(view):
    """
    `view` under CSRF protection, except for a POST too large for Django to read:
    the CSRF check would fail on reading it and answer with a bare 400 page, while
    `view` can say in its form what was wrong. Such a request saves nothing.
    """
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if post_too_large(request):
            return view(request, *args, **kwargs)
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def citations_paste_page(model_admin, request, *, session=None, back_url, title):
    """
    The paste-citations page, adding to the library (and to `session`'s reading
    list if given). After a paste it shows what was added, what was already in
    the library and what was not understood, with the latter back in the form.
    """
    if not request.user.has_perm("meetups.add_paper"):
        raise PermissionDenied
    result = None
    if post_too_large(request):
        # Django refuses to read a body this large; the form says so.
        form = CitationsPasteForm({}, too_large=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    else:
        form = CitationsPasteForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            result = papers_import_citations(text=form.cleaned_data["citations"], session=session)
        except CitationError as error:
            form.add_error("citations", error.message)
        else:
            _report(model_admin, request, result, session=session)
            # What went in is saved; offer only what was not understood for correction.
            form = CitationsPasteForm(initial={"citations": result.failed_text})
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "original": session,
        "form": form,
        "result": result,
        "back_url": back_url,
    }
    return TemplateResponse(request, "meetups/admin/citations_paste.html", context)


def _report(model_admin, request, result, *, session):
    if result.created or result.reused:
        where = "the reading list" if session is not None else "the library"
        added = len(result.created) + len(result.reused)
        model_admin.message_user(
            request,
            ngettext(
                "Added %(count)d paper to %(where)s", "Added %(count)d papers to %(where)s", added
            )
            % {"count": added, "where": where}
            + f" ({len(result.created)} new in the library, {len(result.reused)} already there).",
            messages.SUCCESS,
        )
    if result.lookup_unavailable:
        model_admin.message_user(
            request,
            f"The paper lookup was not available ({result.lookup_unavailable}): "
            "papers were read from the pasted text alone.",
            messages.WARNING,
        )
