"""The admin of offers to present: the organizer approves one, and the reading list names it."""

from django.contrib import admin, messages

from meetups.enums import ClaimStatus
from meetups.models import PresenterClaim
from meetups.services import presenter_claim_approve, presenter_claim_decline


@admin.register(PresenterClaim)
class PresenterClaimAdmin(admin.ModelAdmin):
    list_display = ["name", "paper", "target", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "entry__paper__title", "suggestion__paper__title"]
    list_select_related = [
        "entry__session__series",
        "entry__paper",
        "suggestion__series",
        "suggestion__paper",
    ]
    readonly_fields = ["entry", "suggestion", "email", "status", "created_at", "updated_at"]
    fields = ["name", "email", "entry", "suggestion", "status", "created_at", "updated_at"]
    actions = ["approve", "decline"]

    def lookup_allowed(self, lookup, value, request=None):
        # The desk links one session's waiting offers; a filter of every session would be too long.
        return lookup == "entry__session__id__exact" or super().lookup_allowed(
            lookup, value, request
        )

    def has_add_permission(self, request):
        # Offers come from their presenters, confirmed by email; the organizer edits the entry.
        return False

    @admin.display(description="paper")
    def paper(self, claim):
        return (claim.entry or claim.suggestion).paper.title

    @admin.display(description="for")
    def target(self, claim):
        if claim.entry is not None:
            return claim.entry.session.display_title
        return f"Suggestion ({claim.suggestion.get_status_display().lower()})"

    @admin.action(description="Approve: name them as the presenter")
    def approve(self, request, queryset):
        approved = 0
        for claim in queryset.select_related("entry", "suggestion__accepted_entry"):
            if claim.status != ClaimStatus.PENDING:
                continue
            presenter_claim_approve(claim=claim)
            approved += 1
        skipped = queryset.count() - approved
        messages.success(request, f"{approved} offer(s) approved.")
        if skipped:
            messages.warning(
                request,
                f"{skipped} offer(s) left alone: only confirmed offers waiting for you are approved.",
            )

    @admin.action(description="Decline")
    def decline(self, request, queryset):
        declined = 0
        for claim in queryset.exclude(status=ClaimStatus.DECLINED):
            presenter_claim_decline(claim=claim)
            declined += 1
        messages.success(request, f"{declined} offer(s) declined.")
