"""Admin pages between a list and its result: an action's confirmation, a BibTeX import."""

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from meetups.admin.forms import BibtexImportForm
from meetups.services import reading_list_import_bibtex


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


def bibtex_import_page(model_admin, request, *, session=None, back_url, title):
    """
    The paste-BibTeX page, adding to the library (and to `session`'s reading list if
    given); a redirect to `back_url` once every entry went in.
    """
    if not request.user.has_perm("meetups.add_paper"):
        raise PermissionDenied
    form = BibtexImportForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = reading_list_import_bibtex(text=form.cleaned_data["bibtex"], session=session)
        if result.created or result.reused:
            where = "the reading list" if session is not None else "the library"
            model_admin.message_user(
                request,
                f"Added {len(result.created) + len(result.reused)} paper(s) to {where} "
                f"({len(result.created)} new in the library, {len(result.reused)} already there).",
                messages.SUCCESS,
            )
        if not result.problems:
            return HttpResponseRedirect(back_url)
        # The good entries are saved; offer only the failed ones for correction.
        form = BibtexImportForm(initial={"bibtex": result.failed_text})
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "original": session,
        "form": form,
        "result": result,
        "back_url": back_url,
    }
    return TemplateResponse(request, "meetups/admin/bibtex_import.html", context)
