"""import_hugo run twice, as a dry run, on bad input, with a failing page and on a large site."""

import re
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper
from django.db import DatabaseError

from blog.models import Post
from meetups.models import Paper, ReadingListEntry, Series, Session
from portal.hugo.report import ProgressBar
from portal.models import Redirect
from talks.models import Talk, TalkLink

from .conftest import summary_row as _row

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Post, Talk, TalkLink, Session, Series, Paper, ReadingListEntry, Redirect)
    }


def _media_files(settings):
    root = settings.MEDIA_ROOT
    return (
        sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        if root.exists()
        else []
    )


def test_second_run_changes_nothing_and_duplicates_nothing(quirky_site, run_import, settings):
    first = run_import(quirky_site)
    counts, files = _counts(), _media_files(settings)
    stamps = dict(Post.objects.values_list("slug", "updated_at"))
    second = run_import(quirky_site)
    assert _counts() == counts
    assert _media_files(settings) == files
    assert dict(Post.objects.values_list("slug", "updated_at")) == stamps
    for label in ("posts", "talks", "sessions", "papers", "redirects"):
        total = _row(first, label)[0]
        assert _row(second, label) == [total, 0, 0, total], label
    assert "Paper-club posts go to the series “Distributed Systems Paper Club”" in second
    assert _row(second, "files copied") == [0, 4]


def test_second_run_picks_up_what_changed(quirky_site, run_import, settings):
    run_import(quirky_site)
    counts = _counts()
    consensus = quirky_site.root / "content/post/2019-06-25-consensus.md"
    consensus.write_text(
        consensus.read_text().replace("Consensus in practice", "Consensus, in practice")
    )
    talk = quirky_site.root / "content/post/2019-07-10-talk-raft.md"
    talk.write_text(
        talk.read_text().replace(
            "- [Workshop]", "- [Code](https://github.com/ada/raft)\n- [Workshop]"
        )
    )
    club = quirky_site.root / "content/post/2019-11-28-19th-paper-club.md"
    text = club.read_text()
    first, second = text.index("[1] Guido"), text.index("[2] John")
    club.write_text(text[:first] + text[second:] + "\n" + text[first:second])  # swap the two
    quirky_site.write_bytes("static/x.pdf", b"%PDF-1.4 new slides")

    output = run_import(quirky_site)
    assert _row(output, "posts")[:3] == [4, 0, 1]
    assert _row(output, "talks")[:3] == [3, 0, 1]
    assert _row(output, "sessions")[:3] == [4, 0, 1]
    assert _counts() == {**counts, "TalkLink": counts["TalkLink"] + 1}
    assert Post.objects.get(slug="consensus").title == "Consensus, in practice"
    raft = Talk.objects.get(slug="raft")
    assert [link.label for link in raft.links.all()] == ["Code", "Workshop"]
    assert raft.slides_file.read() == b"%PDF-1.4 new slides"
    assert [paper.title for paper in Session.objects.get(number=19).papers()] == [
        "The Sybil Attack",
        "A Survey of DHT Security Techniques",
    ]
    with default_storage.open("imported/x.pdf", "rb") as stored:
        assert stored.read() == b"%PDF-1.4 new slides"
    # The replaced slides file does not linger beside the new one.
    assert [name for name in _media_files(settings) if name.startswith("talks/")] == [
        raft.slides_file.name
    ]


def test_dry_run_writes_nothing(quirky_site, run_import, settings):
    output = run_import(quirky_site, "--dry-run")
    assert _counts() == dict.fromkeys(_counts(), 0)
    assert _media_files(settings) == []
    assert "Would create the series" in output
    assert _row(output, "posts") == [4, 4, 0, 0]
    assert _row(output, "sessions") == [4, 4, 0, 0]
    assert _row(output, "files to copy") == [4]
    assert "content/post/broken.md: the front matter is not valid YAML" in output
    assert "Dry run: nothing was written and no file was copied." in output
    # A dry run names each page and where it would go.
    assert re.search(r"content/post/2019-07-10-talk-raft\.md +talk +new +/talks/raft/", output)
    assert re.search(r"content/about\.md +post +new +/blog/about/", output)


def test_verbose_runs_list_each_page_too(quirky_site, run_import):
    run_import(quirky_site)
    output = run_import(quirky_site, "--verbosity", "2")
    assert re.search(
        r"content/post/2019-11-28-19th-paper-club\.md +session +unchanged +/club/", output
    )
    assert "/talks/raft/" not in run_import(quirky_site)


def test_a_page_that_fails_half_way_leaves_nothing(quirky_site, run_import, settings, monkeypatch):
    original = TalkLink.objects.bulk_create

    def failing(objects, *args, **kwargs):
        objects = list(objects)
        if any(link.talk.slug == "raft" for link in objects):
            raise DatabaseError("the disk is full")
        return original(objects, *args, **kwargs)

    monkeypatch.setattr(TalkLink.objects, "bulk_create", failing)
    output = run_import(quirky_site)
    assert "content/post/2019-07-10-talk-raft.md: the disk is full" in output
    assert not Talk.objects.filter(slug="raft").exists()
    assert not Redirect.objects.filter(new_path="/talks/raft/").exists()
    assert "talks/slides/2019/raft.pdf" not in _media_files(settings)
    assert Talk.objects.filter(slug="kafka").exists()  # the other pages are in
    assert _row(output, "talks")[0] == 2
    assert _row(output, "skipped") == [3]


def test_a_session_that_fails_keeps_no_papers(quirky_site, run_import, monkeypatch):
    original = ReadingListEntry.objects.create

    def failing(**fields):
        if fields["session"].number == 28:
            raise DatabaseError("connection lost")
        return original(**fields)

    monkeypatch.setattr(ReadingListEntry.objects, "create", failing)
    output = run_import(quirky_site)
    assert "content/post/2020-02-06-28th-paper-club.md: connection lost" in output
    assert not Session.objects.filter(number=28).exists()
    assert not Paper.objects.filter(title__startswith="Dynamo").exists()
    assert Session.objects.count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{missing}"], "does not exist"),
        (["{empty}"], "has no content/ folder: is it a Hugo site?"),
        (["{site}", "--author", "nobody"], "There is no user “nobody”"),
    ],
    ids=["no-such-folder", "no-content", "unknown-author"],
)
def test_clear_errors(tmp_path, organizer, hugo_site, args, message):
    site = hugo_site()
    (tmp_path / "empty").mkdir()
    paths = {"missing": tmp_path / "missing", "empty": tmp_path / "empty", "site": site.root}
    with pytest.raises(CommandError, match=message):
        call_command("import_hugo", *[arg.format(**paths) for arg in args], stdout=StringIO())


def test_a_wrong_folder_is_named_before_a_missing_author(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_hugo", str(tmp_path / "typo"), stdout=StringIO())


def test_without_a_superuser_the_author_is_required(hugo_site):
    with pytest.raises(CommandError, match="--author"):
        call_command("import_hugo", str(hugo_site().root), stdout=StringIO())


def test_the_author_option(hugo_site, run_import, django_user_model):
    writer = django_user_model.objects.create_user(username="writer")
    site = hugo_site()
    site.write("content/post/a.md", "---\ntitle: A\ndate: 2020-01-01\n---\nText.\n")
    run_import(site, "--author", "writer")
    assert Post.objects.get().author == writer


def _club_site(hugo_site):
    site = hugo_site()
    site.write(
        "content/post/a.md",
        "---\ntitle: 3rd Paper Club\ndate: 2020-01-07\ntags: [paper]\n---\nHi.\n",
    )
    return site


def test_an_existing_series_is_found_by_slug_or_name(hugo_site, run_import):
    series = Series.objects.create(name="Systems Reading Group", slug="srg")
    other = Series.objects.create(name="Other club", slug="other")
    site = _club_site(hugo_site)
    with pytest.raises(CommandError, match="several series"):
        run_import(site)
    output = run_import(site, "--series", "systems reading group")
    assert Session.objects.get().series == series
    assert "go to the series “Systems Reading Group”" in output
    run_import(site, "--series", "other")
    assert other.sessions.count() == 1
    assert Series.objects.count() == 2


def test_a_new_series_from_a_slug_is_named_after_the_club(hugo_site, run_import):
    output = run_import(_club_site(hugo_site), "--series", "club")
    series = Series.objects.get()
    assert (series.slug, series.name) == ("club", "Paper Club")
    assert series.cadence_weekday == 1  # 2020-01-07 was a Tuesday
    assert "Created the series “Paper Club” (/club/club/)" in output


def test_two_posts_with_one_session_number(hugo_site, run_import):
    site = _club_site(hugo_site)
    site.write(
        "content/post/b.md", "---\ntitle: 3rd Paper Club\ndate: 2020-01-21\ntags: [paper]\n---\n"
    )
    output = run_import(site)
    assert "content/post/b.md: session number 3 is already taken by content/post/a.md." in output
    assert Session.objects.count() == 1


def test_two_posts_with_one_slug_both_arrive(hugo_site, run_import):
    site = hugo_site()
    site.write(
        "content/post/2019-01-01-notes.md", "---\ntitle: Notes\ndate: 2019-01-01\n---\nOld.\n"
    )
    site.write(
        "content/post/2020-01-01-notes.md", "---\ntitle: Notes\ndate: 2020-01-01\n---\nNew.\n"
    )
    run_import(site)
    assert sorted(Post.objects.values_list("slug", flat=True)) == ["2020-01-01-notes", "notes"]
    run_import(site)
    assert Post.objects.count() == 2


def test_progress_on_a_terminal_redraws_one_line():
    stream = StringIO()
    bar = ProgressBar(OutputWrapper(stream), is_terminal=True)
    bar(1, 4, "content/post/a.md")
    bar(4, 4, "content/post/d.md")
    bar.finish()
    output = stream.getvalue()
    assert output.count("\r") == 2
    assert output.count("\n") == 1
    assert "[######..................] 1/4 content/post/a.md" in output
    assert "[########################] 4/4 content/post/d.md" in output


def test_progress_in_a_log_is_plain_lines(hugo_site, run_import):
    site = hugo_site()
    for number in range(25):
        site.write(
            f"content/post/p{number}.md", f"---\ntitle: P{number}\ndate: 2020-01-01\n---\nText.\n"
        )
    output = run_import(site)
    assert "\r" not in output
    assert [line for line in output.splitlines() if "files done" in line] == [
        "10/25 files done",
        "20/25 files done",
        "25/25 files done",
    ]


def _large_site(site, *, pages=100):
    site.write("config.toml", 'baseURL = "https://ada.example.org/"\n')
    site.write_bytes("static/slides.pdf", b"%PDF-1.4 slides")
    for number in range(1, pages + 1):
        day = f"20{10 + number // 12:02d}-{number % 12 + 1:02d}-{number % 27 + 1:02d}"
        if number % 5 == 0:
            title, tags = f'Talk "Talk number {number}" @Conf {number}', "[talk]"
            body = f"Abstract {number}.\n\n- [Recording](https://www.youtube.com/watch?v=v{number})\n- [Slides](/slides.pdf)\n"
        elif number % 5 == 1:
            title, tags = f"{number}th Distributed Systems Paper Club - Topic {number}", "[paper]"
            body = (
                f'Write-up {number}.\n\n---\n\n[1] A. Author, "Paper {number}." Conf. 2019.\n'
                f'https://doi.org/10.1000/paper.{number}\n\n[2] B. Author, "Classic." Journal. 1990.\n'
            )
        else:
            title, tags = f"Post number {number}", "[notes, go]"
            body = f"Post {number} links to [the first](/post/p1/) and <sup>{number}</sup>.\n" * 5
        site.write(
            f"content/post/p{number}.md",
            f"---\ntitle: '{title}'\ndate: {day}\ntags: {tags}\naliases: [/old/{number}/]\n---\n{body}",
        )
    return site


def test_a_hundred_files_import_and_a_second_run_changes_nothing(hugo_site, run_import):
    site = _large_site(hugo_site())
    output = run_import(site)
    assert _row(output, "posts")[0] == 60
    assert _row(output, "talks")[0] == 20
    assert _row(output, "sessions")[0] == 20
    assert _row(output, "skipped") == [0]
    again = run_import(site)
    assert _row(again, "posts") == [60, 0, 0, 60]
    assert _row(again, "talks") == [20, 0, 0, 20]
    assert _row(again, "sessions") == [20, 0, 0, 20]


def test_corrections_made_in_the_admin_survive_a_second_run(quirky_site, run_import):
    run_import(quirky_site)
    tracing = Talk.objects.get(slug="tracing")
    tracing.event_name, tracing.city = "QCon London", "London, UK"
    tracing.save()
    session = Session.objects.get(number=19)
    earlier = session.starts_at.replace(hour=17, minute=30)  # 18:30 in Berlin, same day
    session.starts_at, session.ends_at = earlier, earlier + session.series.duration
    session.save()

    output = run_import(quirky_site)
    tracing.refresh_from_db()
    assert (tracing.event_name, tracing.city) == ("QCon London", "London, UK")
    assert Session.objects.get(number=19).starts_at == earlier
    assert "the title names no venue" not in output
    assert _row(output, "talks") == [3, 0, 0, 3]
    assert _row(output, "sessions") == [4, 0, 0, 4]


def test_a_page_bundle_brings_its_own_files(hugo_site, run_import, settings):
    site = hugo_site()
    site.write(
        "content/post/trip/index.md",
        "---\ntitle: The trip\ndate: 2022-04-29\n---\n![Photo](photo.png) and [gone](/missing.pdf).\n",
    )
    site.write_bytes("content/post/trip/photo.png", b"\x89PNG fake")
    output = run_import(site)
    post = Post.objects.get(slug="trip")
    assert post.body == "![Photo](/media/imported/post/trip/photo.png) and [gone](/missing.pdf).\n"
    assert _media_files(settings) == ["imported/post/trip/photo.png"]
    assert "the link to /missing.pdf is neither an imported page nor a file in static/" in output
    assert Redirect.objects.get(old_path="/post/trip/").new_path == "/blog/trip/"
