"""
The site's identity and way around: the profile on the home page, the
navigation, the footer, the icon, and what keyboards and screen readers get.
"""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.markdown import render_markdown
from portal.models import Profile

pytestmark = pytest.mark.django_db


def _png(size=(1200, 900)) -> bytes:
    output = io.BytesIO()
    image = Image.new("RGB", size, "#336699")
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make: what re-encoding must leave behind
    image.save(output, "JPEG", exif=exif)
    return output.getvalue()


def test_the_organizer_sets_up_the_profile_once(staff_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert staff_client.get("/admin/portal/profile/")["Location"] == "/admin/portal/profile/add/"
    response = staff_client.post(
        "/admin/portal/profile/add/",
        {
            "name": "Ada Lovelace",
            "photo": SimpleUploadedFile("me.png", _png(), content_type="image/png"),
            "photo_description": "Ada at the whiteboard",
            "bio": "I write about **distributed systems**.",
            "email": "ada@example.org",
            "links-TOTAL_FORMS": "2",
            "links-INITIAL_FORMS": "0",
            "links-0-label": "Mastodon",
            "links-0-url": "https://mastodon.social/@ada",
            "links-0-position": "1",
            "links-1-label": "GitHub",
            "links-1-url": "https://github.com/ada",
            "links-1-position": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()
    profile = Profile.objects.get()
    # Judged by its content, re-encoded small, its metadata gone.
    with Image.open(profile.photo.path) as stored:
        assert max(stored.size) == 320 and "exif" not in stored.info
    assert staff_client.get("/admin/portal/profile/")["Location"].endswith(
        f"/admin/portal/profile/{profile.pk}/change/"
    )
    assert staff_client.get("/admin/portal/profile/add/").status_code == 403

    html = staff_client.get("/").content.decode()
    block = html[
        html.index('class="profile"') : html.index("</section>", html.index('class="profile"'))
    ]
    assert "Ada Lovelace" in block and "<strong>distributed systems</strong>" in block
    assert 'alt="Ada at the whiteboard" width="96" height="96"' in block
    assert '<a href="https://mastodon.social/@ada" rel="me">Mastodon</a>' in block
    assert '<a href="https://github.com/ada" rel="me">GitHub</a>' in block
    assert '<a href="mailto:ada@example.org">Contact</a>' in block


def test_a_disguised_file_is_no_photo(staff_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = staff_client.post(
        "/admin/portal/profile/add/",
        {
            "name": "Ada",
            "photo": SimpleUploadedFile(
                "me.png", b"<svg onload=alert(1)>", content_type="image/png"
            ),
            "links-TOTAL_FORMS": "0",
            "links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    assert not Profile.objects.exists()


def test_without_a_profile_the_home_page_names_the_site_author(client, settings):
    html = client.get("/").content.decode()
    assert f'id="profile-name">{settings.SITE_AUTHOR}</h2>' in html


def test_every_change_to_the_profile_shows_on_the_next_visit(client, settings):
    """The profile block and the site's schema.org are cached by the profile's version."""
    settings.PAGE_CACHE_SECONDS = 0  # the block's own cache, not the page cache, is tested
    assert "Ada Lovelace" not in client.get("/").text
    profile = Profile.objects.create(name="Ada Lovelace", email="ada@example.org")
    html = client.get("/").text
    assert "Ada Lovelace" in html and '"name": "Ada Lovelace"' in html

    link = profile.links.create(label="Mastodon", url="https://mastodon.social/@ada", position=1)
    html = client.get("/").text
    assert 'rel="me">Mastodon</a>' in html and "https://mastodon.social/@ada" in html
    link.label = "Fediverse"
    link.save()
    assert 'rel="me">Fediverse</a>' in client.get("/").text
    link.delete()
    html = client.get("/").text
    assert "Fediverse" not in html and "https://mastodon.social/@ada" not in html

    profile.name = "Ada King"
    profile.save()
    html = client.get("/").text
    assert "Ada King" in html and '"name": "Ada King"' in html
    profile.delete()
    html = client.get("/").text
    assert "Ada King" not in html and settings.SITE_AUTHOR in html


@pytest.mark.parametrize(
    ("path", "label"),
    [("/search/", "Search"), ("/papers/", "Papers"), ("/blog/", "Blog"), ("/club/", "Club")],
)
def test_the_navigation_marks_where_you_are(client, path, label):
    html = client.get(path).content.decode()
    nav = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
    assert re.findall(r'aria-current="page">(\w+)</a>', nav) == [label]
    assert ">Papers</a>" in nav


def test_the_footer_leads_to_feeds_calendars_and_contact(client):
    html = client.get("/blog/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    for link in [
        'href="/feeds/"',
        'href="/feeds/all.atom"',
        'href="/club/">Calendars',
        'href="/#about">Contact',
    ]:
        assert link in footer


def test_favicon_ico_is_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    with Image.open(io.BytesIO(response.content)) as icon:
        assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


def test_code_blocks_take_the_keyboards_focus():
    html = render_markdown("```\nsome very long line of code\n```\n\n    indented too")
    assert html.count('<pre tabindex="0">') == 2
    # Authors cannot set one themselves.
    assert 'tabindex="5"' not in render_markdown('<p tabindex="5">x</p>')


def test_paper_links_are_named_by_what_they_read(client, make_session, make_paper):
    from meetups.models import ReadingListEntry

    session = make_session(number=20, title="Graphs")
    paper = make_paper(title="Pregel", doi="10.1145/1807167.1807184", arxiv_id="1803.05069")
    ReadingListEntry.objects.create(session=session, paper=paper, position=1)
    html = client.get(session.get_absolute_url()).content.decode()
    links = re.findall(r'<a href="[^"]*arxiv.org/abs/1803.05069">(.*?)</a>', html)
    assert links and all(link.startswith("arXiv:1803.05069<span") for link in links)
    assert 'aria-label="arXiv page' not in html
    assert re.search(r">DOI<span class=\"visually-hidden\"> of Pregel</span></a>", html)


def test_an_address_breaks_between_its_lines(client, make_session, series):
    series.venue_name = "Room 3.14"
    series.venue_address = "Beispielstraße 12\n10999 Berlin"
    series.save()
    session = make_session(number=20, title="Graphs")
    html = client.get(session.get_absolute_url()).content.decode()
    assert (
        'Room 3.14, <span class="address-line">Beispielstraße 12</span>, '
        '<span class="address-line">10999 Berlin</span>'
    ) in html
    assert session.venue_text == "Room 3.14, Beispielstraße 12, 10999 Berlin"


def test_no_list_carries_an_aria_label(client, make_post):
    make_post(title="Tagged", tags=["quic"])
    for path in ["/", "/blog/", "/tags/quic/", "/talks/", "/club/"]:
        html = client.get(path).content.decode()
        assert not re.search(r"<[uo]l[^>]*aria-label", html), path
