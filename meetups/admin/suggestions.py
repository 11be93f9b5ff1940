"""
The organizer's side of suggestions: approve, reject with a reason, merge a
duplicate into another, and accept one into a session's reading list. Each is
an action on the list, run through the suggestion services.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import ngettext

from meetups.admin.pages import intermediate_page
from meetups.enums import SuggestionStatus, VoteStatus
from meetups.models import Session, Suggestion, Vote
from meetups.services import (
    SuggestionNotAllowed,
    suggestion_accept,
    suggestion_approve,
    suggestion_merge,
    suggestion_reject,
)

DECIDABLE = [SuggestionStatus.PENDING_APPROVAL, SuggestionStatus.OPEN]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Emailed to the suggester (if they confirmed the suggestion).",
    )


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label="Merge into",
        queryset=Suggestion.objects.none(),
        help_text="The suggestion that stays; the duplicates' votes move to it, each address once.",
    )

    def __init__(self, *args, series_ids, exclude, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Suggestion.objects.filter(series_id__in=series_ids, status__in=DECIDABLE)
            .exclude(pk__in=exclude)
            .select_related("paper", "series")
            .order_by("paper__title")
        )


class AcceptForm(forms.Form):
    session = forms.ModelChoiceField(
        label="Into the reading list of",
        queryset=Session.objects.none(),
        required=False,
        help_text="A published session of the series, coming up first.",
    )
    schedule_next = forms.BooleanField(
        label="Or schedule the next session with it",
        required=False,
        help_text="A new published session on the series' next slot of its cadence.",
    )

    def __init__(self, *args, series, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.now()
        self.fields["session"].queryset = (
            Session.objects.published()
            .not_cancelled()
            .filter(series=series, ends_at__gt=now)
            .select_related("series")
            .order_by("starts_at")
        )

    def clean(self):
        cleaned_data = super().clean()
        if bool(cleaned_data.get("session")) == bool(cleaned_data.get("schedule_next")):
            raise forms.ValidationError("Choose a session, or schedule the next one: one of both.")
        return cleaned_data


class VoteInline(admin.TabularInline):
    model = Vote
    fields = ["email", "status", "notify", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "votes (only you see the addresses)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["paper", "series", "status", "votes_counted", "created_at", "confirmed_at"]
    list_filter = ["status", "series"]
    list_select_related = ["paper", "series"]
    search_fields = ["paper__title", "paper__authors", "paper__doi", "paper__arxiv_id"]
    inlines = [VoteInline]
    actions = ["approve", "reject", "merge", "accept"]
    fields = [
        "series",
        "paper",
        "status",
        "why",
        "email",
        "reject_reason",
        "merged_into",
        "accepted_session",
        "accepted_entry",
        "created_at",
        "confirmed_at",
        "closed_at",
    ]
    # Every change of state goes through an action: the services keep votes and emails right.
    readonly_fields = fields

    def get_queryset(self, request):
        counted = Count("votes", filter=Q(votes__status=VoteStatus.COUNTED), distinct=True)
        return super().get_queryset(request).annotate(votes_total=counted)

    def has_add_permission(self, request):
        # Suggestions come from the public page, confirmed by their suggester.
        return False

    @admin.display(description="votes", ordering="votes_total")
    def votes_counted(self, suggestion):
        return suggestion.votes_total

    def _each(self, request, queryset, *, done: str, run) -> None:
        count = 0
        for suggestion in queryset:
            try:
                run(suggestion)
            except SuggestionNotAllowed as error:
                self.message_user(request, f"{suggestion.paper}: {error.message}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(
                request,
                f"{done}: " + ngettext("%d suggestion.", "%d suggestions.", count) % count,
                messages.SUCCESS,
            )

    @admin.action(description="Approve selected suggestions (list them for votes)")
    def approve(self, request, queryset):
        self._each(
            request,
            queryset,
            done="Approved",
            run=lambda suggestion: suggestion_approve(suggestion=suggestion),
        )

    @admin.action(description="Reject selected suggestions…")
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(
                request,
                queryset,
                done="Rejected",
                run=lambda suggestion: suggestion_reject(suggestion=suggestion, reason=reason),
            )
            return None
        return intermediate_page(
            self,
            request,
            queryset.select_related("paper", "series"),
            template="meetups/admin/suggestions_reject.html",
            form=form,
            title="Reject suggestions",
            action="reject",
        )

    @admin.action(description="Merge selected duplicates into another suggestion…")
    def merge(self, request, queryset):
        queryset = queryset.select_related("paper", "series")
        form = MergeForm(
            request.POST if "apply" in request.POST else None,
            series_ids={s.series_id for s in queryset},
            exclude=[s.pk for s in queryset],
        )
        if "apply" in request.POST and form.is_valid():
            into = form.cleaned_data["into"]
            self._each(
                request,
                queryset,
                done=f"Merged into “{into.paper}”",
                run=lambda suggestion: suggestion_merge(duplicate=suggestion, into=into),
            )
            return None
        return intermediate_page(
            self,
            request,
            queryset,
            template="meetups/admin/suggestions_merge.html",
            form=form,
            title="Merge duplicate suggestions",
            action="merge",
        )

    @admin.action(description="Accept the selected suggestion into a session…")
    def accept(self, request, queryset):
        queryset = queryset.select_related("paper", "series")
        if queryset.count() != 1:
            self.message_user(
                request, "Accept one suggestion at a time: select just one.", messages.WARNING
            )
            return None
        suggestion = queryset.get()
        form = AcceptForm(
            request.POST if "apply" in request.POST else None, series=suggestion.series
        )
        if "apply" in request.POST and form.is_valid():
            try:
                entry = suggestion_accept(
                    suggestion=suggestion,
                    session=form.cleaned_data["session"],
                    schedule_next=form.cleaned_data["schedule_next"],
                    created_by=request.user,
                )
            except SuggestionNotAllowed as error:
                form.add_error(None, error.message)
            else:
                self.message_user(
                    request,
                    f"“{suggestion.paper}” is on the reading list of the {entry.session}; the "
                    "suggester and the voters who asked to hear are being emailed.",
                    messages.SUCCESS,
                )
                return None
        return intermediate_page(
            self,
            request,
            queryset,
            template="meetups/admin/suggestions_accept.html",
            form=form,
            title="Accept a suggestion into a session",
            action="accept",
        )
