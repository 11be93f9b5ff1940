"""Posts, published an hour apart unless told otherwise."""

from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

_sequence = count(1)


@pytest.fixture
def make_post(organizer):
    """Factory: make_post(title=..., published_at=..., tags=[...], **fields) → a saved Post."""
    from blog.models import Post

    def factory(*, tags=(), published=True, **fields):
        number = next(_sequence)
        fields.setdefault("title", f"Post number {number}")
        fields.setdefault("slug", f"post-{number}")
        fields.setdefault("author", organizer)
        fields.setdefault("body", f"First paragraph of post {number}.\n\nSecond paragraph.")
        if published and "published_at" not in fields:
            fields["published_at"] = timezone.now() - timedelta(hours=number)
        post = Post.objects.create(**fields)
        if tags:
            post.tags.set(list(tags))
        return post

    return factory
