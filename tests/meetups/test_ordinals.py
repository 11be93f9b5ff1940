"""Sessions are counted in English ordinals wherever visitors and organizers see them."""

import pytest

# Session numbers start at 1; the teens (11–13, 111–113, …) take "th".
CASES = {
    1: "1st",
    2: "2nd",
    3: "3rd",
    4: "4th",
    10: "10th",
    11: "11th",
    12: "12th",
    13: "13th",
    14: "14th",
    20: "20th",
    21: "21st",
    22: "22nd",
    23: "23rd",
    24: "24th",
    100: "100th",
    101: "101st",
    102: "102nd",
    103: "103rd",
    111: "111th",
    112: "112th",
    113: "113th",
    121: "121st",
    211: "211th",
    1001: "1001st",
    1011: "1011th",
}


@pytest.mark.parametrize(("number", "expected"), CASES.items(), ids=[str(n) for n in CASES])
def test_session_title_counts_in_english_ordinals(make_session, number, expected):
    session = make_session(number=number)
    assert str(session) == f"{expected} Distributed Systems Paper Club"


def test_session_is_named_with_its_ordinal(make_session):
    session = make_session(number=20, title="DHT security")
    assert str(session) == "20th Distributed Systems Paper Club"
    assert session.display_title == "20th Distributed Systems Paper Club: DHT security"


def test_session_page_heading_carries_the_ordinal(client, make_session):
    session = make_session(number=112)
    response = client.get(session.get_absolute_url())
    assert '<h1 class="p-name">112th Distributed Systems Paper Club</h1>' in response.text
