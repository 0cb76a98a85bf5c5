import datetime as dt
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from studygroups.accounts.models import time_zone_choices
from studygroups.core.validators import validate_plain_name
from studygroups.curricula.models import Curriculum, Unit
from studygroups.library.models import Document

from .models import RSVP, Group, Membership
from .schedule import FIRST_YEAR, LAST_YEAR, MAX_SCHEDULED_SESSIONS, date_range_message, localize

WEEKDAYS = [
    (0, gettext_lazy("Mondays")),
    (1, gettext_lazy("Tuesdays")),
    (2, gettext_lazy("Wednesdays")),
    (3, gettext_lazy("Thursdays")),
    (4, gettext_lazy("Fridays")),
    (5, gettext_lazy("Saturdays")),
    (6, gettext_lazy("Sundays")),
]


def check_date_range(day: dt.date | None) -> dt.date | None:
    """Session dates stay in years a calendar can hold (and people mean)."""
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(date_range_message())
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
        label=gettext_lazy("Time zone"),
        help_text=gettext_lazy(
            "Session times are entered in this zone; members see them in their own."
        ),
    )
    meeting_link = forms.URLField(
        required=False, assume_scheme="https", label=gettext_lazy("Video link"), max_length=200
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
            "language",
        ]
        labels = {
            "name": gettext_lazy("Name"),
            "slug": gettext_lazy("Web address"),
            "description": gettext_lazy("Description"),
            "curriculum": gettext_lazy("Reading series it follows"),
            "visibility": gettext_lazy("Visibility"),
            "join_policy": gettext_lazy("Who can join"),
            "meeting_place": gettext_lazy("Meeting place"),
            "meeting_link": gettext_lazy("Video link"),
            "code_of_conduct": gettext_lazy("Code of conduct"),
            "hide_member_list": gettext_lazy("Hide the member list from members"),
            "language": gettext_lazy("Language of the group's e-mails and calendars"),
        }
        help_texts = {
            "slug": gettext_lazy(
                "Letters, numbers and hyphens, used in the group's address. "
                "Leave empty to make one from the name."
            ),
            "description": gettext_lazy(
                "What the group reads and why. Markdown is not needed: plain text."
            ),
            "code_of_conduct": gettext_lazy(
                "How members treat each other. Shown on the group page."
            ),
            "meeting_place": gettext_lazy("Where you usually meet, if in person."),
            "language": gettext_lazy(
                "For members who have not chosen a language themselves. Pages follow each "
                "reader's own choice."
            ),
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
        self.fields["curriculum"].empty_label = _("None yet")
        self.fields["language"].choices = [("", _("The site's default"))] + [
            (code, name) for code, name in settings.LANGUAGES
        ]

    def clean_name(self):
        name = self.cleaned_data["name"]
        validate_plain_name(name)
        return name

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        if slug and Group.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Another group already uses this address. Choose another."))
        return slug

    def validate_unique(self):
        # The slug may be empty here (made from the name by the service).
        pass


class SessionForm(forms.Form):
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    date = forms.DateField(widget=DateInput, label=gettext_lazy("Date"))
    start_time = forms.TimeField(widget=TimeInput, label=gettext_lazy("Starts at"))
    end_time = forms.TimeField(widget=TimeInput, label=gettext_lazy("Ends at"))
    place = forms.CharField(
        max_length=300,
        required=False,
        label=gettext_lazy("Place"),
        help_text=gettext_lazy("Empty: the group's place."),
    )
    link = forms.URLField(required=False, label=gettext_lazy("Video link"), assume_scheme="https")
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=gettext_lazy("Notes")
    )
    capacity = forms.IntegerField(
        min_value=1,
        max_value=10_000,
        required=False,
        label=gettext_lazy("Places"),
        help_text=gettext_lazy(
            "Leave empty for no limit. Past it, members who say they are going wait in "
            "line, and the first in line gets the next freed place. Lowering it takes no "
            "place away from anyone."
        ),
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Units to discuss"),
    )

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["date"].help_text = _("Times are in the group's zone, %(zone)s.") % {
            "zone": group.time_zone
        }
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
                raise ValidationError(_("The session must end after it starts."))
            try:
                data["starts_at"] = localize(dt.datetime.combine(day, start), self.group.time_zone)
                data["ends_at"] = localize(dt.datetime.combine(day, end), self.group.time_zone)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return data


class ScheduleForm(forms.Form):
    first_date = forms.DateField(widget=DateInput, label=pgettext_lazy("first date", "From"))
    weekday = forms.TypedChoiceField(
        choices=WEEKDAYS, coerce=int, label=pgettext_lazy("weekday", "Every")
    )
    interval = forms.TypedChoiceField(
        choices=[
            (1, pgettext_lazy("how often", "Every week")),
            (2, pgettext_lazy("how often", "Every two weeks")),
            (4, pgettext_lazy("how often", "Every four weeks")),
        ],
        coerce=int,
        label=gettext_lazy("How often"),
        initial=1,
    )
    at = forms.TimeField(
        widget=TimeInput, label=pgettext_lazy("time of day", "At"), initial=dt.time(19, 0)
    )
    duration_minutes = forms.IntegerField(
        min_value=15, max_value=12 * 60, initial=90, label=gettext_lazy("Length (minutes)")
    )
    count = forms.IntegerField(
        min_value=1,
        required=False,
        label=gettext_lazy("Number of sessions"),
        help_text=gettext_lazy("Empty: one session per unit of the reading series."),
    )
    start_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label=gettext_lazy("Start with unit")
    )
    one_unit_per_session = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("One unit per session")
    )
    skip_dates = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Skip these dates"),
        help_text=gettext_lazy(
            "Holidays and breaks, as YYYY-MM-DD, separated by commas or new lines."
        ),
    )
    place = forms.CharField(max_length=300, required=False, label=gettext_lazy("Place"))
    link = forms.URLField(required=False, label=gettext_lazy("Video link"), assume_scheme="https")

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["at"].help_text = _("In the group's time zone, %(zone)s.") % {
            "zone": group.time_zone
        }
        if group.curriculum_id:
            self.fields["start_unit"].queryset = Unit.objects.filter(
                curriculum_id=group.curriculum_id
            ).order_by("order", "pk")
            self.fields["start_unit"].empty_label = _("The first unit")
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
                    _("“%(piece)s” is not a date. Write dates as YYYY-MM-DD, e.g. 2026-12-24.")
                    % {"piece": piece}
                ) from None
        return dates

    def clean_count(self):
        count = self.cleaned_data.get("count")
        if count is not None and count > MAX_SCHEDULED_SESSIONS:
            raise ValidationError(
                _("That is %(count)s sessions; the most at once is %(most)s.")
                % {"count": count, "most": MAX_SCHEDULED_SESSIONS}
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
        label=gettext_lazy("E-mail address"),
        help_text=gettext_lazy("Empty: make a shareable link instead."),
    )
    role = forms.ChoiceField(
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        label=gettext_lazy("Role"),
    )
    expires_in_days = forms.TypedChoiceField(
        choices=[
            (1, gettext_lazy("1 day")),
            (7, gettext_lazy("1 week")),
            (14, gettext_lazy("2 weeks")),
            (30, gettext_lazy("30 days")),
            (0, gettext_lazy("Never")),
        ],
        coerce=int,
        initial=14,
        label=gettext_lazy("Expires after"),
    )
    max_uses = forms.IntegerField(
        min_value=1,
        max_value=1000,
        required=False,
        label=gettext_lazy("Maximum uses"),
        help_text=gettext_lazy("For shareable links. Empty: no limit."),
    )


class MemberActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("approve", gettext_lazy("Approve")),
            ("decline", gettext_lazy("Decline")),
            ("role", gettext_lazy("Change role")),
            ("remove", gettext_lazy("Remove")),
        ]
    )
    role = forms.ChoiceField(choices=Membership.Role.choices, required=False)


class MinutesForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Minutes"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy(
            "Markdown. ¶ 14, ¶ 14 of [Title] and passages quoted in quotation marks "
            "become links to their paragraphs (see “How to cite the text” below)."
        ),
    )


class RSVPForm(forms.Form):
    answer = forms.ChoiceField(choices=RSVP.Answer.choices, label=gettext_lazy("Your answer"))


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
        label=gettext_lazy("Search the library"),
        error_messages={"max_length": gettext_lazy("Search for at most 200 characters.")},
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
        choices=[
            (WHOLE, gettext_lazy("The whole document")),
            (RANGE, gettext_lazy("A range of paragraphs")),
        ],
        widget=forms.RadioSelect,
        label=gettext_lazy("What to read"),
    )
    start_anchor = forms.CharField(
        required=False, max_length=40, label=gettext_lazy("From paragraph")
    )
    end_anchor = forms.CharField(
        required=False, max_length=40, label=gettext_lazy("To paragraph (included)")
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        label=gettext_lazy("Note for members"),
        error_messages={"max_length": gettext_lazy("Keep the note under 500 characters.")},
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
            raise ValidationError(_("Choose both the first and the last paragraph."))
        position = {option.anchor: i for i, option in enumerate(self.options)}
        if start not in position:
            self.add_error("start_anchor", _("That first paragraph is not in this document."))
        if end not in position:
            self.add_error("end_anchor", _("That last paragraph is not in this document."))
        if self.errors:
            return data
        i, j = position[start], position[end]
        first, last = self.options[i], self.options[j]
        if j < i:
            self.add_error(
                "end_anchor",
                _(
                    "The range ends (¶ %(last)s) before it starts (¶ %(first)s). "
                    "Choose a last paragraph after the first."
                )
                % {"last": last.number, "first": first.number},
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
