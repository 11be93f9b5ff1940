"""Addresses of the site's URL patterns (walked by portal.routes) with real values."""

from django.utils import timezone
from taggit.models import Tag

from blog.models import Post
from meetups.enums import SuggestionStatus
from meetups.mailing import suggestion_links, tokens, vote_links
from meetups.models import (
    Attendance,
    Paper,
    PresenterClaim,
    ReadingListEntry,
    Session,
    Subscription,
    Suggestion,
    Vote,
)
from portal.routes import fill, public_patterns, url_patterns
from talks.models import Talk

__all__ = ["demo_address", "demo_values", "fill", "public_patterns", "url_patterns"]

READER = "reader@example.org"


def demo_values() -> dict:
    """
    One real value for each URL parameter on the demo content (`setup_site`): by
    pattern name, and under "*" those every pattern shares. A subscription of READER,
    an RSVP, an open suggestion with READER's vote and an offer to present are made for
    the token pages.
    """
    post = Post.objects.published().first()
    session = Session.objects.published().select_related("series").first()
    series = session.series
    reader, _ = Subscription.objects.get_or_create(
        series=series, email=READER, defaults={"status": "confirmed"}
    )
    rsvp, _ = Attendance.objects.get_or_create(session=session, email=READER)
    tag = Tag.objects.filter(slug__in=post.tags.values("slug")).first()
    suggestion, _ = Suggestion.objects.get_or_create(
        series=series,
        paper=Paper.objects.first(),
        defaults={"email": READER, "status": SuggestionStatus.OPEN},
    )
    vote, _ = Vote.objects.get_or_create(suggestion=suggestion, email=READER)
    claim, _ = PresenterClaim.objects.get_or_create(
        suggestion=suggestion, email=READER, defaults={"name": "Reader"}
    )
    open_entry = (
        ReadingListEntry.objects.select_related("session")
        .filter(session__series=series, session__starts_at__gt=timezone.now(), presenter="")
        .filter(
            session__published_at__lte=timezone.now(), session__in=Session.objects.not_cancelled()
        )
        .first()
    )
    return {
        "post_year": {"year": str(post.published_at.year)},
        "post_detail": {"slug": post.slug},
        "talk_detail": {"slug": Talk.objects.published().first().slug},
        "tag_detail": {"slug": tag.slug},
        "tag_feed_rss": {"slug": tag.slug},
        "tag_feed_atom": {"slug": tag.slug},
        "paper_detail": {"pk": str(Paper.objects.read_in_published_sessions().first().pk)},
        "subscription_confirm": {"token": tokens.confirm_token(subscription_id=reader.pk)},
        "subscription_manage": {"token": tokens.manage_token(subscription_id=reader.pk)},
        "subscription_unsubscribe": {"token": tokens.unsubscribe_token(subscription_id=reader.pk)},
        "attendance_confirm": {"token": tokens.rsvp_confirm_token(token=rsvp.token)},
        "attendance_from_announcement": {
            "token": tokens.rsvp_from_announcement_token(
                subscription_id=reader.pk, session_id=session.pk
            )
        },
        "attendance_detail": {"token": rsvp.token},
        "suggestion_confirm": {"token": suggestion_links.confirm_token(vote_token=vote.token)},
        "vote_link": {"token": vote_links.vote_token(suggestion_id=suggestion.pk, email=READER)},
        "claim_confirm": {"token": vote_links.claim_token(claim_id=claim.pk)},
        "vote": {"pk": str(suggestion.pk)},
        "vote_sent": {"pk": str(suggestion.pk)},
        "claim_suggestion": {"pk": str(suggestion.pk)},
        "claim_entry": {"number": str(open_entry.session.number), "entry": str(open_entry.pk)},
        # `path` is the uploads' address, there when the app serves them (SERVE_MEDIA).
        "*": {"series": series.slug, "number": str(session.number), "path": "no-such-upload.pdf"},
    }


def demo_address(demo_site: dict, name: str, format_string: str, params, **values) -> str:
    """
    The address of pattern `name` with the real values of `demo_site` (the fixture
    of tests/portal), or with the `values` given instead.
    """
    return fill(format_string, params, {**demo_site["*"], **demo_site.get(name, {}), **values})
