"""
The headers every response carries, whatever answered it: pages, static files,
errors, redirects and refusals. What they promise a visitor: no page of the site
can turn on the camera, microphone or location, and no other site can load what
this one serves into its own pages.
"""

import pytest

from portal.middleware import permissions_policy

pytestmark = pytest.mark.django_db

RESPONSES = {
    "page": ("get", "/", 200),
    "feed": ("get", "/feeds/all.atom", 200),
    "static": ("get", "/static/portal/site.css", 200),
    "not-found": ("get", "/no-such-page/", 404),
    "wrong-method": ("delete", "/", 405),
    "admin-redirect": ("get", "/admin/", 302),
}


@pytest.fixture
def static_files(settings):
    """WhiteNoise serves static files from the apps' folders, as in development."""
    settings.WHITENOISE_USE_FINDERS = True


@pytest.mark.parametrize(("method", "url", "status"), RESPONSES.values(), ids=RESPONSES)
def test_every_response_turns_off_unused_browser_features(
    client, static_files, method, url, status
):
    response = getattr(client, method)(url)
    assert response.status_code == status
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy.split(", ")
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_recording_players_may_still_play_full_screen(client):
    policy = client.get("/")["Permissions-Policy"].split(", ")
    for feature in ("autoplay", "fullscreen", "picture-in-picture"):
        assert (
            f'{feature}=(self "https://www.youtube-nocookie.com" "https://player.vimeo.com")'
            in policy
        )


def test_a_refused_huge_body_carries_them_too(client, settings):
    response = client.post("/search/", {"q": "x" * (settings.PUBLIC_REQUEST_MAX_BYTES + 1)})
    assert response.status_code == 413
    assert "camera=()" in response["Permissions-Policy"]


def test_the_policies_come_from_settings(client, settings):
    settings.PERMISSIONS_POLICY = {"camera": [], "fullscreen": ["self"]}
    settings.CROSS_ORIGIN_RESOURCE_POLICY = "cross-origin"
    response = client.get("/")
    assert response["Permissions-Policy"] == "camera=(), fullscreen=(self)"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_empty_settings_send_no_header(client, settings):
    settings.PERMISSIONS_POLICY = {}
    settings.CROSS_ORIGIN_RESOURCE_POLICY = ""
    response = client.get("/")
    assert "Permissions-Policy" not in response
    assert "Cross-Origin-Resource-Policy" not in response


def test_the_header_syntax():
    assert (
        permissions_policy({"usb": [], "autoplay": ["self", "https://x.org"], "midi": ["*"]})
        == 'usb=(), autoplay=(self "https://x.org"), midi=(*)'
    )
