import pytest
from django.core.management import call_command
from taggit.models import Tag

from blog.models import Post
from meetups.mailing import tokens
from meetups.models import Paper, Session, Subscription
from talks.models import Talk

READER = "reader@example.org"


@pytest.fixture
def demo_site(settings, tmp_path):
    """
    The demo content, and one real value for each URL parameter: by pattern name,
    and under "*" those every pattern shares.
    """
    settings.VAR_DIR = tmp_path
    call_command("setup_site", stdout=open("/dev/null", "w"))  # noqa: SIM115
    post = Post.objects.published().first()
    session = Session.objects.published().select_related("series").first()
    series = session.series
    Subscription.objects.create(series=series, email=READER)
    tag = Tag.objects.filter(slug__in=post.tags.values("slug")).first()
    return {
        "post_year": {"year": str(post.published_at.year)},
        "post_detail": {"slug": post.slug},
        "talk_detail": {"slug": Talk.objects.published().first().slug},
        "tag_detail": {"slug": tag.slug},
        "tag_feed_rss": {"slug": tag.slug},
        "tag_feed_atom": {"slug": tag.slug},
        "paper_detail": {"pk": str(Paper.objects.read_in_published_sessions().first().pk)},
        "subscription_confirm": {"token": tokens.confirm_token(series_id=series.pk, email=READER)},
        "subscription_manage": {"token": tokens.manage_token(email=READER)},
        "subscription_unsubscribe": {
            "token": tokens.unsubscribe_token(series_id=series.pk, email=READER)
        },
        # `path` is the uploads' address, there when the app serves them (SERVE_MEDIA).
        "*": {"series": series.slug, "number": str(session.number), "path": "no-such-upload.pdf"},
    }
