import pytest

pytestmark = pytest.mark.django_db


def test_suggests_existing_tags_starting_with_the_typed_word(staff_client, make_post):
    make_post(tags=["quic", "QUIC-internals", "queueing", "raft"])
    response = staff_client.get("/admin-tools/tags/", {"q": "qu"})
    assert response.json() == {"tags": ["queueing", "quic", "QUIC-internals"]}
    assert staff_client.get("/admin-tools/tags/", {"q": "QUIC"}).json()["tags"] == [
        "quic",
        "QUIC-internals",
    ]


@pytest.mark.parametrize(
    "query",
    ["", "zzz", "\x00", "x" * 5000, "%", "_"],
    ids=["empty", "none", "nul", "long", "percent", "underscore"],
)
def test_odd_words_get_an_empty_or_plain_answer(staff_client, make_post, query):
    make_post(tags=["quic"])
    response = staff_client.get("/admin-tools/tags/", {"q": query})
    assert response.status_code == 200
    assert response.json() == {"tags": []}


def test_suggestions_are_for_staff_only(client, make_post):
    make_post(tags=["quic"])
    assert client.get("/admin-tools/tags/", {"q": "q"}).status_code == 302


@pytest.mark.parametrize(
    "url", ["/admin/blog/post/add/", "/admin/talks/talk/add/", "/admin/meetups/session/add/"]
)
def test_admin_tag_fields_offer_suggestions(staff_client, url):
    page = staff_client.get(url).text
    assert 'data-tag-suggestions="/admin-tools/tags/"' in page
    assert "portal/admin-tags.js" in page
