import re

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe
from taggit.models import Tag

from portal.query_text import holds_nul
from talks.models import Talk

_TAG_SLUG = re.compile(r"[-\w]{1,100}")
_EVENT_NAME_MAX_LENGTH = Talk._meta.get_field("event_name").max_length


def _event_facets(talks):
    """Every event of `talks`, by name, with its number of talks."""
    return list(
        talks.order_by()
        .values("event_name")
        .annotate(talk_count=Count("pk"))
        .order_by("event_name")
    )


def _tag_facets(talks):
    """Every tag used by `talks`, by name, with its number of talks."""
    return list(
        Tag.objects.filter(talks__in=talks.order_by().values("pk"))
        .annotate(talk_count=Count("talks", distinct=True))
        .order_by("name")
    )


@require_safe
def talk_list(request):
    """
    Upcoming talks first, then past ones grouped by year. `?tag=` and `?event=`
    narrow the list, and each offers only the values that still match the other
    filter; a value that matches no published talk is a 404, so only real
    filters are ever answered (and followed by crawlers).
    """
    tag_slug = request.GET.get("tag") or None
    event = request.GET.get("event") or None
    # Checked before any query (see portal.query_text).
    if tag_slug is not None and not _TAG_SLUG.fullmatch(tag_slug):
        raise Http404("Not a tag.")
    if event is not None and (holds_nul(event) or len(event) > _EVENT_NAME_MAX_LENGTH):
        raise Http404("Not an event.")
    published = Talk.objects.published()
    tags = _tag_facets(published.filter(event_name=event) if event else published)
    events = _event_facets(published.filter(tags__slug=tag_slug) if tag_slug else published)

    talks = published.for_list().order_by("-date", "-pk")
    tag = None
    if tag_slug:
        tag = next((tag for tag in tags if tag.slug == tag_slug), None)
        if tag is None:
            raise Http404("No published talk has this tag (at this event).")
        talks = talks.filter(tags__slug=tag.slug)
    if event:
        if event not in {row["event_name"] for row in events}:
            raise Http404("No published talk was given at this event (with this tag).")
        talks = talks.filter(event_name=event)

    today = timezone.localdate()
    talks = list(talks)
    return render(
        request,
        "talks/talk_list.html",
        {
            "upcoming": [talk for talk in reversed(talks) if talk.date >= today],
            "past": [talk for talk in talks if talk.date < today],
            "tag": tag,
            "event": event,
            "tags": tags,
            "events": events,
            "is_filtered": bool(tag or event),
        },
    )


@require_safe
def talk_detail(request, slug):
    talk = get_object_or_404(Talk.objects.visible_to(request.user).for_display(), slug=slug)
    return render(
        request,
        "talks/talk_detail.html",
        {"talk": talk, "previous_talk": talk.previous_talk(), "next_talk": talk.next_talk()},
    )
