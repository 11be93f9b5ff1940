from datetime import date

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from blog.models import Post
from portal.fragments import remembered, render_each, tags_version
from portal.pagecache import content_generation
from portal.pagination import paginate


def _archive_years(published_count: int) -> list[date]:
    """
    The years with published posts, newest first. SQLite works out a post's year in
    Python, one call per post: the list is kept until the content changes, or until a
    scheduled post goes live (the number of published posts moves).
    """
    return remembered(
        "blog.archive_years",
        version=(content_generation(), published_count, settings.TIME_ZONE),
        compute=lambda: list(Post.objects.published().dates("published_at", "year", order="DESC")),
    )


def _entry_version(post: Post) -> tuple:
    """Everything a post's entry in a list shows that can change (see portal.fragments)."""
    return (
        post.pk,
        post.updated_at,
        post.published_at,
        post.author_name,
        tags_version(post.tags.all()),
    )


def _entries(page) -> list[str]:
    """The rendered entries of a page of posts, each cached by its post."""
    return render_each(
        "blog/post_list.html#post-entry", page.object_list, name="post", version=_entry_version
    )


@require_safe
def post_list(request):
    page = paginate(request, Post.objects.published().for_display())
    return render(
        request,
        "blog/post_list.html",
        {
            "page": page,
            "entries": _entries(page),
            "years": _archive_years(page.paginator.count),
        },
    )


@require_safe
def post_year(request, year):
    year = int(year)
    years = _archive_years(Post.objects.published().count())
    # Checked before filtering: a year lookup on 0000 (or 9999 west of UTC) overflows
    # Python's datetime, and a year without posts is not a page anyway.
    if year not in {archive_year.year for archive_year in years}:
        raise Http404(f"No posts in {year}.")
    posts = Post.objects.published().for_display().filter(published_at__year=year)
    page = paginate(request, posts)
    return render(
        request,
        "blog/post_year.html",
        {"page": page, "entries": _entries(page), "year": year, "years": years},
    )


@require_safe
def post_detail(request, slug):
    post = get_object_or_404(Post.objects.visible_to(request.user).for_display(), slug=slug)
    return render(
        request,
        "blog/post_detail.html",
        {"post": post, "previous_post": post.previous_post(), "next_post": post.next_post()},
    )
