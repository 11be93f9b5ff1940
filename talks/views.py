import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from taggit.models import TaggedItem

from portal.fragments import (
    object_tags,
    render_keyed_by_key,
    render_once,
    render_parts,
    tags_by_pk,
)
from portal.pagination import PER_PAGE, paginate
from portal.queries import PreparedQuery
from portal.query_text import holds_nul
from talks.models import Talk

_TAG_SLUG = re.compile(r"[-\w]{1,100}")
_EVENT_NAME_MAX_LENGTH = Talk._meta.get_field("event_name").max_length


class _Row(NamedTuple):
    """What the list needs of every talk before it shows a page of them."""

    pk: int
    date: date
    event_name: str
    # The version of its entry (see _entries): updated_at is compared, never read, so
    # it comes as text, not parsed for every talk.
    updated_at: str
    writeup_url: str
    writeup_post_slug: str | None
    writeup_post_published_at: datetime | None


class _PastEntry(NamedTuple):
    year: int
    html: str


# Every published talk's row, read on every visit of the list.
_EVERY_ROW = PreparedQuery(
    lambda now, today: (
        Talk.objects.published(now=now)
        .order_by()
        .annotate(updated_at_text=Cast("updated_at", TextField()))
        .values_list(
            "pk",
            "date",
            "event_name",
            "updated_at_text",
            "writeup_url",
            "writeup_post__slug",
            "writeup_post__published_at",
        )
    )
)

# Every tag of a published talk, with its number of talks: the unfiltered list's tags.
_TAG_COUNTS = PreparedQuery(
    lambda now, today: (
        TaggedItem.objects.filter(
            content_type__app_label=Talk._meta.app_label,
            content_type__model=Talk._meta.model_name,
            object_id__in=Talk.objects.published(now=now).values("pk"),
        )
        .order_by()
        .values_list("tag__slug", "tag__name")
        .annotate(talk_count=Count("pk"))
    )
)


def _event_facets(rows: list[_Row]) -> list[dict]:
    """Every event of `rows`, by name, with its number of talks."""
    counts = Counter(row.event_name for row in rows)
    return [{"event_name": name, "talk_count": counts[name]} for name in sorted(counts)]


@dataclass
class _TagFacet:
    """A tag the list can be narrowed to, with its number of talks."""

    slug: str
    name: str
    talk_count: int
    filter_href: str = ""


def _tag_facets(rows: list[_Row] | None) -> list[_TagFacet]:
    """
    Every tag of the talks of `rows` (None: every published talk), by name, with its
    number of talks. A talk carries a tag once (taggit's unique tagged items).
    """
    if rows is None:
        facets = [_TagFacet(*values) for values in _TAG_COUNTS.rows()]
    else:
        counts, names = Counter(), {}
        for tags in tags_by_pk(Talk, [row.pk for row in rows]).values():
            for tag in tags:
                counts[tag.slug] += 1
                names[tag.slug] = tag.name
        facets = [_TagFacet(slug, name, counts[slug]) for slug, name in names.items()]
    return sorted(facets, key=lambda facet: (facet.name, facet.slug))


def _year_pages(past: list[_Row], per_page: int) -> list[dict]:
    """Each year of `past` (newest first) with the page where its talks begin."""
    years = {}
    for index, row in enumerate(past):
        years.setdefault(row.date.year, {"year": row.date.year, "page": index // per_page + 1})
    return list(years.values())


def _filter_href(filters: dict[str, str | None], **changes: str | None) -> str:
    """The list with `filters` changed by `changes`, on its first page (None drops one)."""
    query = urlencode({name: value for name, value in {**filters, **changes}.items() if value})
    return f"?{query}" if query else reverse("talks:talk_list")


def _versions(rows: list[_Row]) -> dict[int, tuple]:
    """
    The version of each entry of `rows`, by talk: everything it shows that can
    change (see portal.fragments), the talk's updated_at (which a tag's change
    moves too) and its write-up.
    """
    now = timezone.now()
    versions = {}
    for row in rows:
        # The write-up post is linked once published (see Talk.writeup_href).
        published_at = row.writeup_post_published_at
        post_is_published = published_at is not None and published_at <= now
        versions[row.pk] = (
            row.pk,
            row.updated_at,
            row.writeup_url,
            row.writeup_post_slug if post_is_published else None,
        )
    return versions


def _column(upcoming: list[_Row], past: list[_Row], *, is_filtered: bool) -> str:
    """
    The list's upcoming talks and a page of past ones by year, cached by the versions
    of their entries. Each entry is cached on its own too, so a change to one talk
    renders that entry alone; only talks whose entry is not cached are loaded, with
    their tags, and a talk unpublished since its row was read is left out.
    """
    versions = _versions([*upcoming, *past])

    def context():
        entries = render_keyed_by_key(
            "talks/talk_list.html#talk-item",
            versions,
            name="talk",
            load=lambda pks: _with_tags(
                Talk.objects.published().select_related("writeup_post").in_bulk(pks)
            ),
        )
        return {
            "upcoming": [entries[row.pk] for row in upcoming if row.pk in entries],
            "past": [
                _PastEntry(row.date.year, entries[row.pk]) for row in past if row.pk in entries
            ],
            "is_filtered": is_filtered,
        }

    version = (
        tuple(versions[row.pk] for row in upcoming),
        tuple(versions[row.pk] for row in past),
        is_filtered,
    )
    return render_once("talks/talk_list.html#talk-column", version=version, context=context)


def _with_tags(talks: dict[int, Talk]) -> dict[int, Talk]:
    """`talks`, each with `entry_tags`: the tags of all of them read at once."""
    tags = tags_by_pk(Talk, list(talks))
    for pk, talk in talks.items():
        talk.entry_tags = tags.get(pk, ())
    return talks


@require_safe
def talk_list(request):
    """
    Upcoming talks first, then past ones by year, newest first, a page at a time;
    the sidebar links every year to its page. `?tag=` and `?event=` narrow the
    list, and each offers only the values that still match the other filter; a
    value that matches no published talk is a 404, so only real filters are ever
    answered (and followed by crawlers). Two queries, however many talks, once the
    entries are cached: the date, event and entry version of every published talk,
    and their tags with their counts (a filter adds one); then the talks of any entry
    not cached yet, with their tags.
    """
    tag_slug = request.GET.get("tag") or None
    event = request.GET.get("event") or None
    # Checked before any query (see portal.query_text).
    if tag_slug is not None and not _TAG_SLUG.fullmatch(tag_slug):
        raise Http404("Not a tag.")
    if event is not None and (holds_nul(event) or len(event) > _EVENT_NAME_MAX_LENGTH):
        raise Http404("Not an event.")
    every_row = [_Row(*values) for values in _EVERY_ROW.rows()]
    at_event = [row for row in every_row if row.event_name == event] if event else None
    tags = _tag_facets(at_event)
    tag = None
    if tag_slug:
        tag = next((tag for tag in tags if tag.slug == tag_slug), None)
        if tag is None:
            raise Http404("No published talk has this tag (at this event).")
    rows = every_row
    if tag:
        tagged = set(
            TaggedItem.objects.filter(
                content_type__app_label=Talk._meta.app_label,
                content_type__model=Talk._meta.model_name,
                tag__slug=tag.slug,
            ).values_list("object_id", flat=True)
        )
        rows = [row for row in rows if row.pk in tagged]
    events = _event_facets(rows)
    if event:
        if event not in {row["event_name"] for row in events}:
            raise Http404("No published talk was given at this event (with this tag).")
        rows = [row for row in rows if row.event_name == event]

    today = timezone.localdate()
    upcoming = sorted(
        (row for row in rows if row.date >= today), key=lambda row: (row.date, row.pk)
    )
    past = sorted(
        (row for row in rows if row.date < today),
        key=lambda row: (row.date, row.pk),
        reverse=True,
    )
    page = paginate(request, past, per_page=PER_PAGE)
    if page.number > 1:
        upcoming = []
    filters = {"tag": tag.slug if tag else None, "event": event}
    return render(
        request,
        "talks/talk_list.html",
        {
            "column_html": _column(upcoming, page.object_list, is_filtered=bool(tag or event)),
            "page": page,
            "tag": tag,
            "event": event,
            "is_filtered": bool(tag or event),
            "sidebar_html": _sidebar(filters, events, tags, _year_pages(past, PER_PAGE)),
        },
    )


def _sidebar(
    filters: dict, events: list[dict], tags: list[_TagFacet], year_pages: list[dict]
) -> str:
    """The filters beside the list, cached by everything they show."""
    version = (
        tuple(filters.items()),
        tuple((row["event_name"], row["talk_count"]) for row in events),
        tuple((item.slug, item.name, item.talk_count) for item in tags),
        tuple((item["year"], item["page"]) for item in year_pages),
    )

    def context():
        # Links built here: a template tag per link cost more than the list itself.
        for row in events:
            row["href"] = _filter_href(filters, event=row["event_name"])
        for item in tags:
            item.filter_href = _filter_href(filters, tag=item.slug)
        for item in year_pages:
            item["href"] = _filter_href(filters, page=str(item["page"])) + f"#year-{item['year']}"
        return {
            "tag": next((item for item in tags if item.slug == filters["tag"]), None),
            "event": filters["event"],
            "events": events,
            "tags": tags,
            "year_pages": year_pages,
            "all_events_href": _filter_href(filters, event=None),
            "all_tags_href": _filter_href(filters, tag=None),
        }

    return render_once("talks/talk_list.html#filters", version=version, context=context)


_TALK_PARTS = ("description", "meta", "article")


@require_safe
def talk_detail(request, slug):
    talk = get_object_or_404(
        Talk.objects.visible_to(request.user).select_related("writeup_post"), slug=slug
    )
    previous_talk, next_talk = talk.neighbours()

    def context():
        # Read only when the parts are rendered: a change to any of them moves the
        # talk's updated_at (portal.tagging, Talk's links and co-speakers).
        tags = object_tags(talk)
        links, co_speakers = list(talk.links.all()), list(talk.co_speakers.all())
        return {
            "talk": talk,
            "tags": tags,
            "links": links,
            "co_speakers": co_speakers,
            "json_ld": talk.json_ld(co_speakers=co_speakers, tags=tags),
            "previous_talk": previous_talk,
            "next_talk": next_talk,
        }

    if talk.is_published():
        version = (
            talk.pk,
            talk.updated_at,
            talk.published_at,
            talk.is_upcoming(),
            _writeup_version(talk),
            *((other.slug, other.title) if other else None for other in (previous_talk, next_talk)),
            settings.SITE_URL,
        )
        parts = render_parts(
            "talks/talk_detail.html", _TALK_PARTS, version=version, context=context
        )
    else:
        # A draft or a scheduled talk, seen by staff: never kept where visitors read from.
        values = context()
        parts = {
            name: get_template(f"talks/talk_detail.html#{name}").render(values)
            for name in _TALK_PARTS
        }
    return render(request, "talks/talk_detail.html", {"talk": talk, "parts": parts})


def _writeup_version(talk: Talk) -> tuple | None:
    """What a talk's page shows of its write-up post: its address and title, once published."""
    post = talk.published_writeup_post()
    return (post.slug, post.title) if post else None
