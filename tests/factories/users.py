"""The organizer who owns the site, and a client logged in as them."""

import pytest


@pytest.fixture
def organizer(django_user_model):
    return django_user_model.objects.create_superuser(
        username="organizer",
        email="organizer@example.org",
        password="organizer-password",
        first_name="Ada",
        last_name="Example",
    )


@pytest.fixture
def staff_client(client, organizer):
    client.force_login(organizer)
    return client
