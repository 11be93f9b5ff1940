from blog.models import Post
from portal.timeline import ModelTimelineSource, TimelineEntry, register


class PostTimelineSource(ModelTimelineSource):
    kind = "post"
    kind_label = "Post"
    version_fields = ("updated_at", "author__first_name", "author__last_name", "author__username")

    def timeline_items(self):
        return Post.objects.all()

    def for_entries(self, queryset):
        return queryset.for_display()

    def to_entry(self, post):
        return TimelineEntry(
            kind=self.kind,
            kind_label=self.kind_label,
            title=post.title,
            url=post.get_absolute_url(),
            date=post.published_at,
            updated=post.updated_at,
            excerpt=post.excerpt,
            author=post.author_name,
            content=post.body_html,
            tags=tuple(post.tags.all()),
        )


register(PostTimelineSource())
