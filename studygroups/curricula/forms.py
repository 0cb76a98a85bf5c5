from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from studygroups.library.models import Document, reading_minutes_for
from studygroups.library.reading import Part

from .models import Curriculum, DiscussionQuestion, Reading, Unit
from .services import reading_paragraphs

CHOICE_MESSAGES = {"invalid_choice": _("Choose one of the listed options.")}


class ShowsInitialMixin:
    """Render each field's value as first shown, so `changed_data` lists only the fields
    this person changed, and a concurrent edit of another field by another owner is kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = True


class CurriculumForm(ShowsInitialMixin, forms.ModelForm):
    class Meta:
        model = Curriculum
        fields = [
            "title",
            "summary",
            "audience",
            "visibility",
            "status",
            "target_unit_minutes",
            "share_notes_with_groups",
        ]
        labels = {
            "title": _("Title"),
            "visibility": _("Visibility"),
            "status": _("Status"),
            "share_notes_with_groups": _("Share facilitator notes with groups using this series"),
            "summary": _("Summary"),
            "audience": _("Intended audience"),
            "target_unit_minutes": _("Target reading time per unit (minutes)"),
        }
        help_texts = {
            "summary": _("What the series covers and why; shown at the top of the syllabus."),
            "target_unit_minutes": _("Units whose required reading takes longer are flagged."),
            "share_notes_with_groups": _(
                "Off: only the owners see the facilitator notes. On: organizers and "
                "facilitators of every group that follows this series see them too. Anyone "
                "can start a group on a public series, so switch this on only if the notes "
                "may be read by any group leader."
            ),
        }
        # Visibility as radios: its choices are sentences, which a <select> cut off.
        widgets = {"summary": forms.Textarea(attrs={"rows": 4}), "visibility": forms.RadioSelect}
        error_messages = {
            "title": {"required": _("Give the reading series a title.")},
            "target_unit_minutes": {
                "invalid": _("Enter the target as a whole number of minutes."),
                "min_value": _("Enter a target of at least 0 minutes."),
            },
        }

    def clean_target_unit_minutes(self):
        value = self.cleaned_data["target_unit_minutes"]
        if value is not None and value > 600:
            raise ValidationError(gettext("Keep the target under 600 minutes (10 hours)."))
        return value


class CurriculumCreateForm(forms.ModelForm):
    class Meta(CurriculumForm.Meta):
        fields = ["title", "summary", "audience", "visibility", "target_unit_minutes"]

    clean_target_unit_minutes = CurriculumForm.clean_target_unit_minutes


class CurriculumSearchForm(forms.Form):
    q = forms.CharField(label=_("Search reading series"), required=False, max_length=200)


class UnitTitleForm(forms.Form):
    title = forms.CharField(
        label=_("Unit title"),
        max_length=200,
        error_messages={
            "required": _("Give the unit a title."),
            "max_length": _("Keep the title under 200 characters."),
        },
    )


class UnitForm(ShowsInitialMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["title", "introduction", "learning_goals", "facilitator_notes"]
        labels = {
            "title": _("Title"),
            "introduction": _("Introduction"),
            "learning_goals": _("Learning goals"),
            "facilitator_notes": _("Facilitator notes"),
        }
        help_texts = {
            "introduction": _("Shown to readers above the readings."),
            "learning_goals": _("What members should be able to discuss afterwards."),
            "facilitator_notes": _(
                "Visible to owners and to the organizers and facilitators of groups using "
                "this series only."
            ),
        }
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "learning_goals": forms.Textarea(attrs={"rows": 3}),
            "facilitator_notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"title": {"required": _("Give the unit a title.")}}


class MoveForm(forms.Form):
    """One place up or down (the buttons), or to a position (dragging a row)."""

    direction = forms.ChoiceField(
        choices=[("up", _("Up")), ("down", _("Down"))],
        required=False,
        error_messages={"invalid_choice": _("Choose to move it up or down.")},
    )
    position = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        error_messages={
            "invalid": _("Give the new position as a whole number."),
            "min_value": _("Positions start at 1."),
            "max_value": _("There are not that many places."),
        },
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("direction") and data.get("position") is None:
            raise ValidationError(gettext("Choose to move it up or down."))
        return data

    def move(self) -> dict:
        """The service arguments: `direction` and `position`."""
        return {
            "direction": self.cleaned_data["direction"],
            "position": self.cleaned_data["position"],
        }


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Search the library"), required=False, max_length=200)


def _excerpt(text: str, words: int = 9) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


class ReadingRangeForm(forms.Form):
    """Whole document, a range of sections, or a range of paragraphs, chosen from the
    document's contents. Choices come from the document, so another document's anchor is
    refused as an invalid choice; the service checks again."""

    WHOLE, SECTIONS, PARAGRAPHS = "whole", "sections", "paragraphs"
    extent = forms.ChoiceField(
        label=_("What to assign"),
        widget=forms.RadioSelect,
        initial=WHOLE,
        choices=[
            (WHOLE, _("The whole document")),
            (SECTIONS, _("A range of sections")),
            (PARAGRAPHS, _("A range of paragraphs")),
        ],
        error_messages={"required": _("Choose what to assign."), **CHOICE_MESSAGES},
    )
    start_section = forms.ChoiceField(
        label=_("From section"), required=False, error_messages=CHOICE_MESSAGES
    )
    end_section = forms.ChoiceField(
        label=_("To section (inclusive)"), required=False, error_messages=CHOICE_MESSAGES
    )
    start_paragraph = forms.ChoiceField(
        label=_("From paragraph"), required=False, error_messages=CHOICE_MESSAGES
    )
    end_paragraph = forms.ChoiceField(
        label=_("To paragraph (inclusive)"), required=False, error_messages=CHOICE_MESSAGES
    )
    required = forms.BooleanField(label=_("Required reading"), required=False, initial=True)
    note = forms.CharField(
        label=_("Note for readers"),
        required=False,
        max_length=500,
        help_text=_("Optional, e.g. “skim the second half”."),
        error_messages={"max_length": _("Keep the note under 500 characters.")},
    )

    def __init__(self, *args, document: Document, parts: list[Part], **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        self.section_ranges: dict[str, tuple[str, str, int]] = {}
        section_choices = []
        paragraph_choices = []
        for index, part in enumerate(parts):
            items = [item for item in part.numbered() if item.number is not None]
            if items and part.section is not None:
                self.section_ranges[part.section.anchor] = (
                    items[0].anchor,
                    items[-1].anchor,
                    index,
                )
                words = sum(item.block.word_count for item in items)
                section_choices.append(
                    (
                        part.section.anchor,
                        gettext("%(heading)s (%(minutes)d min)")
                        % {
                            "heading": part.section.heading,
                            "minutes": reading_minutes_for(words, document.language),
                        },
                    )
                )
            for item in items:
                paragraph_choices.append(
                    (item.anchor, f"¶ {item.number}: {_excerpt(item.block.text)}")
                )
        self.paragraph_order = {anchor: n for n, (anchor, _) in enumerate(paragraph_choices)}
        self.has_sections = bool(section_choices)
        blank = [("", gettext("Choose…"))]
        self.fields["start_section"].choices = blank + section_choices
        self.fields["end_section"].choices = blank + section_choices
        self.fields["start_paragraph"].choices = blank + paragraph_choices
        self.fields["end_paragraph"].choices = blank + paragraph_choices

    def clean(self):
        data = super().clean()
        extent = data.get("extent")
        data["start_anchor"] = data["end_anchor"] = ""
        if extent == self.SECTIONS:
            start, end = data.get("start_section"), data.get("end_section")
            if not start or not end:
                raise ValidationError(
                    gettext("Choose the first and the last section of the reading."),
                    code="incomplete",
                )
            if self.section_ranges[end][2] < self.section_ranges[start][2]:
                raise ValidationError(
                    gettext(
                        "The reading ends before it starts. Choose a last section that comes "
                        "after the first."
                    )
                )
            data["start_anchor"] = self.section_ranges[start][0]
            data["end_anchor"] = self.section_ranges[end][1]
        elif extent == self.PARAGRAPHS:
            start, end = data.get("start_paragraph"), data.get("end_paragraph")
            if not start or not end:
                raise ValidationError(
                    gettext("Choose the first and the last paragraph of the reading."),
                    code="incomplete",
                )
            if self.paragraph_order[end] < self.paragraph_order[start]:
                raise ValidationError(
                    gettext(
                        "The reading ends before it starts. Choose a last paragraph that "
                        "comes after the first."
                    )
                )
            data["start_anchor"], data["end_anchor"] = start, end
        return data


class ReadingUpdateForm(forms.Form):
    required = forms.BooleanField(label=_("Required reading"), required=False)
    note = forms.CharField(
        label=_("Note for readers"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("Keep the note under 500 characters.")},
    )


class QuestionForm(forms.ModelForm):
    reading = forms.ModelChoiceField(
        queryset=Reading.objects.none(),
        required=False,
        label=_("About one reading"),
        empty_label=_("The whole unit"),
        error_messages={"invalid_choice": _("Choose one of this unit's readings.")},
    )

    class Meta:
        model = DiscussionQuestion
        fields = ["text", "reading", "answer_before_seeing", "facilitator_notes"]
        labels = {
            "text": _("Question"),
            "answer_before_seeing": _("Members answer before they see others' answers"),
            "facilitator_notes": _("Facilitator notes"),
        }
        help_texts = {
            "text": _("Plain text; *emphasis*, **bold**, links and lists work."),
            "facilitator_notes": _("Only owners and group facilitators see these."),
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "facilitator_notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"text": {"required": _("Write the question.")}}

    paragraph = forms.ChoiceField(
        label=_("About one paragraph"),
        required=False,
        help_text=_("Readers get a link to it; the packet says “on ¶ 14”."),
        error_messages={"invalid_choice": _("Choose a paragraph of one of this unit's readings.")},
    )

    field_order = ["text", "reading", "paragraph", "answer_before_seeing", "facilitator_notes"]

    def __init__(self, *args, unit: Unit, readings=None, paragraphs=None, **kwargs):
        """`readings` (with documents) and `paragraphs` (`ranges.reading_paragraphs`)
        may be passed when already loaded; otherwise two queries load them."""
        instance = kwargs.get("instance")
        kwargs.setdefault(
            "auto_id", f"question-{instance.pk}-%s" if instance else "new-question-%s"
        )
        if instance is not None and instance.anchor and instance.reading_id:
            kwargs.setdefault("initial", {})
            kwargs["initial"].setdefault("paragraph", f"{instance.reading_id}:{instance.anchor}")
        super().__init__(*args, **kwargs)
        self.fields["reading"].queryset = Reading.objects.filter(unit=unit)
        if readings is None:
            readings = list(unit.readings.select_related("document").order_by("order", "pk"))
        # Reuse the loaded readings for the choices (no extra query).
        self.fields["reading"].choices = [("", gettext("The whole unit"))] + [
            (r.pk, r.document_title) for r in readings
        ]
        if paragraphs is None:
            paragraphs = reading_paragraphs(readings)
        self.paragraph_readings: dict[str, Reading] = {}
        groups = []
        for reading in readings:
            options = []
            for p in paragraphs.get(reading.pk, []):
                value = f"{reading.pk}:{p.anchor}"
                self.paragraph_readings[value] = reading
                options.append((value, f"¶ {p.number} — {p.excerpt}"))
            if options:
                groups.append((reading.document_title, options))
        self.fields["paragraph"].choices = [("", gettext("No particular paragraph"))] + groups
        if not groups:
            del self.fields["paragraph"]

    def clean(self):
        data = super().clean()
        value = data.pop("paragraph", "")
        data["anchor"] = ""
        if value:
            reading = self.paragraph_readings[value]
            chosen = data.get("reading")
            if chosen is not None and chosen.pk != reading.pk:
                self.add_error(
                    "paragraph",
                    gettext(
                        "That paragraph is in “%(reading)s”, not in “%(chosen)s”. Choose a "
                        "paragraph of the reading the question is about, or “The whole unit”."
                    )
                    % {"reading": reading.document_title, "chosen": chosen.document_title},
                )
                return data
            data["reading"] = reading
            data["anchor"] = value.split(":", 1)[1]
        return data


BIGINT_MAX = 2**63 - 1


class DocumentIdsField(forms.ModelMultipleChoiceField):
    """Document ids must be whole numbers a database id can hold: checked before any
    query, so a 30-digit id is a form error, not an OverflowError."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except (TypeError, ValueError):
                number = None
            if number is None or not 1 <= number <= BIGINT_MAX:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class FromDocumentsForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the reading series"),
        max_length=200,
        error_messages={"required": _("Give the reading series a title.")},
    )
    documents = DocumentIdsField(
        queryset=Document.objects.all(),
        label=_("Documents"),
        error_messages={
            "required": _("Choose at least one document."),
            "invalid_choice": _("One of the chosen documents is no longer in the library."),
            "invalid_pk_value": _("Choose documents from the list."),
        },
    )
    visibility = forms.ChoiceField(
        choices=Curriculum.Visibility.choices,
        initial=Curriculum.Visibility.PUBLIC,
        label=_("Visibility"),
    )
