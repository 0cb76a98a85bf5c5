"""Reading series: curricula of ordered units, each with readings and discussion questions.

A reading is a whole document or a range of its blocks chosen by anchor, so it survives a
corrected re-import of the text.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import (
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from studygroups.library.models import reading_minutes_for
from studygroups.library.reading import minutes_per_word, whole_minutes


class CurriculumQuerySet(models.QuerySet):
    def published_public(self):
        return self.filter(
            status=Curriculum.Status.PUBLISHED, visibility=Curriculum.Visibility.PUBLIC
        )

    def search(self, query: str):
        """Every word must appear in the title, summary or audience."""
        condition = Q()
        for term in (query or "").split():
            condition &= (
                Q(title__icontains=term) | Q(summary__icontains=term) | Q(audience__icontains=term)
            )
        return self.filter(condition)

    def owned_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(owners=user)

    def with_totals(self):
        """Annotate unit count, required/optional words and their exact reading minutes
        (each reading at its text's language's speed), each as one subquery."""
        readings = Reading.objects.filter(unit__curriculum=OuterRef("pk"))
        required, optional = readings.filter(required=True), readings.filter(required=False)
        return self.annotate(
            unit_count=_count_subquery(Unit.objects.filter(curriculum=OuterRef("pk"))),
            required_words=_words_subquery(required, "unit__curriculum"),
            optional_words=_words_subquery(optional, "unit__curriculum"),
            required_exact_minutes=_minutes_subquery(required, "unit__curriculum"),
            optional_exact_minutes=_minutes_subquery(optional, "unit__curriculum"),
        )


def _words_subquery(readings, group_by: str):
    total = readings.order_by().values(group_by).annotate(total=Sum("word_count")).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def _minutes_subquery(readings, group_by: str):
    """Exact minutes of the readings, each word at its document's language's speed (a
    reading whose document is gone counts at the default speed)."""
    total = (
        readings.order_by()
        .values(group_by)
        .annotate(total=Sum(F("word_count") * minutes_per_word("document__language")))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=FloatField()), Value(0.0))


def _count_subquery(queryset):
    total = (
        queryset.order_by()
        .annotate(one=Value(1, output_field=IntegerField()))
        .values("one")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


class Curriculum(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: listed in the reading-series library")
        PRIVATE = "private", _("Private: owners and the groups using it")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.TextField(blank=True)
    audience = models.CharField(max_length=300, blank=True, help_text=_("Who it is for."))
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="curricula_owned")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    target_unit_minutes = models.PositiveIntegerField(
        default=60, help_text=_("Warn when a unit's required reading takes longer than this.")
    )
    forked_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="forks"
    )
    forked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    share_notes_with_groups = models.BooleanField(
        default=False,
        help_text=_(
            "Show the facilitator notes to the organizers and facilitators of groups "
            "that follow this series. Off: only the owners see them."
        ),
    )

    objects = CurriculumQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = _("curricula")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("curricula:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def required_minutes(self) -> int:
        """Needs `with_totals()`."""
        return whole_minutes(self.required_exact_minutes)

    @property
    def optional_minutes(self) -> int:
        return whole_minutes(self.optional_exact_minutes)


class UnitQuerySet(models.QuerySet):
    def with_totals(self):
        """Required and optional words, their exact reading minutes and the question
        count, by aggregation in SQL."""
        readings = Reading.objects.filter(unit=OuterRef("pk"))
        required, optional = readings.filter(required=True), readings.filter(required=False)
        return self.annotate(
            required_words=_words_subquery(required, "unit"),
            optional_words=_words_subquery(optional, "unit"),
            required_exact_minutes=_minutes_subquery(required, "unit"),
            optional_exact_minutes=_minutes_subquery(optional, "unit"),
            question_count=_count_subquery(DiscussionQuestion.objects.filter(unit=OuterRef("pk"))),
        )


class Unit(models.Model):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="units")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    learning_goals = models.TextField(blank=True)
    facilitator_notes = models.TextField(
        blank=True, help_text=_("Visible to organizers and facilitators only.")
    )
    copied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text=_("The unit of the original series this one was forked from."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["curriculum", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("curricula:unit", kwargs={"slug": self.curriculum.slug, "unit_id": self.pk})

    @property
    def required_minutes(self) -> int:
        """Needs `with_totals()`."""
        return whole_minutes(self.required_exact_minutes)

    @property
    def optional_minutes(self) -> int:
        return whole_minutes(self.optional_exact_minutes)


class Reading(models.Model):
    """A document, or the blocks from `start_anchor` to `end_anchor` of it (inclusive)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="readings")
    document = models.ForeignKey(
        "library.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="readings",
    )
    document_title = models.CharField(
        max_length=300, help_text=_("Kept so a deleted document can be named.")
    )
    start_anchor = models.CharField(max_length=40, blank=True)
    end_anchor = models.CharField(max_length=40, blank=True)
    required = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=500, blank=True)
    word_count = models.PositiveIntegerField(
        default=0, help_text=_("Words actually assigned; kept by the services.")
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    text_seen_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("The document's text_changed_at when this reading was last checked."),
    )

    class Meta:
        ordering = ["unit", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_anchor="", end_anchor="")
                | (~Q(start_anchor="") & ~Q(end_anchor="")),
                name="reading_range_complete",
            )
        ]

    def __str__(self) -> str:
        return self.document_title

    @property
    def is_whole_document(self) -> bool:
        return not self.start_anchor

    @property
    def language(self) -> str | None:
        """The language of the document's text (None when it is gone). Load the document
        with the reading (`select_related("document")`)."""
        return self.document.language if self.document_id and self.document else None

    @property
    def minutes(self) -> int:
        return reading_minutes_for(self.word_count, self.language)

    @property
    def text_changed(self) -> bool:
        """The document's text changed after this reading was assigned or last checked."""
        document = self.document
        if document is None or document.text_changed_at is None:
            return False
        seen = self.text_seen_at or self.assigned_at
        return seen is not None and document.text_changed_at > seen

    @property
    def reader_url(self) -> str:
        """The reader, at the assigned range when there is one."""
        if self.document is None:
            return ""
        url = self.document.get_absolute_url()
        if self.start_anchor:
            url += "?" + urlencode({"from": self.start_anchor, "to": self.end_anchor})
            url += f"#{self.start_anchor}"
        return url


class DiscussionQuestion(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="questions")
    reading = models.ForeignKey(
        Reading, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    order = models.PositiveIntegerField(default=0)
    text = models.TextField(help_text=_("Plain text with limited Markdown."))
    text_html = models.TextField(blank=True, editable=False)
    anchor = models.CharField(
        max_length=40, blank=True, help_text=_("Optionally tied to one paragraph of the reading.")
    )
    answer_before_seeing = models.BooleanField(
        default=False, help_text=_("Members see others' answers only after posting their own.")
    )
    facilitator_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
