"""The admin of voting rounds: “vote for the next session” until a closing time."""

from django.contrib import admin

from meetups.models import VotingRound


@admin.register(VotingRound)
class VotingRoundAdmin(admin.ModelAdmin):
    list_display = ["series", "opens_at", "closes_at", "is_open"]
    list_filter = ["series"]
    fields = ["series", "opens_at", "closes_at"]

    @admin.display(boolean=True, description="open now")
    def is_open(self, voting_round):
        return voting_round.is_open()
