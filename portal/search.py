"""
Site search over everything the apps register: posts, talks, sessions, papers.

Each app contributes a `SearchSource` in its own `<app>/search.py`, found at start-up
by PortalConfig.ready(). Every indexed object has one `SearchDocument`, kept current
by signals as objects (and their tags and related objects) are saved and deleted;
`manage.py rebuild_search_index` rebuilds them all.

The engine follows the database in use, behind one interface (`search()`):

- PostgreSQL: a stored tsvector (title A, tags B, body C) with a GIN index, ranked
  by ts_rank, snippets by ts_headline;
- SQLite: an FTS5 table (porter stemming), ranked by bm25 with column weights,
  snippets by snippet().

Both index the same text with accents folded in Python (`fold`), and see the same
words of a query (`query_terms`), so they find the same things. Documents keep
`published_at`, compared with the time of the search: drafts never match, and a
scheduled item starts matching when its time comes, without re-indexing.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import Count, F, QuerySet, Value
from django.db.models.functions import Left
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.markdown import plain_text
from portal.models import SearchDocument

MAX_QUERY_LENGTH = 200  # characters of a query that are looked at; the rest is ignored
MAX_TERMS = 10
SNIPPET_WORDS = 30
# ts_headline re-reads the whole text of each result shown: cutting snippets from
# the first 10,000 characters bounds a page of long posts to a few milliseconds.
# A match further in still finds the post; its snippet is then its beginning.
POSTGRES_SNIPPET_SOURCE = 10_000
BATCH_SIZE = 500
# PostgreSQL refuses a tsvector over 1 MB; a body this long is well below it.
MAX_BODY_LENGTH = 100_000
POSTGRES_CONFIG = "english"
FTS_TABLE = "portal_searchdocument_fts"
FTS_WEIGHTS = (10.0, 4.0, 1.0)  # title, tags, body
POSTGRES_WEIGHTS = (0.05, 0.2, 0.4, 1.0)  # D, C (body), B (tags), A (title)

# Snippets are cut by the database with these markers around matches, then escaped
# and turned into <mark>: the text itself is never trusted as HTML. They are
# private-use characters that folding removes from indexed text.
MARK_START, MARK_END, ELLIPSIS = "\ue000", "\ue001", "\ue002"
_SENTINELS = frozenset((MARK_START, MARK_END, ELLIPSIS))


# --- folding and query terms ------------------------------------------------------------


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
    for reserved in (*_SENTINELS, "\x00"):
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


# --- sources ------------------------------------------------------------------------------

_BLOCKS = "p|div|li|dt|dd|h[1-6]|blockquote|pre|tr|td|th|figcaption|section|article"
_BLOCK_BOUNDARY = re.compile(rf"<(?:/?(?:{_BLOCKS})|br|hr)\b[^>]*>", re.IGNORECASE)


def text_from_html(rendered: str) -> str:
    """
    The words of stored HTML as plain text for the index. Blocks end in a space:
    “<p>Above.</p><p>Consensus</p>” is two words, not the host name
    “Above.Consensus” PostgreSQL's parser would read.
    """
    return plain_text(_BLOCK_BOUNDARY.sub(" ", rendered or ""))


@dataclass(frozen=True)
class Document:
    """What a source makes of one object: the text to search and how to show a hit."""

    title: str
    url: str
    date: datetime
    published_at: datetime | None  # None: a draft, never found
    body: str = ""  # plain text
    tags: Iterable[str] = ()  # tag names, or other keywords such as a paper's authors
    updated_at: datetime | None = None  # the sitemap's lastmod; `date` if None


class SearchSource:
    """
    One model's contribution to search. Subclass in `<app>/search.py` and register().

    `queryset()` lists every object that may have a document, drafts included (the
    document's `published_at` decides at search time), with what `to_document` needs
    already joined; `to_document` returns None for an object that must not be found.
    """

    model: type[models.Model]
    kind = ""  # "post": stored with each document, a CSS hook
    kind_label = ""  # "Post": what a visitor reads next to a result
    kind_label_plural = ""  # "Posts": the filter on the search page
    # The app's list page ("blog:post_list"), listed in the sitemap.
    listing_url_name: str | None = None
    # Documents whose page belongs in the sitemap.
    in_sitemap = True

    def queryset(self) -> QuerySet:
        return self.model._default_manager.all()

    def to_document(self, obj) -> Document | None:
        raise NotImplementedError

    def depends_on(self) -> dict[type[models.Model], Callable[[models.Model], Iterable[int]]]:
        """
        Other models whose changes change this source's documents, each with a function
        from a changed instance to the primary keys of the objects to re-index.
        Changes to the model's own taggit `tags` are followed without being listed.
        """
        return {}

    def __repr__(self):
        return f"<{type(self).__name__} {self.kind}>"


_sources: dict[str, SearchSource] = {}


def register(source: SearchSource) -> None:
    """Make `source`'s objects searchable and keep their documents current."""
    existing = _sources.get(source.kind)
    if existing is not None:
        if type(existing) is type(source):
            return
        raise ImproperlyConfigured(f"Two search sources for the kind “{source.kind}”.")
    _sources[source.kind] = source
    uid = f"portal.search.{source.kind}"
    post_save.connect(_object_saved, sender=source.model, dispatch_uid=f"{uid}.save")
    post_delete.connect(_object_deleted, sender=source.model, dispatch_uid=f"{uid}.delete")
    for model, affected in source.depends_on().items():
        _connect_dependency(source, model, affected)
    if _has_tags(source.model):
        _connect_tags()


def sources() -> list[SearchSource]:
    return list(_sources.values())


def get_source(kind: str) -> SearchSource | None:
    return _sources.get(kind)


def _sources_for_model(model) -> list[SearchSource]:
    return [source for source in _sources.values() if source.model is model]


def _has_tags(model) -> bool:
    from taggit.managers import TaggableManager

    try:
        return isinstance(model._meta.get_field("tags"), TaggableManager)
    except FieldDoesNotExist:
        return False


# --- keeping documents current ------------------------------------------------------------


def _object_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the objects' relations may not exist yet; rebuild afterwards
        return
    for source in _sources_for_model(sender):
        index_update(source=source, pks=[instance.pk])


def _object_deleted(sender, instance, **kwargs):
    for source in _sources_for_model(sender):
        index_remove(source=source, pks=[instance.pk])


def _connect_dependency(source, model, affected):
    def changed(sender, instance, raw=False, **kwargs):
        if not raw:
            index_update(source=source, pks=list(affected(instance)))

    uid = f"portal.search.{source.kind}.{model._meta.label_lower}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}.save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}.delete")


def _connect_tags():
    from taggit.models import Tag, TaggedItem

    m2m_changed.connect(_tags_changed, sender=TaggedItem, dispatch_uid="portal.search.tags")
    post_save.connect(_tag_renamed, sender=Tag, dispatch_uid="portal.search.tag_renamed")
    post_delete.connect(
        _tagged_item_deleted, sender=TaggedItem, dispatch_uid="portal.search.tag_deleted"
    )


def _tags_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or reverse:
        return
    for source in _sources_for_model(type(instance)):
        index_update(source=source, pks=[instance.pk])


def _tag_renamed(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    for source in _sources.values():
        if _has_tags(source.model):
            pks = source.model._default_manager.filter(tags=instance).values_list("pk", flat=True)
            index_update(source=source, pks=list(pks))


def _tagged_item_deleted(sender, instance, **kwargs):
    # Deleting a tag deletes its TaggedItems one by one; post.tags.remove() goes
    # through m2m_changed instead.
    model = instance.content_type.model_class()
    for source in _sources_for_model(model):
        index_update(source=source, pks=[instance.object_id])


def _document(source: SearchSource, obj) -> SearchDocument | None:
    document = source.to_document(obj)
    if document is None:
        return None
    title = " ".join(document.title.split())[:500]
    body = " ".join(document.body.split())[:MAX_BODY_LENGTH]
    tags = " ".join(" ".join(document.tags).split())
    return SearchDocument(
        kind=source.kind,
        object_id=obj.pk,
        title=title,
        body=body,
        tags=tags,
        url=document.url,
        date=document.date,
        published_at=document.published_at,
        updated_at=document.updated_at or document.date,
        in_sitemap=source.in_sitemap,
        index_title=fold(title),
        index_tags=fold(tags),
        index_body=fold(body),
    )


_WRITTEN_FIELDS = [
    "title",
    "body",
    "tags",
    "url",
    "date",
    "published_at",
    "updated_at",
    "in_sitemap",
    "index_title",
    "index_tags",
    "index_body",
    "search_vector",
]


def _write(source: SearchSource, objects: Iterable, pks: Iterable[int] = ()) -> int:
    """Store the documents of `objects`; remove those of `pks` not among them."""
    documents = [document for obj in objects if (document := _document(source, obj))]
    written = {document.object_id for document in documents}
    gone = [pk for pk in pks if pk not in written]
    if gone:
        SearchDocument.objects.filter(kind=source.kind, object_id__in=gone).delete()
    if documents:
        _engine().prepare(documents)
        SearchDocument.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=_WRITTEN_FIELDS,
            batch_size=BATCH_SIZE,
        )
    return len(documents)


def index_update(*, source: SearchSource, pks: Iterable[int]) -> None:
    """Re-index the objects of `source` with these primary keys (gone ones are removed)."""
    pks = sorted({pk for pk in pks if pk is not None})
    if not pks:
        return
    with transaction.atomic():
        _write(source, source.queryset().filter(pk__in=pks), pks)


def index_remove(*, source: SearchSource, pks: Iterable[int]) -> None:
    SearchDocument.objects.filter(kind=source.kind, object_id__in=list(pks)).delete()


def index_rebuild(
    *,
    kinds: Iterable[str] | None = None,
    progress: Callable[[SearchSource, int, int], None] | None = None,
) -> int:
    """
    Index every object of every source (or of `kinds`) from scratch, in one
    transaction: searches see the old index until the new one is complete.
    `progress(source, done, total)` is called after each batch. Returns the count.
    """
    chosen = [source for source in _sources.values() if kinds is None or source.kind in kinds]
    indexed = 0
    with transaction.atomic():
        _engine().ensure_structures()
        if kinds is None:
            SearchDocument.objects.all().delete()  # also kinds no source answers for any more
        else:
            SearchDocument.objects.filter(kind__in=[s.kind for s in chosen]).delete()
        for source in chosen:
            queryset = source.queryset().order_by("pk")
            total, done, batch = queryset.count(), 0, []
            if progress:
                progress(source, 0, total)
            for obj in queryset.iterator(chunk_size=BATCH_SIZE):
                batch.append(obj)
                if len(batch) == BATCH_SIZE:
                    indexed += _write(source, batch)
                    done, batch = done + len(batch), []
                    if progress:
                        progress(source, done, total)
            if batch:
                indexed += _write(source, batch)
                done += len(batch)
                if progress:
                    progress(source, done, total)
    return indexed


# --- searching ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    kind: str
    kind_label: str
    title: str
    url: str
    date: datetime
    snippet: SafeString


class SearchResults:
    """
    The published documents matching `query`, best first, lazy enough for Django's
    Paginator: one query counts the matches per kind, one query reads a page. An
    empty or unusable query matches nothing and asks the database nothing.
    """

    def __init__(self, query: str, *, kind: str | None = None):
        self.terms = query_terms(query)
        self.kind = kind
        self.now = timezone.now()
        self._counts: dict[str, int] | None = None

    def counts_by_kind(self) -> dict[str, int]:
        """Matches per kind, whatever kind is chosen: {"post": 12, "talk": 3}."""
        if self._counts is None:
            self._counts = _engine().counts(self.terms, now=self.now) if self.terms else {}
        return self._counts

    def count(self) -> int:
        counts = self.counts_by_kind()
        return counts.get(self.kind, 0) if self.kind else sum(counts.values())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key) -> list[SearchResult]:
        if not isinstance(key, slice):
            raise TypeError("SearchResults supports slices only")
        start, stop = key.start or 0, key.stop
        if stop is None:
            stop = self.count()
        if not self.terms or stop <= start:
            return []
        documents = _engine().page(
            self.terms, now=self.now, kind=self.kind, offset=start, limit=stop - start
        )
        return [_result(document) for document in documents]


def search(query: str, *, kind: str | None = None) -> SearchResults:
    """Published documents matching `query` (of one `kind` if given), best first."""
    return SearchResults(query, kind=kind)


def _result(document: SearchDocument) -> SearchResult:
    source = get_source(document.kind)
    marked = _restore_original(document.marked_snippet or "", document.body)
    return SearchResult(
        kind=document.kind,
        kind_label=source.kind_label if source else document.kind.title(),
        title=document.title,
        url=document.url,
        date=document.date,
        snippet=render_snippet(marked),
    )


_WITHOUT_SENTINELS = str.maketrans("", "", MARK_START + MARK_END + ELLIPSIS)


def _restore_original(marked: str, original: str) -> str:
    """
    Engines cut snippets from the folded text; put the original characters back
    (“café”, not “cafe”). Folding keeps every character at its place, so the
    snippet's text sits at the same offset in the original. Left as it is when the
    snippet cannot be found there.
    """
    plain = marked.translate(_WITHOUT_SENTINELS)
    if not plain:
        return marked
    start = fold(original).find(plain)
    if start < 0:
        return marked
    end = start + len(plain)
    originals = iter(original[start:end])
    restored = "".join(char if char in _SENTINELS else next(originals) for char in marked)
    # ts_headline marks no cut; FTS5's snippet() already did.
    if start > 0 and not restored.startswith(ELLIPSIS):
        restored = ELLIPSIS + restored
    if end < len(original) and not restored.endswith(ELLIPSIS):
        restored += ELLIPSIS
    return restored


_SENTINEL_SPLIT = re.compile(f"([{MARK_START}{MARK_END}{ELLIPSIS}])")


def render_snippet(marked: str) -> SafeString:
    """HTML for a snippet with markers: the text escaped, matches in <mark>."""
    parts, inside = [], False
    for piece in _SENTINEL_SPLIT.split(marked):
        if piece == MARK_START:
            if not inside:
                parts.append("<mark>")
                inside = True
        elif piece == MARK_END:
            if inside:
                parts.append("</mark>")
                inside = False
        elif piece == ELLIPSIS:
            parts.append("…")
        else:
            parts.append(escape(piece))
    if inside:
        parts.append("</mark>")
    return mark_safe("".join(parts))


# --- engines ------------------------------------------------------------------------------


class SQLiteEngine:
    """FTS5 over the folded columns; triggers keep it in step with the documents."""

    STRUCTURES = [
        f"""
        CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
            index_title, index_tags, index_body,
            content='portal_searchdocument', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        )
        """,
        f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert
        AFTER INSERT ON portal_searchdocument BEGIN
            INSERT INTO {FTS_TABLE}(rowid, index_title, index_tags, index_body)
            VALUES (new.id, new.index_title, new.index_tags, new.index_body);
        END
        """,
        f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete
        AFTER DELETE ON portal_searchdocument BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, index_title, index_tags, index_body)
            VALUES ('delete', old.id, old.index_title, old.index_tags, old.index_body);
        END
        """,
        f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update
        AFTER UPDATE OF index_title, index_tags, index_body ON portal_searchdocument BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, index_title, index_tags, index_body)
            VALUES ('delete', old.id, old.index_title, old.index_tags, old.index_body);
            INSERT INTO {FTS_TABLE}(rowid, index_title, index_tags, index_body)
            VALUES (new.id, new.index_title, new.index_tags, new.index_body);
        END
        """,
    ]
    TRIGGERS = {f"{FTS_TABLE}_insert", f"{FTS_TABLE}_delete", f"{FTS_TABLE}_update"}

    def ensure_structures(self) -> None:
        """
        Re-create the triggers if a table rebuild dropped them (SQLite migrations
        that alter a table copy it to a new one, without its triggers), then
        re-read the documents into the FTS table.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [SearchDocument._meta.db_table],
            )
            if {row[0] for row in cursor.fetchall()} >= self.TRIGGERS:
                return
            for statement in self.STRUCTURES:
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")

    def prepare(self, documents: list[SearchDocument]) -> None:
        pass  # the triggers copy the folded columns into the FTS table

    @staticmethod
    def match_expression(terms: list[str]) -> str:
        """Every term as a quoted FTS5 phrase, all required: no user syntax gets through."""
        return " ".join(f'"{term}"' for term in terms)

    def _where(self, terms, now, kind):
        sql = (
            f"FROM {FTS_TABLE} JOIN portal_searchdocument document "
            f"ON document.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND document.published_at <= %s"
        )
        params = [self.match_expression(terms), connection.ops.adapt_datetimefield_value(now)]
        if kind:
            sql += " AND document.kind = %s"
            params.append(kind)
        return sql, params

    def counts(self, terms: list[str], *, now: datetime) -> dict[str, int]:
        where, params = self._where(terms, now, None)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT document.kind, COUNT(*) {where} GROUP BY document.kind", params)
            return dict(cursor.fetchall())

    def page(self, terms, *, now, kind, offset, limit) -> list[SearchDocument]:
        where, params = self._where(terms, now, kind)
        weights = ", ".join(str(weight) for weight in FTS_WEIGHTS)
        sql = (
            "SELECT document.id, document.kind, document.title, document.url, document.date, "
            f"document.body, snippet({FTS_TABLE}, 2, %s, %s, %s, {SNIPPET_WORDS}) "
            "AS marked_snippet "
            f"{where} ORDER BY bm25({FTS_TABLE}, {weights}), document.date DESC, document.id DESC "
            "LIMIT %s OFFSET %s"
        )
        params = [MARK_START, MARK_END, ELLIPSIS, *params, limit, offset]
        return list(SearchDocument.objects.raw(sql, params))


class PostgreSQLEngine:
    """A stored tsvector with a GIN index; ts_rank orders, ts_headline cuts snippets."""

    def ensure_structures(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS portal_searchdocument_vector_gin "
                "ON portal_searchdocument USING gin (search_vector) WITH (fastupdate = off)"
            )

    def prepare(self, documents: list[SearchDocument]) -> None:
        """The stored vector, written by the same INSERT … ON CONFLICT as the row."""
        for document in documents:
            document.search_vector = (
                SearchVector(Value(document.index_title), weight="A", config=POSTGRES_CONFIG)
                + SearchVector(Value(document.index_tags), weight="B", config=POSTGRES_CONFIG)
                + SearchVector(Value(document.index_body), weight="C", config=POSTGRES_CONFIG)
            )

    @staticmethod
    def query(terms: list[str]) -> SearchQuery:
        # plainto_tsquery: every word required, no operator of the user's is read.
        return SearchQuery(" ".join(terms), config=POSTGRES_CONFIG, search_type="plain")

    def _matching(self, terms, now):
        return SearchDocument.objects.filter(search_vector=self.query(terms), published_at__lte=now)

    def counts(self, terms: list[str], *, now: datetime) -> dict[str, int]:
        rows = self._matching(terms, now).order_by().values("kind").annotate(count=Count("pk"))
        return {row["kind"]: row["count"] for row in rows}

    def page(self, terms, *, now, kind, offset, limit) -> list[SearchDocument]:
        query = self.query(terms)
        documents = self._matching(terms, now)
        if kind:
            documents = documents.filter(kind=kind)
        documents = (
            documents.annotate(
                rank=SearchRank(F("search_vector"), query, weights=list(POSTGRES_WEIGHTS)),
                marked_snippet=SearchHeadline(
                    Left("index_body", POSTGRES_SNIPPET_SOURCE),
                    query,
                    config=POSTGRES_CONFIG,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                ),
            )
            .only("kind", "title", "url", "date", "body")
            .order_by("-rank", "-date", "-pk")
        )
        return list(documents[offset : offset + limit])


_ENGINES = {"sqlite": SQLiteEngine, "postgresql": PostgreSQLEngine}


def ensure_engine_structures() -> None:
    """Re-create the FTS5 triggers or the GIN index if something dropped them."""
    _engine().ensure_structures()


def _engine():
    try:
        return _ENGINES[connection.vendor]()
    except KeyError:
        raise ImproperlyConfigured(
            f"Site search runs on PostgreSQL or SQLite, not on {connection.vendor}."
        ) from None
