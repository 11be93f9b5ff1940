from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template
from django.views.decorators.http import require_safe

from blog.models import Post
from portal.fragments import object_tags, render_keyed, render_once, render_parts, tags_by_pk
from portal.pagination import paginate


def _entries(page) -> list[str]:
    """
    The rendered entries of a page of posts, each cached by everything it shows
    that can change (see portal.fragments): the columns of `entry_keys()` and the
    post's tags. Only posts whose entry is not cached yet are loaded.
    """
    rows = list(page.object_list)
    tags = tags_by_pk(Post, [row.pk for row in rows])

    def load(pks):
        posts = Post.objects.published().select_related("author").in_bulk(pks)
        for pk, post in posts.items():
            post.entry_tags = tags.get(pk, ())  # as read for the version, not asked for again
        return posts

    return render_keyed(
        "blog/post_list.html#post-entry",
        {row.pk: (*row, tags.get(row.pk, ())) for row in rows},
        name="post",
        load=load,
    )


def _archive_html(years: list[int]) -> str:
    """The links to each year's posts beside the list, cached by the years."""
    return render_once(
        "blog/post_list.html#archive", version=tuple(years), context=lambda: {"years": years}
    )


class _Counted:
    """The items of `queryset`, `count` of them, as counted already: the paginator asks no more."""

    def __init__(self, queryset, count: int):
        self.queryset, self._count = queryset, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self.queryset[index]


@require_safe
def post_list(request):
    archive = Post.objects.archive()
    page = paginate(request, _Counted(Post.objects.published().entry_keys(), archive.count))
    return render(
        request,
        "blog/post_list.html",
        {"page": page, "entries": _entries(page), "archive_html": _archive_html(archive.years)},
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
            "entries": _entries(page),
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
