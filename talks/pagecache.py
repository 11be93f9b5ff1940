"""What changes the talks' pages: talks with their links and co-speakers, and time."""

from datetime import datetime, time, timedelta

from django.db.models import Min, Q
from django.utils import timezone

from portal.pagecache import PageChanges, register
from talks.models import CoSpeaker, Talk, TalkLink


def next_change(now):
    """
    The next moment talk pages change by themselves: a scheduled talk goes live, or
    the soonest upcoming talk becomes a past one (at the end of its day, in the
    site's time zone, as `Talk.is_upcoming` sees it).
    """
    found = Talk.objects.aggregate(
        published=Min("published_at", filter=Q(published_at__gt=now)),
        upcoming_day=Min("date", filter=Q(date__gte=timezone.localdate(now))),
    )
    moments = [found["published"]]
    if found["upcoming_day"] is not None:
        day_after = found["upcoming_day"] + timedelta(days=1)
        moments.append(timezone.make_aware(datetime.combine(day_after, time.min)))
    return min((moment for moment in moments if moment is not None), default=None)


register(PageChanges(name="talks", models=(Talk, TalkLink, CoSpeaker), next_change=next_change))
