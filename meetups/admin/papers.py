"""The admin of the paper library."""

from django.contrib import admin
from django.db.models import Count
from django.urls import path, reverse

from meetups.admin.pages import citations_paste_page, large_posts_reach_the_form
from meetups.admin.paper_add import paper_add_page
from meetups.models import Paper, ReadingListEntry


class ReadingInline(admin.TabularInline):
    model = ReadingListEntry
    fields = ["session", "position", "presenter", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "reading"
    verbose_name_plural = "read in"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    change_list_template = "meetups/admin/paper_change_list.html"
    list_display = ["title", "authors_short", "venue", "year", "identifiers", "reading_count"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "authors", "doi", "arxiv_id", "venue"]
    inlines = [ReadingInline]
    fieldsets = [
        (None, {"fields": ["title", "authors", ("kind", "venue", "year")]}),
        ("Links", {"fields": ["doi", "arxiv_id", "url", "pdf_url"]}),
        (None, {"fields": ["abstract"]}),
    ]

    def get_queryset(self, request):
        # An aggregate drops Meta.ordering; autocomplete pages need a stable order.
        return (
            super()
            .get_queryset(request)
            .annotate(reading_total=Count("readings"))
            .order_by(*Paper._meta.ordering)
        )

    def get_urls(self):
        return [
            path(
                "add-from-citation/",
                self.admin_site.admin_view(self.add_from_citation_view),
                name="meetups_paper_add_from_citation",
            ),
            path(
                "paste-citations/",
                self.admin_site.admin_view(large_posts_reach_the_form(self.paste_citations_view)),
                name="meetups_paper_paste_citations",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="authors")
    def authors_short(self, paper):
        return paper.authors_short

    @admin.display(description="DOI / arXiv")
    def identifiers(self, paper):
        return " · ".join(
            part for part in [paper.doi, paper.arxiv_id and f"arXiv:{paper.arxiv_id}"] if part
        )

    @admin.display(description="read", ordering="reading_total")
    def reading_count(self, paper):
        return paper.reading_total

    def paste_citations_view(self, request):
        return citations_paste_page(
            self,
            request,
            back_url=reverse("admin:meetups_paper_changelist"),
            title="Paste citations into the library",
        )

    def add_from_citation_view(self, request):
        return paper_add_page(self, request)
