from django.contrib import admin

from portal.admin import PublicationStatusFilter, PublishableAdmin
from talks.models import CoSpeaker, Talk, TalkLink


class YearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Talk.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


class TalkLinkInline(admin.TabularInline):
    model = TalkLink
    fields = ["label", "url", "position"]
    extra = 1
    verbose_name = "further link"
    verbose_name_plural = "further links (workshop, code, podcast, …), listed by position"


class CoSpeakerInline(admin.TabularInline):
    model = CoSpeaker
    fields = ["name", "url", "position"]
    extra = 0


@admin.register(Talk)
class TalkAdmin(PublishableAdmin):
    list_display = ["title", "event_name", "date", "place", "status", "tag_list"]
    list_filter = [PublicationStatusFilter, YearFilter, "event_name", "tags"]
    search_fields = ["title", "slug", "event_name", "city", "abstract"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["writeup_post"]
    inlines = [TalkLinkInline, CoSpeakerInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "abstract", "tags", "language"]}),
        ("Event", {"fields": ["event_name", "event_url", "date", "city", "is_online"]}),
        (
            "Materials",
            {
                "fields": [
                    "slides_url",
                    "slides_file",
                    "recording_url",
                    "writeup_post",
                    "writeup_url",
                ]
            },
        ),
        ("Publishing", {"fields": ["published_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")
