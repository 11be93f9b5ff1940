import pytest
from django.template import Context, Template

from meetups.ordinals import ordinal

CASES = {
    0: "0th",
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
def test_english_ordinals(number, expected):
    assert ordinal(number) == expected


def test_template_filter_formats_numbers_and_leaves_anything_else():
    template = Template("{% load meetups %}{{ 21|ordinal }} {{ '112'|ordinal }} {{ 'x'|ordinal }}")
    assert template.render(Context()) == "21st 112th x"


def test_session_is_named_with_its_ordinal(make_session):
    session = make_session(number=20, title="DHT security")
    assert str(session) == "20th Distributed Systems Paper Club"
    assert session.display_title == "20th Distributed Systems Paper Club: DHT security"
