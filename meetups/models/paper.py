"""A paper in the club's library, and the ordered reading list between sessions and papers."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, Max, OuterRef, Prefetch, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from meetups.enums import PaperKind
from meetups.identifiers import is_arxiv_id, is_doi, normalize_arxiv_id, normalize_doi
from portal.fields import WebURLField, web_url_constraint


def _in_published_session() -> Q:
    """Reading-list entries whose session visitors can see: neither a draft nor scheduled."""
    return Q(session__published_at__isnull=False, session__published_at__lte=timezone.now())


class PaperQuerySet(models.QuerySet):
    def read_in_published_sessions(self):
        """Papers on the reading list of at least one published session."""
        read = ReadingListEntry.objects.filter(_in_published_session(), paper=OuterRef("pk"))
        return self.filter(Exists(read))

    def with_readings(self):
        """With `published_readings`: the published sessions that read each paper, oldest first."""
        entries = (
            ReadingListEntry.objects.filter(_in_published_session())
            .select_related("session__series")
            .order_by("session__starts_at")
        )
        return self.prefetch_related(
            Prefetch("readings", queryset=entries, to_attr="published_readings")
        )

    def matching(self, *, query: str = "", author: str = "", tag: str = ""):
        queryset = self
        if query:
            queryset = queryset.filter(Q(title__icontains=query) | Q(authors__icontains=query))
        if author:
            queryset = queryset.filter(authors__icontains=author)
        if tag:
            tagged = ReadingListEntry.objects.filter(
                _in_published_session(),
                paper=OuterRef("pk"),
                session__tags__slug=tag,
            )
            queryset = queryset.filter(Exists(tagged))
        return queryset


class Paper(models.Model):
    title = models.CharField(max_length=500)
    authors = models.TextField(
        blank=True, help_text="One author per line, first name first: “Diego Ongaro”."
    )
    kind = models.CharField(
        max_length=20,
        choices=PaperKind.choices,
        default=PaperKind.INPROCEEDINGS,
        help_text="Decides how the venue is named in BibTeX (journal, booktitle, …).",
    )
    venue = models.CharField(
        max_length=300, blank=True, help_text="Journal, conference or publisher: “SOSP 2007”."
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1000), MaxValueValidator(2999)]
    )
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        help_text="E.g. 10.1145/359545.359563 (a doi.org link is fine too).",
    )
    arxiv_id = models.CharField(
        "arXiv id", max_length=50, blank=True, help_text="E.g. 1608.06696 (versions are ignored)."
    )
    url = WebURLField("URL", max_length=500, blank=True, help_text="The paper's page.")
    pdf_url = WebURLField("PDF URL", max_length=500, blank=True)
    abstract = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = [Lower("title"), "year"]
        constraints = [
            # DOIs ignore case: 10.1109/ICPADS.2007.4447808 and …/icpads… are one paper.
            models.UniqueConstraint(
                Lower("doi"),
                condition=~Q(doi=""),
                name="meetups_paper_unique_doi",
                violation_error_message="A paper with this DOI is already in the library.",
            ),
            models.UniqueConstraint(
                fields=["arxiv_id"],
                condition=~Q(arxiv_id=""),
                name="meetups_paper_unique_arxiv_id",
                violation_error_message="A paper with this arXiv id is already in the library.",
            ),
            web_url_constraint("url", prefix="meetups_paper"),
            web_url_constraint("pdf_url", prefix="meetups_paper"),
        ]

    def __str__(self):
        year = f" ({self.year})" if self.year else ""
        return f"{self.title}{year}"

    def save(self, *args, **kwargs):
        self.normalize_identifiers()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("papers:paper_detail", kwargs={"pk": self.pk})

    @property
    def author_list(self) -> list[str]:
        return [line.strip() for line in self.authors.splitlines() if line.strip()]

    @property
    def authors_text(self) -> str:
        """“Diego Ongaro and John Ousterhout”, “A, B and C”."""
        names = self.author_list
        if len(names) <= 1:
            return "".join(names)
        return f"{', '.join(names[:-1])} and {names[-1]}"

    @property
    def authors_short(self) -> str:
        """“Ongaro and Ousterhout”, “DeCandia et al.”."""
        surnames = [name.split()[-1] for name in self.author_list if name.split()]
        if len(surnames) > 2:
            return f"{surnames[0]} et al."
        return " and ".join(surnames)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def arxiv_pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def best_url(self) -> str:
        """Where a reader should go first: the DOI, the arXiv page, the paper's page, the PDF."""
        return self.doi_url or self.arxiv_url or self.url or self.pdf_url

    @property
    def venue_text(self) -> str:
        """“SOSP 2007”, “ACM SIGACT News 32(4), 2001”, or just the year."""
        if self.year and str(self.year) not in self.venue:
            return ", ".join(part for part in [self.venue, str(self.year)] if part)
        return self.venue

    @property
    def citation_text(self) -> str:
        """“Diego Ongaro and John Ousterhout. In Search of … USENIX ATC 14, 2014.”."""
        parts = [self.authors_text, self.title, self.venue_text]
        return ". ".join(part.rstrip(".") for part in parts if part) + "."

    def normalize_identifiers(self) -> None:
        """One spelling per DOI and arXiv id, so that one paper is found by either, once."""
        self.doi = normalize_doi(self.doi)
        self.arxiv_id = normalize_arxiv_id(self.arxiv_id)

    def clean(self):
        super().clean()
        self.normalize_identifiers()
        self.authors = "\n".join(self.author_list)
        errors = {}
        if self.doi and not is_doi(self.doi):
            errors["doi"] = "Not a DOI: expected something like 10.1145/359545.359563."
        if self.arxiv_id and not is_arxiv_id(self.arxiv_id):
            errors["arxiv_id"] = "Not an arXiv id: expected something like 1608.06696."
        for field, label in [("doi", "DOI"), ("arxiv_id", "arXiv id")]:
            value = getattr(self, field)
            if value and field not in errors:
                lookup = "doi__iexact" if field == "doi" else field
                other = Paper.objects.filter(**{lookup: value}).exclude(pk=self.pk).first()
                if other is not None:
                    errors[field] = f"“{other.title}” already has this {label}."
        if errors:
            raise ValidationError(errors)

    def json_ld(self) -> dict:
        data = {"@type": "ScholarlyArticle", "name": self.title}
        if self.author_list:
            data["author"] = [{"@type": "Person", "name": name} for name in self.author_list]
        if self.year:
            data["datePublished"] = str(self.year)
        if self.best_url:
            data["url"] = self.best_url
        if self.doi:
            data["identifier"] = self.doi_url
        return data


class ReadingListEntry(models.Model):
    """One paper on a session's reading list, in order, with who presents it."""

    session = models.ForeignKey(
        "meetups.Session", on_delete=models.CASCADE, related_name="reading_list"
    )
    paper = models.ForeignKey(
        Paper,
        on_delete=models.PROTECT,
        related_name="readings",
        help_text="Search by title, author, DOI or arXiv id.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order on the list; 0 puts the paper at the end."
    )
    presenter = models.CharField(max_length=200, blank=True, help_text="Who introduces the paper.")
    note = models.CharField(
        max_length=500, blank=True, help_text="E.g. “sections 1–5 only” or why we read it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Positions are not unique: swapping two in the admin saves one row at a time.
        ordering = ["session_id", "position", "pk"]
        verbose_name = "reading list entry"
        verbose_name_plural = "reading list"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "paper"],
                name="meetups_reading_list_paper_once",
                violation_error_message="This paper is already on the reading list.",
            )
        ]

    def __str__(self):
        return f"{self.session}: {self.paper.title}"

    def save(self, *args, **kwargs):
        if not self.position:
            self.position = next_reading_list_position(
                session_id=self.session_id, exclude_pk=self.pk
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.session.get_absolute_url()


def next_reading_list_position(*, session_id: int, exclude_pk: int | None = None) -> int:
    """
    The position that puts a paper last on a session's reading list: one after
    the highest there (leaving out entry `exclude_pk`), 1 on an empty list.
    """
    highest = (
        ReadingListEntry.objects.filter(session_id=session_id)
        .exclude(pk=exclude_pk)
        .aggregate(highest=Max("position"))["highest"]
    )
    return (highest or 0) + 1
