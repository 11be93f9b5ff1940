"""Forms of the club's public pages (the admin's live in meetups/admin/forms.py)."""

from django import forms

from meetups.models import Series


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "required": True}),
    )
    # Hidden from people (CSS and aria-hidden); bots that fill every field fill this too.
    # A plain Field, without CharField's length and NUL checks: whatever a bot puts here
    # is thrown away, and must not turn its answer into the form shown again.
    website = forms.Field(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_trap_filled(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class ManageSubscriptionForm(forms.Form):
    series = forms.ModelChoiceField(queryset=Series.objects.all())
    action = forms.ChoiceField(choices=[("subscribe", "Subscribe"), ("unsubscribe", "Unsubscribe")])


class SuggestForm(SubscribeForm):
    """A paper for the series to read, and the suggester's address (which confirms it)."""

    citation = forms.CharField(
        label="The paper: DOI, arXiv id, link or reference",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "required": True}),
        help_text="E.g. “10.1145/359545.359563”, “arXiv:1608.06696”, a link to the paper's page, "
        "or a reference as copied from a bibliography.",
    )
    why = forms.CharField(
        label="Why read it (optional)",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown is fine.",
    )

    field_order = ["citation", "why", "email", "website"]


class _TrapForm(forms.Form):
    """A public form with the honeypot of `SubscribeForm`."""

    website = SubscribeForm.base_fields["website"]

    @property
    def is_trap_filled(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class VoteForm(_TrapForm):
    """A vote on the suggestions page: the address votes, or takes its vote back."""

    email = SubscribeForm.base_fields["email"]
    notify = forms.BooleanField(label="Tell me when it is chosen", required=False)
    action = forms.ChoiceField(
        choices=[("vote", "Vote"), ("withdraw", "Withdraw my vote")], required=False
    )

    def clean_action(self) -> str:
        return self.cleaned_data.get("action") or "vote"


class VoteLinkForm(forms.Form):
    """The button behind a signed vote link."""

    notify = forms.BooleanField(required=False)
    action = forms.ChoiceField(choices=[("vote", "Vote"), ("withdraw", "Withdraw")])


class PresenterClaimForm(_TrapForm):
    """“I'll present this”: who presents, and the address that confirms it."""

    name = forms.CharField(
        label="Your name, as the reading list shows it",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "required": True}),
    )
    email = SubscribeForm.base_fields["email"]


class AttendanceForm(_TrapForm):
    """“I'm coming” on a session page."""

    email = SubscribeForm.base_fields["email"]
    name = forms.CharField(
        label="Your name (optional, only the organizer sees it)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class CancelAttendanceForm(forms.Form):
    """The manage page's button that cancels one RSVP of the page's address."""

    action = forms.ChoiceField(choices=[("cancel-rsvp", "Cancel RSVP")])
    rsvp = forms.CharField(max_length=64)
