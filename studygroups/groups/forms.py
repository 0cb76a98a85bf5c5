import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from studygroups.accounts.models import time_zone_choices
from studygroups.core.validators import validate_plain_name
from studygroups.curricula.models import Curriculum, Unit
from studygroups.library.models import Document

from .models import RSVP, Group, Membership
from .schedule import DATE_RANGE, FIRST_YEAR, LAST_YEAR, MAX_SCHEDULED_SESSIONS, localize

WEEKDAYS = [
    (0, "Mondays"),
    (1, "Tuesdays"),
    (2, "Wednesdays"),
    (3, "Thursdays"),
    (4, "Fridays"),
    (5, "Saturdays"),
    (6, "Sundays"),
]


def check_date_range(day: dt.date | None) -> dt.date | None:
    """Session dates stay in years a calendar can hold (and people mean)."""
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(DATE_RANGE)
    return day


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class GroupForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        help_text="Session times are entered in this zone; members see them in their own.",
    )
    meeting_link = forms.URLField(
        required=False, assume_scheme="https", label="Video link", max_length=200
    )

    class Meta:
        model = Group
        fields = [
            "name",
            "slug",
            "description",
            "curriculum",
            "visibility",
            "join_policy",
            "time_zone",
            "meeting_place",
            "meeting_link",
            "code_of_conduct",
            "hide_member_list",
        ]
        labels = {
            "slug": "Web address",
            "curriculum": "Reading series it follows",
            "join_policy": "Who can join",
            "meeting_link": "Video link",
            "hide_member_list": "Hide the member list from members",
        }
        help_texts = {
            "slug": "Letters, numbers and hyphens, used in the group's address. "
            "Leave empty to make one from the name.",
            "description": "What the group reads and why. Markdown is not needed: plain text.",
            "code_of_conduct": "How members treat each other. Shown on the group page.",
            "meeting_place": "Where you usually meet, if in person.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "code_of_conduct": forms.Textarea(attrs={"rows": 5}),
            "visibility": forms.RadioSelect,
            "join_policy": forms.RadioSelect,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        # Only published series: a public series, one's own, or a private one the user
        # may view through a group (as `can_view_curriculum`). Never a draft.
        allowed = Q(visibility=Curriculum.Visibility.PUBLIC)
        if user is not None and user.is_authenticated:
            allowed |= Q(owners=user)
            allowed |= Q(
                pk__in=Membership.objects.active()
                .filter(user=user, group__curriculum__isnull=False)
                .values("group__curriculum")
            )
        allowed &= Q(status=Curriculum.Status.PUBLISHED)
        if self.instance.curriculum_id:
            # Keep what the group follows now, so other edits still save.
            allowed |= Q(pk=self.instance.curriculum_id)
        self.fields["curriculum"].queryset = Curriculum.objects.filter(allowed).distinct()
        self.fields["curriculum"].empty_label = "None yet"

    def clean_name(self):
        name = self.cleaned_data["name"]
        validate_plain_name(name)
        return name

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        if slug and Group.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise ValidationError("Another group already uses this address. Choose another.")
        return slug

    def validate_unique(self):
        # The slug may be empty here (made from the name by the service).
        pass


class SessionForm(forms.Form):
    title = forms.CharField(max_length=200)
    date = forms.DateField(widget=DateInput)
    start_time = forms.TimeField(widget=TimeInput, label="Starts at")
    end_time = forms.TimeField(widget=TimeInput, label="Ends at")
    place = forms.CharField(max_length=300, required=False, help_text="Empty: the group's place.")
    link = forms.URLField(required=False, label="Video link", assume_scheme="https")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    capacity = forms.IntegerField(
        min_value=1,
        max_value=10_000,
        required=False,
        label="Places",
        help_text="Leave empty for no limit. Past it, members who say they are going wait in "
        "line, and the first in line gets the next freed place. Lowering it takes no place "
        "away from anyone.",
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Units to discuss",
    )

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["date"].help_text = f"Times are in the group's zone, {group.time_zone}."
        if group.curriculum_id:
            self.fields["units"].queryset = Unit.objects.filter(
                curriculum_id=group.curriculum_id
            ).order_by("order", "pk")
        else:
            del self.fields["units"]

    @classmethod
    def initial_for(cls, session) -> dict:
        tz = session.group.tz
        start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
        return {
            "title": session.title,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "place": session.place,
            "link": session.link,
            "notes": session.notes,
            "capacity": session.capacity,
            "units": list(session.units.all()),
        }

    def session_fields(self) -> dict:
        """The cleaned values as `sessions.session_create`/`session_update` take them."""
        data = self.cleaned_data
        names = ("title", "starts_at", "ends_at", "place", "link", "notes", "capacity")
        return {name: data[name] for name in names} | {"units": data.get("units") or []}

    def clean_date(self):
        return check_date_range(self.cleaned_data.get("date"))

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                raise ValidationError("The session must end after it starts.")
            try:
                data["starts_at"] = localize(dt.datetime.combine(day, start), self.group.time_zone)
                data["ends_at"] = localize(dt.datetime.combine(day, end), self.group.time_zone)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return data


class ScheduleForm(forms.Form):
    first_date = forms.DateField(widget=DateInput, label="From")
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int, label="Every")
    interval = forms.TypedChoiceField(
        choices=[(1, "week"), (2, "two weeks"), (4, "four weeks")],
        coerce=int,
        label="How often",
        initial=1,
    )
    at = forms.TimeField(widget=TimeInput, label="At", initial=dt.time(19, 0))
    duration_minutes = forms.IntegerField(
        min_value=15, max_value=12 * 60, initial=90, label="Length (minutes)"
    )
    count = forms.IntegerField(
        min_value=1,
        required=False,
        label="Number of sessions",
        help_text="Empty: one session per unit of the reading series.",
    )
    start_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label="Start with unit"
    )
    one_unit_per_session = forms.BooleanField(
        required=False, initial=True, label="One unit per session"
    )
    skip_dates = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Skip these dates",
        help_text="Holidays and breaks, as YYYY-MM-DD, separated by commas or new lines.",
    )
    place = forms.CharField(max_length=300, required=False)
    link = forms.URLField(required=False, label="Video link", assume_scheme="https")

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["at"].help_text = f"In the group's time zone, {group.time_zone}."
        if group.curriculum_id:
            self.fields["start_unit"].queryset = Unit.objects.filter(
                curriculum_id=group.curriculum_id
            ).order_by("order", "pk")
            self.fields["start_unit"].empty_label = "The first unit"
        else:
            del self.fields["start_unit"]
            del self.fields["one_unit_per_session"]
            self.fields["count"].required = True
            self.fields["count"].help_text = ""

    def clean_first_date(self):
        return check_date_range(self.cleaned_data.get("first_date"))

    def clean_skip_dates(self):
        raw = self.cleaned_data.get("skip_dates", "")
        dates = []
        for piece in re.split(r"[\s,;]+", raw.strip()):
            if not piece:
                continue
            try:
                dates.append(dt.date.fromisoformat(piece))
            except ValueError:
                raise ValidationError(
                    f"“{piece}” is not a date. Write dates as YYYY-MM-DD, e.g. 2026-12-24."
                ) from None
        return dates

    def clean_count(self):
        count = self.cleaned_data.get("count")
        if count is not None and count > MAX_SCHEDULED_SESSIONS:
            raise ValidationError(
                f"That is {count} sessions; the most at once is {MAX_SCHEDULED_SESSIONS}."
            )
        return count

    def units(self) -> list:
        if not self.group.curriculum_id or not self.cleaned_data.get("one_unit_per_session"):
            return []
        units = list(self.fields["start_unit"].queryset)
        start = self.cleaned_data.get("start_unit")
        if start is not None:
            units = units[units.index(start) :]
        count = self.cleaned_data.get("count")
        return units[:count] if count else units


class InvitationForm(forms.Form):
    email = forms.EmailField(
        required=False,
        label="E-mail address",
        help_text="Empty: make a shareable link instead.",
    )
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)
    expires_in_days = forms.TypedChoiceField(
        choices=[(1, "1 day"), (7, "1 week"), (14, "2 weeks"), (30, "30 days"), (0, "Never")],
        coerce=int,
        initial=14,
        label="Expires after",
    )
    max_uses = forms.IntegerField(
        min_value=1,
        max_value=1000,
        required=False,
        label="Maximum uses",
        help_text="For shareable links. Empty: no limit.",
    )


class MemberActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("approve", "Approve"),
            ("decline", "Decline"),
            ("role", "Change role"),
            ("remove", "Remove"),
        ]
    )
    role = forms.ChoiceField(choices=Membership.Role.choices, required=False)


class MinutesForm(forms.Form):
    body = forms.CharField(
        label="Minutes",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Markdown. ¶ 14, ¶ 14 of [Title] and passages quoted in quotation marks "
        "become links to their paragraphs (see “How to cite the text” below).",
    )


class RSVPForm(forms.Form):
    answer = forms.ChoiceField(choices=RSVP.Answer.choices)


def document_from_address(raw: str) -> Document | None:
    """A library document from its address (full URL or path) or its slug."""
    raw = (raw or "").strip().rstrip("/")
    slug = raw.rsplit("/", 1)[-1].split("?", 1)[0]
    if not slug:
        return None
    return Document.objects.filter(slug=slug).first()


class LibrarySearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search the library",
        error_messages={"max_length": "Search for at most 200 characters."},
    )


class ReadingChoiceForm(forms.Form):
    """Whole document or a range of its numbered paragraphs.

    `options` are the document's `readings.ParagraphOption`s. After validation,
    cleaned_data has `start_anchor`/`end_anchor` (both blank for the whole document),
    `words`, and `first`/`last` (the chosen options, or None).
    """

    WHOLE, RANGE = "whole", "range"
    extent = forms.ChoiceField(
        required=False,
        choices=[(WHOLE, "The whole document"), (RANGE, "A range of paragraphs")],
        widget=forms.RadioSelect,
        label="What to read",
    )
    start_anchor = forms.CharField(required=False, max_length=40, label="From")
    end_anchor = forms.CharField(required=False, max_length=40, label="To")
    note = forms.CharField(
        required=False,
        max_length=500,
        label="Note for members",
        error_messages={"max_length": "Keep the note under 500 characters."},
    )

    def __init__(self, *args, document, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        self.options = options

    def clean(self):
        data = super().clean()
        start = (data.get("start_anchor") or "").strip()
        end = (data.get("end_anchor") or "").strip()
        extent = data.get("extent") or (self.RANGE if start or end else self.WHOLE)
        data.update(extent=extent, first=None, last=None)
        if extent == self.WHOLE:
            data.update(start_anchor="", end_anchor="", words=self.document.word_count)
            return data
        if not start or not end:
            raise ValidationError("Choose both the first and the last paragraph.")
        position = {option.anchor: i for i, option in enumerate(self.options)}
        if start not in position:
            self.add_error("start_anchor", "That first paragraph is not in this document.")
        if end not in position:
            self.add_error("end_anchor", "That last paragraph is not in this document.")
        if self.errors:
            return data
        i, j = position[start], position[end]
        first, last = self.options[i], self.options[j]
        if j < i:
            self.add_error(
                "end_anchor",
                f"The range ends (¶ {last.number}) before it starts (¶ {first.number}). "
                "Choose a last paragraph after the first.",
            )
            return data
        data.update(
            start_anchor=start,
            end_anchor=end,
            first=first,
            last=last,
            words=sum(option.words for option in self.options[i : j + 1]),
        )
        return data


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(m.user_id, m.user.public_name) for m in members]
