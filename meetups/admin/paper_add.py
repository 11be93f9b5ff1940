"""
The admin's “Add a paper” page: one field for a DOI, an arXiv id, a link or a
formatted reference; “Look up” shows what was read and found in the paper's fields,
for the organizer to correct before saving. A paper the library already has is
reused, never stored twice.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from meetups.identifiers import is_arxiv_id, is_doi, normalize_arxiv_id, normalize_doi
from meetups.models import Paper
from meetups.services import PaperDraft, paper_add, paper_from_citation

MAX_CITATION_CHARACTERS = 10_000


class CitationForm(forms.Form):
    citation = forms.CharField(
        label="DOI, arXiv id, link or reference",
        max_length=MAX_CITATION_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 100, "spellcheck": "false"}),
        help_text="One paper: “10.1145/359545.359563”, “arXiv:1608.06696”, a link to its page, "
        "a BibTeX entry or a reference as Google Scholar copies it.",
    )


_PAPER_FIELDS = [
    "title",
    "authors",
    "year",
    "venue",
    "kind",
    "doi",
    "arxiv_id",
    "url",
    "pdf_url",
    "abstract",
]


class PaperCheckForm(forms.Form):
    """
    The paper's fields as read and looked up, for the organizer to correct. Not a
    ModelForm: a DOI or arXiv id the library already has is no error here, saving
    reuses that paper (paper_add) instead of storing a second one.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                Paper,
                fields=_PAPER_FIELDS,
                widgets={
                    "title": forms.TextInput(attrs={"size": 90}),
                    "authors": forms.Textarea(attrs={"rows": 4, "cols": 60}),
                    "venue": forms.TextInput(attrs={"size": 60}),
                    "abstract": forms.Textarea(attrs={"rows": 4, "cols": 90}),
                },
            )
        )

    def clean(self):
        cleaned_data = super().clean()
        # The model's own bounds (a year from 1000 to 2999) are not the form field's.
        for name, value in list(cleaned_data.items()):
            if value in (None, ""):
                continue
            try:
                Paper._meta.get_field(name).run_validators(value)
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned_data

    def clean_doi(self):
        doi = normalize_doi(self.cleaned_data["doi"])
        if doi and not is_doi(doi):
            raise ValidationError("Not a DOI: expected something like 10.1145/359545.359563.")
        return doi

    def clean_arxiv_id(self):
        arxiv_id = normalize_arxiv_id(self.cleaned_data["arxiv_id"])
        if arxiv_id and not is_arxiv_id(arxiv_id):
            raise ValidationError("Not an arXiv id: expected something like 1608.06696.")
        return arxiv_id


def _initial(draft: PaperDraft) -> dict:
    fields = draft.citation.paper_fields()
    return {name: fields.get(name) for name in _PAPER_FIELDS}


def paper_add_page(model_admin, request):
    """The “Add a paper” page; a redirect to the saved (or reused) paper once saved."""
    if not request.user.has_perm("meetups.add_paper"):
        raise PermissionDenied
    citation_form = CitationForm(request.POST or None)
    paper_form = None
    draft = None
    if request.method == "POST" and "save" in request.POST:
        citation_form = CitationForm(request.POST)
        paper_form = PaperCheckForm(request.POST, prefix="paper")
        if paper_form.is_valid():
            try:
                paper, created = paper_add(fields=paper_form.cleaned_data)
            except ValidationError as error:
                for field, errors in getattr(error, "error_dict", {"__all__": error}).items():
                    paper_form.add_error(field if field in paper_form.fields else None, errors)
            else:
                if created:
                    text = f"“{paper}” was added to the library."
                else:
                    text = (
                        f"“{paper}” was already in the library: it was kept, "
                        "and only its empty fields were filled in."
                    )
                model_admin.message_user(request, text, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:meetups_paper_change", args=[paper.pk]))
    elif request.method == "POST" and citation_form.is_valid():
        draft = paper_from_citation(text=citation_form.cleaned_data["citation"])
        if not draft.problem:
            paper_form = PaperCheckForm(initial=_initial(draft), prefix="paper")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Add a paper",
        "opts": model_admin.model._meta,
        "citation_form": citation_form,
        "paper_form": paper_form,
        "draft": draft,
        "back_url": reverse("admin:meetups_paper_changelist"),
    }
    return TemplateResponse(request, "meetups/admin/paper_add.html", context)
