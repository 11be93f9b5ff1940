import html

import pytest
from django.utils.html import strip_tags

from blog.models import Post
from portal.markdown import render_markdown

pytestmark = pytest.mark.django_db


def test_admin_pages_load(staff_client, make_post):
    post = make_post(tags=["quic"])
    assert staff_client.get("/admin/blog/post/").status_code == 200
    assert staff_client.get("/admin/blog/post/?status=draft").status_code == 200
    change = staff_client.get(f"/admin/blog/post/{post.pk}/change/")
    assert change.status_code == 200
    assert "markdownx" in change.text  # the editor with live preview
    assert 'class="viewsitelink"' in change.text


def test_add_post_through_the_admin_defaults_author_and_renders_markdown(staff_client, organizer):
    form = staff_client.get("/admin/blog/post/add/")
    assert f'<option value="{organizer.pk}" selected>' in form.text
    response = staff_client.post(
        "/admin/blog/post/add/",
        {
            "title": "From the admin",
            "slug": "from-the-admin",
            "author": organizer.pk,
            "body": "# Hello\n\n<script>x</script>",
            "summary": "",
            "tags": "quic, raft",
            "published_at_0": "",
            "published_at_1": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    post = Post.objects.get(slug="from-the-admin")
    assert "<script" not in post.body_html
    assert sorted(post.tags.names()) == ["quic", "raft"]
    assert not post.is_published()


def test_all_digit_slug_is_refused_next_to_the_field(staff_client, organizer):
    response = staff_client.post(
        "/admin/blog/post/add/",
        {
            "title": "Year",
            "slug": "2024",
            "author": organizer.pk,
            "body": "x",
            "tags": "",
            "published_at_0": "",
            "published_at_1": "",
        },
    )
    assert response.status_code == 200
    assert "clash with the yearly archive" in response.text


def test_publish_and_unpublish_actions(staff_client, make_post):
    draft = make_post(published=False)
    staff_client.post(
        "/admin/blog/post/", {"action": "publish_now", "_selected_action": [draft.pk]}
    )
    assert Post.objects.get(pk=draft.pk).is_published()
    staff_client.post("/admin/blog/post/", {"action": "unpublish", "_selected_action": [draft.pk]})
    assert Post.objects.get(pk=draft.pk).published_at is None


def test_live_preview_is_the_published_rendering(staff_client):
    source = "## Title\n\n```python\nx = 1\n```\n\n<img src=x onerror=alert(1)>"
    response = staff_client.post("/admin-tools/markdown/preview/", {"content": source})
    assert response.status_code == 200
    assert response.text == render_markdown(source)


def test_live_preview_and_upload_are_for_staff_only(client):
    assert client.post("/admin-tools/markdown/preview/", {"content": "x"}).status_code == 302
    assert client.post("/admin-tools/markdown/upload/", {}).status_code == 302


def test_live_preview_without_content_is_a_400(staff_client):
    assert staff_client.post("/admin-tools/markdown/preview/", {}).status_code == 400


def test_image_upload_refuses_svg(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    svg = SimpleUploadedFile("x.svg", b"<svg onload='alert(1)'/>", content_type="image/svg+xml")
    response = staff_client.post(
        "/admin-tools/markdown/upload/",
        {"image": svg},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 400


def test_image_upload_stores_a_real_image_and_answers_with_markdown(staff_client, settings):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buffer, format="PNG")
    png = SimpleUploadedFile("diagram.png", buffer.getvalue(), content_type="image/png")
    response = staff_client.post(
        "/admin-tools/markdown/upload/",
        {"image": png},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    image_code = response.json()["image_code"]
    assert image_code.startswith("![](/media/uploads/") and image_code.endswith(".png)")
    stored = settings.MEDIA_ROOT / image_code.removeprefix("![](/media/").removesuffix(")")
    assert Image.open(stored).size == (40, 20)


def test_the_slug_help_shows_the_address_pattern(staff_client):
    # The admin renders help text as HTML: what the organizer reads is the text left by tags.
    page = staff_client.get("/admin/blog/post/add/").text
    assert "/blog/<slug>/" in html.unescape(strip_tags(page))


def test_the_live_preview_gets_the_published_pages_code_colours(staff_client):
    # The preview's HTML is the page's; without these stylesheets code showed uncoloured
    # and every heading carried a visible "#".
    page = staff_client.get("/admin/blog/post/add/").text
    assert 'href="/static/portal/highlight.css"' in page
    assert 'href="/static/portal/admin-preview.css"' in page
    assert 'class="markdownx-preview"' in page
