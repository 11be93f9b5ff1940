"""
The words and addresses that tell what a link in a paper-club post is: the cues of the
sentence around it (read, cited in passing, meant for another time), the headings that
name the readings, link texts that name no title, and the hosts of material that is not
a paper (recordings, slides, notes, code). `readings` applies them.
"""

import re

READING_CUE = re.compile(
    r"\b(?:we(?: also| all| then| first)? (?:read|re-?read|skimmed|discussed|covered|looked at"
    r"|went through|studied|picked|chose)|we(?:'ll| will| are going to|'re going to) "
    r"(?:read|discuss|cover)|this (?:time|week|month|session)|today|"
    r"(?:the|our|two|three|both) (?:papers?|articles?|readings?|chapters?|blog posts?)\b"
    r"|(?:papers?|readings?|reading list)(?: (?:of|for) the \w+)?\s*:|the following"
    r"|for a change)",
    re.IGNORECASE,
)
PASSING_CUE = re.compile(
    r"\b(?:see(?: also)?|cf\.?|builds? on|built on|based on|inspired by|extends|follow-?up"
    r"|related work|earlier|previously|original|came up|in passing|mentioned|compared? (?:to|with)"
    r"|such as|e\.g\.|for example|as in|background)\b",
    re.IGNORECASE,
)
# Says what follows is not this session's reading.
ELSEWHERE_CUE = re.compile(
    r"\b(?:next (?:time|week|session|month)|further reading|more reading|additional reading"
    r"|optional|alternatives?|did(?: not|n't) (?:pick|choose|read)|not (?:picked|chosen)"
    r"|candidates?|suggestions|other (?:papers|options)|see also|related (?:work|papers|reading)"
    r"|background reading|if you want more|homework|for later)\b",
    re.IGNORECASE,
)
READING_HEADING = re.compile(
    r"^(?:the )?(?:references?|bibliography|papers?|readings?|reading list|literature"
    r"|(?:this|today)(?: week| time|'s)*'?s? (?:paper|reading)s?)\W*$",
    re.IGNORECASE,
)
# Link texts that name no title.
GENERIC_LABEL = re.compile(
    r"^(?:here|this|this one|that one|it|this paper|the paper|paper|pdf|the pdf|link|article"
    r"|the article|this article|arxiv|doi|acm|usenix|ieee|download|full text|preprint|html"
    r"|web|online|\[?\d{1,3}\]?)$",
    re.IGNORECASE,
)
# A link's text that names where the paper appeared, not the paper: “USENIX ATC 2010”.
VENUE_LABEL = re.compile(r"^(?:[A-Z][\w&+/-]*\s+){1,4}(?:'\d{2}|\d{4})$")
MATERIAL_HOSTS = {
    "youtube.com": "a recording",
    "youtu.be": "a recording",
    "vimeo.com": "a recording",
    "media.ccc.de": "a recording",
    "speakerdeck.com": "slides",
    "slideshare.net": "slides",
    "slides.com": "slides",
    "github.com": "a GitHub page",
    "gitlab.com": "a GitLab page",
    "twitter.com": "a social-network post",
    "x.com": "a social-network post",
    "mastodon.social": "a social-network post",
    "www.linkedin.com": "a social-network post",  # not engineering.linkedin.com, a blog
    "meetup.com": "the meetup page",
    "zoom.us": "the call",
    "hackmd.io": "the session's notes",
    "notion.so": "the session's notes",
    "etherpad.wikimedia.org": "the session's notes",
    "wikipedia.org": "an encyclopedia page",
}
MATERIAL_WORDS = (
    (re.compile(r"\b(?:slides?|deck)\b", re.I), "slides"),
    (re.compile(r"\b(?:recording|video|talk|watch)\b", re.I), "a recording"),
    (re.compile(r"\b(?:notes|minutes)\b", re.I), "the session's notes"),
    (re.compile(r"^#\d+$|\bissue\b|\bpull request\b", re.I), "an issue"),
    (re.compile(r"\b(?:repo|repository|code|source)\b", re.I), "code"),
    (re.compile(r"\b(?:homepage|home page|website)\b", re.I), "a homepage"),
    (re.compile(r"\b(?:chat|thread|forum)\b", re.I), "a discussion"),
)
PERSON = re.compile(r"^[A-Z][\w'’-]+(?: [A-Z][\w'’.-]+){0,2}$")
FRONT_PAGE = re.compile(r"^/?(?:~[\w.-]+/?)?$")
