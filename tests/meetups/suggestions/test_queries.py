"""The suggestions page costs the same number of queries for one suggestion and for fifty."""

import pytest

from meetups.enums import SuggestionStatus


@pytest.fixture
def page(client, series):
    url = f"/club/{series.slug}/suggestions/"
    client.get(url)  # warm the per-process caches, as on a running server
    return lambda: client.get(url)


def test_the_suggestions_page_is_flat_at_one_and_fifty(
    page, series, make_suggestion, django_assert_num_queries
):
    make_suggestion(votes=1, why="One *good* reason")
    # The series, its open suggestions with their counts, and an open voting round.
    with django_assert_num_queries(3) as one:
        assert page().content.decode().count('class="suggestion"') == 1

    for number in range(49):
        make_suggestion(votes=number % 5, why="Because")
    # Not listed, and not counted either.
    make_suggestion(status=SuggestionStatus.PENDING_APPROVAL)
    make_suggestion(status=SuggestionStatus.REJECTED)
    with django_assert_num_queries(len(one)):
        html = page().content.decode()
    assert html.count('class="suggestion"') == 50


def test_most_votes_first_then_the_oldest(client, series, make_suggestion, make_paper):
    older = make_suggestion(paper=make_paper(title="Older with one"), votes=1)
    newer = make_suggestion(paper=make_paper(title="Newer with one"), votes=1)
    top = make_suggestion(paper=make_paper(title="Newest with three"), votes=3)
    make_suggestion(paper=make_paper(title="Alone"))

    html = client.get(f"/club/{series.slug}/suggestions/").content.decode()

    order = [html.index(title) for title in (top.paper.title, older.paper.title, newer.paper.title)]
    assert order == sorted(order)
    assert html.index("Newer with one") < html.index("Alone")
    assert "4 votes<" in html and "2 votes<" in html and "1 vote<" in html
