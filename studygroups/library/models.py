"""The text library: documents as they are read and discussed.

A document is an ordered list of blocks (paragraphs, list items, quotations, captions,
minor headings) grouped into sections. Every block carries a stable anchor (`p-…`) that
is assigned once and never re-numbered, so links, reading ranges and discussion anchors
survive corrections of the text.
"""

import re

from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language_info, pgettext

WORD_RE = re.compile(r"\w+(?:[’'\-]\w+)*", re.UNICODE)


def count_words(text: str) -> int:
    return len(WORD_RE.findall(text or ""))


# Languages written right to left that Django's list of languages does not hold
# (Yiddish, Pashto, Sindhi, Uyghur, Dhivehi, Central Kurdish, Syriac).
RTL_LANGUAGES = {"yi", "ps", "sd", "ug", "dv", "ckb", "syr"}


def reading_minutes_for(words: int, language: str | None = None) -> int:
    """Whole minutes at the reading speed of `language` (READING_WORDS_PER_MINUTE for
    English and unknown languages), at least 1 for any text."""
    from .reading import reading_minutes

    return reading_minutes(words, language)


class Author(models.Model):
    """A person who wrote a text. Organizations are a document's `organization`."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    # Every form of this person's name has this key ("Pyotr Kropotkin", "Kropotkin,
    # Peter", "PETER KROPOTKIN"): `names.person_key`, set on save; the importer finds an
    # author by it (services.authors_get_or_create). Recompute it in a data migration
    # when the rule in names.py changes.
    name_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["name"]
        # Finding an author by name ignores case (services.authors_get_or_create).
        indexes = [models.Index(Upper("name"), name="library_author_name_upper")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from .names import person_key

        self.name_key = person_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)


class Topic(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DocumentQuerySet(models.QuerySet):
    def for_listing(self):
        return self.prefetch_related(
            models.Prefetch(
                "document_authors",
                queryset=DocumentAuthor.objects.select_related("author").order_by("order"),
            ),
            "topics",
        )

    def needing_review(self):
        return self.filter(needs_review=True)

    def search(self, query: str):
        query = (query or "").strip()
        if not query:
            return self
        terms = query.split()
        condition = Q()
        for term in terms:
            condition &= (
                Q(title__icontains=term)
                | Q(subtitle__icontains=term)
                | Q(authors__name__icontains=term)
                | Q(organization__icontains=term)
            )
        return self.filter(condition).distinct()


class Document(models.Model):
    class DatePrecision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    slug = models.SlugField(max_length=320, unique=True)
    needs_review = models.BooleanField(
        default=False,
        db_index=True,
        help_text="Set by the importer when something (often the title) is a guess.",
    )
    review_note = models.CharField(
        max_length=500, blank=True, help_text="What a reviewer should check."
    )
    language = models.CharField(max_length=8, default="en", help_text="ISO 639-1 code.")
    published = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    organization = models.CharField(
        max_length=200, blank=True, help_text="Publishing organization or source."
    )
    venue = models.CharField(
        max_length=300, blank=True, help_text="Where it first appeared (periodical, issue)."
    )
    authors = models.ManyToManyField(
        Author, through="DocumentAuthor", related_name="documents", blank=True
    )
    topics = models.ManyToManyField(Topic, related_name="documents", blank=True)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    reading_minutes = models.PositiveIntegerField(default=0, editable=False)
    text_hash = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text="SHA-256 of the normalized text, for duplicate detection.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    text_changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the text itself (not metadata) last changed."
    )
    text_revision = models.PositiveIntegerField(
        default=1, editable=False, help_text="1 for the first text, +1 on every correction."
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published__isnull=True, date_precision="")
                | Q(published__isnull=False) & ~Q(date_precision=""),
                name="document_date_has_precision",
                violation_error_message="A publication date needs a precision, and "
                "a precision needs a date.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Derived, so no path can leave it stale: the text's words at the speed of its
        # language (services set it too, where they write without save()).
        self.reading_minutes = reading_minutes_for(self.word_count, self.language)
        fields = kwargs.get("update_fields")
        if fields is not None and {"word_count", "language"} & set(fields):
            kwargs["update_fields"] = {*fields, "reading_minutes"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("library:document", kwargs={"slug": self.slug})

    @property
    def ordered_authors(self) -> list[Author]:
        """Authors in byline order; uses the prefetch from `for_listing` when present."""
        return [link.author for link in self.document_authors.all()]

    @property
    def direction(self) -> str:
        """The text's writing direction, "rtl" or "ltr", for the `dir` attribute."""
        try:
            return "rtl" if get_language_info(self.language)["bidi"] else "ltr"
        except KeyError:  # a language Django's list lacks (the importer knows ~60)
            return "rtl" if self.language in RTL_LANGUAGES else "ltr"

    @property
    def reading_time(self) -> int:
        """Whole minutes to read the text at its own language's speed."""
        return reading_minutes_for(self.word_count, self.language)

    @property
    def published_display(self) -> str:
        if not self.published:
            return ""
        if self.date_precision == self.DatePrecision.YEAR:
            return str(self.published.year)
        # Month names and order in the interface's language ("marzo de 1921").
        if self.date_precision == self.DatePrecision.MONTH:
            return date_format(self.published, pgettext("a month of a year", "F Y"))
        return date_format(self.published, pgettext("a day of a month", "j F Y"))


class DocumentAuthor(models.Model):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="document_authors"
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="document_links")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "author"], name="unique_document_author")
        ]

    def __str__(self) -> str:
        return f"{self.author} ({self.order})"


class DocumentSource(models.Model):
    """Where a document's text came from. A duplicate file becomes a second source."""

    class Method(models.TextChoices):
        COMMAND = "command", "import command"
        UPLOAD = "upload", "web upload"
        ADMIN = "admin", "entered in admin"
        DEMO = "demo", "demo content"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sources")
    file_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, db_index=True, help_text="Of the whole file.")
    location = models.CharField(
        max_length=200, blank=True, help_text="Part of the file, e.g. 'lines 12–240'."
    )
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.COMMAND)
    imported_at = models.DateTimeField(auto_now_add=True)
    is_primary = models.BooleanField(
        default=True, help_text="The source the document's text was taken from."
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-is_primary", "imported_at", "pk"]

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.file_name}{where}"


class Section(models.Model):
    """A headed part of a document. Blocks before the first heading have no section."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=500)
    level = models.PositiveSmallIntegerField(default=2)
    order = models.PositiveIntegerField()
    anchor = models.CharField(max_length=40)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "order"], name="unique_section_order"),
            models.UniqueConstraint(fields=["document", "anchor"], name="unique_section_anchor"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=6), name="section_level"),
        ]

    def __str__(self) -> str:
        return self.heading


class Block(models.Model):
    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph", "Paragraph"
        HEADING = "heading", "Heading"
        LIST_ITEM = "list_item", "List item"
        QUOTATION = "quotation", "Quotation"
        CAPTION = "caption", "Caption"
        CODE = "code", "Code"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="blocks")
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="blocks"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PARAGRAPH)
    order = models.PositiveIntegerField()
    anchor = models.CharField(
        max_length=40, help_text="Stable id, e.g. p-3f9a2c; never re-numbered."
    )
    text = models.TextField()
    list_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number of an ordered list item; empty for bullets."
    )
    word_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "order"], name="unique_block_order"),
            models.UniqueConstraint(fields=["document", "anchor"], name="unique_block_anchor"),
        ]

    def __str__(self) -> str:
        return f"{self.anchor}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.word_count = count_words(self.text)
        super().save(*args, **kwargs)


class Note(models.Model):
    """A footnote or endnote of a document, kept out of the body with its marker ("1",
    "[2*]", "†") as the source printed it. Notes are replaced whole when the text is."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="notes")
    order = models.PositiveIntegerField()
    marker = models.CharField(max_length=20, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "order"], name="unique_note_order"),
        ]

    def __str__(self) -> str:
        return f"{self.marker} {self.text[:60]}"


class BlockAlias(models.Model):
    """An anchor that no longer names a block of its own, and the block that now holds its
    text (the paragraph it was merged into). Old links and stored anchors resolve here."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="block_aliases")
    anchor = models.CharField(max_length=40)
    target_anchor = models.CharField(max_length=40)
    revision = models.PositiveIntegerField(help_text="The text revision that made the alias.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "anchor"]
        constraints = [
            models.UniqueConstraint(fields=["document", "anchor"], name="unique_block_alias"),
        ]

    def __str__(self) -> str:
        return f"{self.anchor} → {self.target_anchor}"


class TextRevision(models.Model):
    """One change of a document's text, and what it did to paragraphs and discussions.

    `report` holds the paragraph alignment (kept, moved, edited, split, merged, removed,
    added) and, once discussions have followed the text, what happened to posts."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    source_name = models.CharField(max_length=500, blank=True)
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_text_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.document} revision {self.number}"
