"""
A scheduled post or talk that staff preview is rendered for them alone: the parts
kept once per version (portal.fragments) never hand a visitor the preview.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("factory", ["make_post", "make_talk"])
def test_staff_previews_of_scheduled_items_are_never_kept_for_visitors(
    request, staff_client, factory, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the parts' own cache, not the page cache, is tested
    goes_live = timezone.now() + timedelta(hours=1)
    item = request.getfixturevalue(factory)(title="Preview title", published_at=goes_live)
    html = staff_client.get(item.get_absolute_url()).text
    assert "Preview title" in html and "only staff can see this page" in html
    with mock.patch("django.utils.timezone.now", return_value=goes_live + timedelta(seconds=1)):
        html = Client().get(item.get_absolute_url()).text
    assert "Preview title" in html and "only staff can see this page" not in html
    assert 'name="robots" content="noindex"' not in html
