import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from blog.models import Post

pytestmark = pytest.mark.django_db


def test_first_run_creates_organizer_and_demo_then_later_runs_change_nothing(
    settings, tmp_path, capsys
):
    settings.VAR_DIR = tmp_path
    call_command("setup_site")
    first = capsys.readouterr().out
    assert "Organizer login: organizer / " in first
    password = (tmp_path / "organizer-login.txt").read_text().strip()
    organizer = get_user_model().objects.get(username="organizer")
    assert organizer.is_superuser and organizer.check_password(password)
    posts = Post.objects.count()
    assert posts >= 5
    assert Post.objects.drafts().exists() and Post.objects.scheduled().exists()

    call_command("setup_site")
    second = capsys.readouterr().out
    assert f"Organizer login: organizer / {password}" in second
    assert Post.objects.count() == posts
    assert get_user_model().objects.count() == 1


def test_changed_password_is_not_printed(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("setup_site", "--no-demo")
    organizer = get_user_model().objects.get(username="organizer")
    organizer.set_password("something-else-entirely")
    organizer.save()
    capsys.readouterr()
    call_command("setup_site", "--no-demo")
    assert "password changed since the first run" in capsys.readouterr().out
    assert not Post.objects.exists()


def test_demo_pages_render(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("setup_site")
    for post in Post.objects.published():
        assert client.get(post.get_absolute_url()).status_code == 200


def test_rerender_markdown_updates_stored_html_only_where_it_differs(make_post, capsys):
    from django.core.management import call_command

    stale = make_post(body="Some *emphasis*.")
    fresh = make_post(body="Plain.")
    Post.objects.filter(pk=stale.pk).update(body_html="<p>old renderer output</p>")
    updated_at = Post.objects.get(pk=stale.pk).updated_at

    call_command("rerender_markdown", "--dry-run")
    assert "1 item would change" in capsys.readouterr().out
    assert Post.objects.get(pk=stale.pk).body_html == "<p>old renderer output</p>"

    call_command("rerender_markdown")
    assert "blog.Post: 1 of 2 changed" in capsys.readouterr().out
    stale.refresh_from_db()
    assert stale.body_html == "<p>Some <em>emphasis</em>.</p>"
    # Its page changed: the entries kept per version of the post follow it.
    assert stale.updated_at > updated_at
    fresh_updated_at = fresh.updated_at
    fresh.refresh_from_db()
    assert fresh.body_html == "<p>Plain.</p>" and fresh.updated_at == fresh_updated_at


def test_a_rerendered_post_shows_its_new_html_on_the_next_request(client, make_post, settings):
    from django.core.management import call_command

    settings.PAGE_CACHE_SECONDS = 0  # the post page's own cached parts are what is tested
    post = make_post(body="Some *emphasis*.")
    Post.objects.filter(pk=post.pk).update(body_html="<p>old renderer output</p>")
    assert "old renderer output" in client.get(post.get_absolute_url()).text
    call_command("rerender_markdown")
    html = client.get(post.get_absolute_url()).text
    assert "<em>emphasis</em>" in html and "old renderer output" not in html
