from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template
from django.views.decorators.http import require_safe

from blog.models import Post
from portal.fragments import object_tags, render_keyed, render_once, render_parts, tags_by_pk
from portal.pagination import paginate
from portal.queries import PreparedQuery


def _column(page) -> str:
    """
    The entries of a page of posts, cached by their versions as one piece, and each
    on its own by everything it shows that can change (see portal.fragments): the
    columns of `entry_keys()` (a tag's change moves the post's updated_at). Only
    posts whose entry is not cached yet are loaded, with their tags.
    """
    versions = {row[0]: tuple(row) for row in page.object_list}

    def load(pks):
        posts = Post.objects.published().select_related("author").in_bulk(pks)
        tags = tags_by_pk(Post, list(posts))
        for pk, post in posts.items():
            post.entry_tags = tags.get(pk, ())
        return posts

    def context():
        entries = render_keyed("blog/post_list.html#post-entry", versions, name="post", load=load)
        return {"entries": entries}

    return render_once(
        "blog/post_list.html#post-column", version=tuple(versions.values()), context=context
    )


def _archive_html(years: list[int]) -> str:
    """The links to each year's posts beside the list, cached by the years."""
    return render_once(
        "blog/post_list.html#archive", version=tuple(years), context=lambda: {"years": years}
    )


# Every published post's entry key, newest first (see PostQuerySet.entry_keys).
_ENTRY_KEYS = PreparedQuery(lambda now, today: Post.objects.published(now=now).entry_keys())


class _Counted:
    """The published posts' entry keys, `count` of them, as counted already: the paginator asks no more."""

    def __init__(self, count: int):
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice):
        start, stop = index.start or 0, index.stop
        return _ENTRY_KEYS.rows(offset=start, limit=None if stop is None else stop - start)


@require_safe
def post_list(request):
    archive = Post.objects.archive()
    page = paginate(request, _Counted(archive.count))
    return render(
        request,
        "blog/post_list.html",
        {"page": page, "column_html": _column(page), "archive_html": _archive_html(archive.years)},
    )


@require_safe
def post_year(request, year):
    year = int(year)
    years = Post.objects.archive().years
    # Checked before filtering: a year lookup on 0000 (or 9999 west of UTC) overflows
    # Python's datetime, and a year without posts is not a page anyway.
    if year not in years:
        raise Http404(f"No posts in {year}.")
    posts = Post.objects.published().filter(published_at__year=year).entry_keys()
    page = paginate(request, posts)
    return render(
        request,
        "blog/post_year.html",
        {
            "page": page,
            "column_html": _column(page),
            "year": year,
            "archive_html": _archive_html(years),
        },
    )


_POST_PARTS = ("description", "meta", "article")


@require_safe
def post_detail(request, slug):
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("author"), slug=slug
    )
    previous_post, next_post = post.neighbours()

    def context():
        # The tags are read only when the parts are rendered: a tag's change moves the
        # post's updated_at (portal.tagging).
        tags = object_tags(post)
        return {"post": post, "tags": tags, "previous_post": previous_post, "next_post": next_post}

    if post.is_published():
        parts = render_parts(
            "blog/post_detail.html",
            _POST_PARTS,
            version=_post_version(post, previous_post, next_post),
            context=context,
        )
    else:
        # A draft or a scheduled post, seen by staff: never kept where visitors read from.
        values = context()
        parts = {
            name: get_template(f"blog/post_detail.html#{name}").render(values)
            for name in _POST_PARTS
        }
    return render(request, "blog/post_detail.html", {"post": post, "parts": parts})


def _post_version(post: Post, previous_post, next_post) -> tuple:
    """Everything a post's page shows that can change (see portal.fragments)."""
    talks = post.talks.published().values_list("slug", "title", "event_name")
    return (
        post.pk,
        post.updated_at,
        post.published_at,
        post.author_name,
        tuple(talks),
        *(
            (neighbour.slug, neighbour.title) if neighbour else None
            for neighbour in (previous_post, next_post)
        ),
        settings.SITE_URL,
    )
