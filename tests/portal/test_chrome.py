"""
The header, footer and style sheet links are rendered once per process for each
section, staff flag and year (`{% once_per %}`): copies must never show one
visitor's page what belongs to another.
"""

import re

import pytest
from django.template import engines
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def current_links(html: str) -> list[str]:
    nav = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
    return re.findall(r'aria-current="page">(\w+)</a>', nav)


def test_each_section_marks_its_own_link_after_another_section_was_shown(client):
    # Every page after the first of its section reads a copy; each section has its own.
    paths = ["/blog/", "/club/", "/", "/blog/", "/search/", "/"]
    seen = [current_links(client.get(path).content.decode()) for path in paths]
    assert seen == [["Blog"], ["Club"], [], ["Blog"], ["Search"], []]


def test_a_staff_footer_is_never_copied_into_a_visitors_page(client, organizer):
    client.force_login(organizer)
    assert ">Admin</a>" in client.get("/blog/").content.decode()
    client.logout()
    assert ">Admin</a>" not in client.get("/blog/").content.decode()


def test_a_changed_site_name_shows_at_once(client, settings):
    client.get("/blog/")
    settings.SITE_NAME = "Renamed Notes"
    html = client.get("/blog/").content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert "Renamed Notes" in header
    assert 'title="Renamed Notes: everything"' in html


def test_a_copy_is_made_per_value_of_its_arguments():
    page = engines["django"].from_string(
        "{% load portal %}{% once_per colour %}{{ colour }} {{ shape }}{% endonce_per %}"
    )
    request = RequestFactory().get("/")
    assert page.render({"colour": "red", "shape": "square"}, request) == "red square"
    # Only its arguments make a new copy: what else it shows must not vary.
    assert page.render({"colour": "red", "shape": "circle"}, request) == "red square"
    assert page.render({"colour": "blue", "shape": "circle"}, request) == "blue circle"
