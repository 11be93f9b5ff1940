from datetime import date

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template
from django.views.decorators.http import require_safe

from blog.models import Post
from portal.fragments import object_tags, remembered, render_each, render_parts, tags_version
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


_POST_PARTS = ("description", "meta", "article")


@require_safe
def post_detail(request, slug):
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("author"), slug=slug
    )
    tags = object_tags(post)
    previous_post, next_post = post.neighbours()
    context = {"post": post, "tags": tags, "previous_post": previous_post, "next_post": next_post}
    if post.is_published():
        parts = render_parts(
            "blog/post_detail.html",
            _POST_PARTS,
            version=_post_version(post, tags, previous_post, next_post),
            context=lambda: context,
        )
    else:
        # A draft or a scheduled post, seen by staff: never kept where visitors read from.
        parts = {
            name: get_template(f"blog/post_detail.html#{name}").render(context)
            for name in _POST_PARTS
        }
    return render(request, "blog/post_detail.html", {"post": post, "parts": parts})


def _post_version(post: Post, tags, previous_post, next_post) -> tuple:
    """Everything a post's page shows that can change (see portal.fragments)."""
    talks = post.talks.published().values_list("slug", "title", "event_name")
    return (
        post.pk,
        post.updated_at,
        post.published_at,
        post.author_name,
        tags,
        tuple(talks),
        *(
            (neighbour.slug, neighbour.title) if neighbour else None
            for neighbour in (previous_post, next_post)
        ),
        settings.SITE_URL,
    )
