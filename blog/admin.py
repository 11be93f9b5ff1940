from django.contrib import admin

from blog.models import Post
from portal.admin import PublicationStatusFilter, PublishableAdmin


@admin.register(Post)
class PostAdmin(PublishableAdmin):
    list_display = ["title", "status", "published_at", "author", "tag_list"]
    list_filter = [PublicationStatusFilter, "author", "tags"]
    search_fields = ["title", "slug", "summary", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "body"]}),
        ("Listing", {"fields": ["summary", "tags"]}),
        ("Publishing", {"fields": ["published_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author").prefetch_related("tags")

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}
