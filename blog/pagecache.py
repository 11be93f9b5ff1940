"""What changes the blog's pages: posts and their authors' names, and scheduled posts going live."""

from django.conf import settings
from django.db.models import Min

from blog.models import Post
from portal.pagecache import PageChanges, register


def next_publication(now):
    """When the next scheduled post goes live, or None."""
    return Post.objects.filter(published_at__gt=now).aggregate(at=Min("published_at"))["at"]


register(
    PageChanges(name="blog", models=(Post, settings.AUTH_USER_MODEL), next_change=next_publication)
)
