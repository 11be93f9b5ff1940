from django import forms

from portal import search


class SearchForm(forms.Form):
    """
    The search box. A query longer than search.MAX_QUERY_LENGTH is cut, not
    refused; NUL characters are refused (CharField's own validator), since no
    database should see them.
    """

    q = forms.CharField(
        label="Search for",
        required=False,
        widget=forms.SearchInput(attrs={"maxlength": search.MAX_QUERY_LENGTH}),
    )
    kind = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Everything")] + [
            (source.kind, source.kind_label_plural) for source in search.sources()
        ]

    def clean_q(self):
        return self.cleaned_data["q"][: search.MAX_QUERY_LENGTH].strip()


class TagSuggestionForm(forms.Form):
    """The word being typed in the admin's tag field (NUL refused, length capped)."""

    q = forms.CharField(max_length=100, required=False)
