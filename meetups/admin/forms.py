"""The forms of the club's admin: session times in the series' zone, and the action pages."""

from datetime import datetime

from django import forms
from django.contrib.admin import widgets
from django.utils import timezone

from meetups.citations import MAX_PASTE_CHARACTERS
from meetups.models import Series, Session
from meetups.zones import NonexistentLocalTime, localize, time_zone_choices


class LocalDateTimeField(forms.SplitDateTimeField):
    """
    A date and a wall-clock time with no zone attached: the session form applies
    the series' zone, not the server's.
    """

    widget = widgets.AdminSplitDateTime

    def compress(self, data_list):
        if not data_list:
            return None
        if data_list[0] in self.empty_values:
            raise forms.ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        if data_list[1] in self.empty_values:
            raise forms.ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return datetime.combine(*data_list)


class SessionAdminForm(forms.ModelForm):
    starts_at = LocalDateTimeField(label="Starts")
    ends_at = LocalDateTimeField(label="Ends")

    class Meta:
        model = Session
        fields = [
            "series",
            "number",
            "title",
            "starts_at",
            "ends_at",
            "description",
            "tags",
            "write_up",
            "venue_name",
            "venue_address",
            "venue_map_url",
            "online_url",
            "status",
            "cancellation_reason",
            "published_at",
            "capacity",
            "rsvps_closed",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        series_field = self.fields.get("series")
        if series_field is not None:
            series_field.label_from_instance = lambda series: f"{series.name} ({series.time_zone})"
        zone_hint = "the series' time zone (shown beside its name)"
        if self.instance.pk:
            zone = self.instance.series.zone
            zone_hint = zone.key
            for name in ("starts_at", "ends_at"):
                local = timezone.localtime(getattr(self.instance, name), zone)
                self.initial[name] = local.replace(tzinfo=None)
        self.fields["starts_at"].help_text = f"Local wall-clock time in {zone_hint}."
        self.fields["ends_at"].help_text = f"Local wall-clock time in {zone_hint}."

    def clean(self):
        cleaned_data = super().clean()
        series = cleaned_data.get("series")
        for name in ("starts_at", "ends_at"):
            naive = cleaned_data.get(name)
            if naive is None:
                continue
            if series is None:
                # Without a series there is no zone to read the time in.
                cleaned_data.pop(name)
                continue
            try:
                cleaned_data[name] = localize(naive, series.zone)
            except NonexistentLocalTime as error:
                self.add_error(name, str(error))
        return cleaned_data


class SeriesAdminForm(forms.ModelForm):
    class Meta:
        model = Series
        fields = [
            "name",
            "slug",
            "description",
            "active",
            "time_zone",
            "cadence_weeks",
            "cadence_weekday",
            "cadence_time",
            "duration_minutes",
            "venue_name",
            "venue_address",
            "venue_map_url",
            "online_url",
            "remind_hours_before",
            "default_capacity",
        ]
        widgets = {"time_zone": forms.Select(choices=time_zone_choices)}


class ScheduleSessionsForm(forms.Form):
    count = forms.IntegerField(
        label="How many sessions",
        min_value=1,
        max_value=52,
        initial=4,
        help_text="Created after each series' latest session, following its cadence.",
    )
    # Drafts by default: a session with only a number and a date is no news yet.
    publish = forms.BooleanField(
        label="Publish them now (they appear on the site and in calendars)",
        required=False,
        initial=False,
        help_text="Leave unticked to fill in topic and reading list first; publish each "
        "session when it is ready.",
    )


class CancelSessionsForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the session page, in feeds and in calendars.",
    )


class CitationsPasteForm(forms.Form):
    citations = forms.CharField(
        label="Citations",
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100, "spellcheck": "false"}),
        help_text="Paste one or many: BibTeX entries, DOIs, arXiv ids, links to a paper's page "
        "(ACM DL, USENIX, IEEE Xplore, Springer, IACR ePrint, arXiv, RFCs) or references "
        "as Google Scholar copies them (MLA, APA, Chicago, Harvard), one per line or "
        "paragraph. Papers already in the library (same DOI, arXiv id, link or title) are "
        "reused.",
    )

    def __init__(self, *args, too_large: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The paste was larger than `too_large` bytes, so the request was not read.
        self.too_large = too_large
        if too_large:
            self.fields["citations"].required = False

    def clean_citations(self):
        if self.too_large:
            raise forms.ValidationError(
                f"This paste is larger than {self.too_large / (1024 * 1024):g} MB and was "
                "not read. Paste fewer citations at a time."
            )
        text = self.cleaned_data["citations"]
        # Checked here rather than with max_length, which browsers enforce by cutting
        # the paste short without a word.
        if len(text) > MAX_PASTE_CHARACTERS:
            raise forms.ValidationError(
                f"This paste is too long ({len(text):,} characters; at most "
                f"{MAX_PASTE_CHARACTERS:,}). Paste fewer citations at a time."
            )
        return text


class AnnounceForm(forms.Form):
    subject = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"size": 90}))
    # One key per preview: sending the same form twice (a double click) announces once.
    request_key = forms.UUIDField(widget=forms.HiddenInput)
    send_again = forms.BooleanField(
        label="Yes, send it to everyone again",
        required=False,
        help_text="This session was announced before: everyone would get a second email.",
    )
