"""
The text both engines see: folded the same way, split into the same query words.

Both index text with accents folded in Python (`fold`), and read the same words of
a query (`query_terms`), so they find the same things.
"""

import re
import unicodedata

from portal.markdown import plain_text

MAX_QUERY_LENGTH = 200  # characters of a query that are looked at; the rest is ignored
MAX_TERMS = 10

# Snippets of about this many words are cut by the database with these markers around
# matches, then escaped and turned into <mark>: the text itself is never trusted as
# HTML. They are private-use characters that folding removes from indexed text.
SNIPPET_WORDS = 30
MARK_START, MARK_END, ELLIPSIS = "\ue000", "\ue001", "\ue002"
SENTINELS = frozenset((MARK_START, MARK_END, ELLIPSIS))


def _fold_table() -> dict[int, str]:
    """
    Accented letter → its base letter, one character for one, so folded text keeps
    every character at its place (snippets cut from it map back to the original).
    """
    table = {}
    for codepoint in range(0x00C0, 0x2000):  # Latin, Greek, Cyrillic and their extensions
        char = chr(codepoint)
        if not char.isalpha():
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(part for part in decomposed if not unicodedata.combining(part))
        if len(base) == 1 and base != char and base.isalpha():
            table[codepoint] = base
    # Letters with a stroke have no decomposition but an obvious base letter.
    table.update({ord(char): base for char, base in zip("øØłŁđĐħĦı", "oOlLdDhHi", strict=True)})
    # PostgreSQL's parser takes “<b>” in plain text for markup and leaves it out of
    # snippets; look-alike angle quotes keep it text (and the same length).
    table.update({ord("<"): "\u2039", ord(">"): "\u203a"})
    for reserved in (*SENTINELS, "\x00"):
        table[ord(reserved)] = " "
    return table


FOLD_TABLE = _fold_table()


def fold(text: str) -> str:
    """
    `text` as the engines index it: accents removed (“Crème brûlée” → “Creme
    brulee”), angle brackets and reserved characters replaced, the same length.
    """
    return text.translate(FOLD_TABLE)


# PostgreSQL's English stop words: dropped from queries on both engines, so that
# “the session where we read Raft” asks for “session read Raft” everywhere.
STOP_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "myself",
        "we",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "a",
        "an",
        "the",
        "and",
        "but",
        "if",
        "or",
        "because",
        "as",
        "until",
        "while",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "can",
        "will",
        "just",
        "don",
        "should",
        "now",
    ]
)
_WORD_CHARACTERS = re.compile(r"[^\W_]+")


def query_terms(query: str) -> list[str]:
    """
    The words of `query` worth searching for: folded, without stop words or words
    with no letter or digit, without repeats, at most MAX_TERMS. Each keeps its inner
    punctuation (“1.3”, “e-mail”) so each engine splits it as it split the documents;
    double quotes are dropped since they would end an FTS5 phrase.
    """
    terms = []
    for word in fold(query[:MAX_QUERY_LENGTH]).replace('"', " ").split():
        tokens = _WORD_CHARACTERS.findall(word.lower())
        if not tokens or all(token in STOP_WORDS for token in tokens):
            continue
        if word.lower() not in (term.lower() for term in terms):
            terms.append(word)
    return terms[:MAX_TERMS]


_BLOCKS = "p|div|li|dt|dd|h[1-6]|blockquote|pre|tr|td|th|figcaption|section|article"
_BLOCK_BOUNDARY = re.compile(rf"<(?:/?(?:{_BLOCKS})|br|hr)\b[^>]*>", re.IGNORECASE)


def text_from_html(rendered: str) -> str:
    """
    The words of stored HTML as plain text for the index. Blocks end in a space:
    “<p>Above.</p><p>Consensus</p>” is two words, not the host name
    “Above.Consensus” PostgreSQL's parser would read.
    """
    return plain_text(_BLOCK_BOUNDARY.sub(" ", rendered or ""))
