"""Study groups, their members and their sessions."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import FilteredRelation, Q, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone we know. Choose one from the list."),
            params={"value": value},
        )


# Fixed paths under /groups/ and /discussions/ that a group's slug must not shadow.
RESERVED_GROUP_SLUGS = frozenset(
    {
        "new",
        "dashboard",
        "settings",
        "calendar",
        "unsubscribe",
        "invitations",
        "notifications",
        "moderation",
    }
)


def validate_group_slug(value: str) -> None:
    if value in RESERVED_GROUP_SLUGS:
        raise ValidationError(
            _("“%(value)s” is a word the site uses itself; choose another address."),
            params={"value": value},
        )


class GroupQuerySet(models.QuerySet):
    def with_viewer(self, user):
        """Each group carries `viewer_membership`, the user's membership (or None), joined in
        the same query, and `viewer_id`, whose membership it is. Access functions and
        selectors use this so rules never fetch a membership again."""
        if not user or not user.is_authenticated:
            return self.annotate(viewer_id=Value(None, output_field=models.IntegerField()))
        return self.annotate(
            viewer_id=Value(user.pk, output_field=models.IntegerField()),
            viewer_membership=FilteredRelation("memberships", condition=Q(memberships__user=user)),
        ).select_related("viewer_membership")

    def listed(self):
        return self.filter(visibility=Group.Visibility.PUBLIC)

    def visible_to(self, user):
        """Public and unlisted groups, plus private ones the user is an active member of."""
        condition = ~Q(visibility=Group.Visibility.PRIVATE)
        if user.is_authenticated:
            condition |= Q(memberships__user=user, memberships__state=Membership.State.ACTIVE)
        return self.filter(condition).distinct()


class Group(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public and listed")
        UNLISTED = "unlisted", _("Unlisted: anyone with the link")
        PRIVATE = "private", _("Private: members only")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Anyone can join")
        REQUEST = "request", _("By request, approved by an organizer")
        INVITATION = "invitation", _("By invitation only")

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True, validators=[validate_group_slug])
    description = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    join_policy = models.CharField(
        max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.REQUEST
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    meeting_place = models.CharField(max_length=300, blank=True)
    meeting_link = models.URLField(blank=True)
    code_of_conduct = models.TextField(blank=True)
    language = models.CharField(
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_(
            "Used for the group's e-mails and calendar feeds to members who have not "
            "chosen a language. Leave empty for the site's default."
        ),
    )
    curriculum = models.ForeignKey(
        "curricula.Curriculum",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups",
    )
    hide_member_list = models.BooleanField(
        default=False, help_text=_("Only organizers see who the members are.")
    )
    report_threshold = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_(
            "A post reported by this many different members is hidden until a moderator reviews it."
        ),
    )
    premoderated_posts = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(20)],
        help_text=_("A new member's first posts wait for a moderator's approval (0: none do)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", kwargs={"slug": self.slug})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state=Membership.State.ACTIVE)


class Membership(models.Model):
    class Role(models.TextChoices):
        ORGANIZER = "organizer", _("Organizer")
        FACILITATOR = "facilitator", _("Facilitator")
        MEMBER = "member", _("Member")

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        REQUESTED = "requested", _("Requested to join")
        INVITED = "invited", _("Invited")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")
        BANNED = "banned", _("Banned")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    hide_progress = models.BooleanField(
        default=False, help_text=_("Organizers do not see my reading progress.")
    )
    muted_until = models.DateTimeField(
        null=True, blank=True, help_text=_("Until then the member can read but not post.")
    )
    conduct_accepted_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the member accepted the code of conduct.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="unique_group_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.role}, {self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    def is_muted(self, now=None) -> bool:
        """A mute ends by itself: it is compared with the time now, no job lifts it."""
        from django.utils import timezone

        return self.muted_until is not None and self.muted_until > (now or timezone.now())

    @property
    def can_organize(self) -> bool:
        return self.is_active and self.role == self.Role.ORGANIZER

    @property
    def can_facilitate(self) -> bool:
        return self.is_active and self.role in {self.Role.ORGANIZER, self.Role.FACILITATOR}


class SessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        from django.utils import timezone

        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        from django.utils import timezone

        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")


class Session(models.Model):
    """One meeting. Times are stored in UTC and shown in the group's or member's zone."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    link = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    units = models.ManyToManyField("curricula.Unit", blank=True, related_name="sessions")
    sequence = models.PositiveIntegerField(
        default=0, help_text="iCalendar SEQUENCE: bumped on every reschedule or cancellation."
    )
    capacity = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "How many places there are. Past it, members who answer “going” wait in "
            "line for a freed place. Leave empty for no limit."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("groups:session", kwargs={"slug": self.group.slug, "session_id": self.pk})

    @property
    def takes_answers(self) -> bool:
        """Only a session still to be held takes RSVPs."""
        return self.state == self.State.SCHEDULED


class Invitation(models.Model):
    """A secret link to join a group: shareable (many uses) or for one e-mail address."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True)
    email = models.EmailField(blank=True, help_text=_("Empty for a shareable link."))
    role = models.CharField(
        max_length=12, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.group} ({self.email or 'link'})"

    def get_absolute_url(self) -> str:
        return reverse("groups:invitation", kwargs={"token": self.token})

    class State(models.TextChoices):
        """Derived from the fields, never stored."""

        ACTIVE = "active", _("Active")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")
        USED_UP = "used up", _("Used up")

    PROBLEMS = {
        State.REVOKED: _("This invitation was withdrawn by the group's organizers."),
        State.EXPIRED: _("This invitation has expired. Ask an organizer for a new one."),
        State.USED_UP: _("This invitation has been used as many times as it allows."),
    }

    def state_at(self, now=None) -> "Invitation.State":
        from django.utils import timezone

        now = now or timezone.now()
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at and self.expires_at <= now:
            return self.State.EXPIRED
        if self.max_uses is not None and self.uses >= self.max_uses:
            return self.State.USED_UP
        return self.State.ACTIVE

    @property
    def state(self) -> "Invitation.State":
        return self.state_at()

    @property
    def is_usable(self) -> bool:
        return self.state == self.State.ACTIVE

    def problem(self, now=None) -> str:
        """Why this invitation cannot be used, in plain words; empty when it can."""
        return str(self.PROBLEMS.get(self.state_at(now), ""))


class RSVP(models.Model):
    class Answer(models.TextChoices):
        GOING = "going", _("Going")
        MAYBE = "maybe", _("Maybe")
        NOT_GOING = "not_going", _("Not going")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_rsvps"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices)
    # "Going" past the session's capacity: waiting in line, in order of `going_since`.
    waitlisted = models.BooleanField(default=False)
    going_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="unique_session_rsvp"),
            models.CheckConstraint(
                condition=Q(waitlisted=False) | Q(answer="going"),
                name="rsvp_waitlist_only_going",
            ),
        ]
        indexes = [models.Index(fields=["session", "waitlisted", "going_since"])]

    def __str__(self) -> str:
        return f"{self.user} {self.answer} {self.session}"

    @property
    def has_place(self) -> bool:
        return self.answer == self.Answer.GOING and not self.waitlisted


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_attendances"
    )
    present = models.BooleanField(default=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="unique_session_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.user} {'present' if self.present else 'absent'} at {self.session}"


class SessionReading(models.Model):
    """A document, or a range of it, assigned to one session besides its units' readings."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="extra_readings")
    document = models.ForeignKey(
        "library.Document", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    document_title = models.CharField(max_length=300)
    start_anchor = models.CharField(max_length=40, blank=True)
    end_anchor = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=500, blank=True)
    word_count = models.PositiveIntegerField(default=0)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["session", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_anchor="", end_anchor="")
                | (~Q(start_anchor="") & ~Q(end_anchor="")),
                name="session_reading_range_complete",
            )
        ]

    def __str__(self) -> str:
        return self.document_title


class ReadingProgress(models.Model):
    """A member has read one of a session's readings (a unit reading or an extra one)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_progress"
    )
    reading = models.ForeignKey(
        "curricula.Reading", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    session_reading = models.ForeignKey(
        SessionReading, null=True, blank=True, on_delete=models.CASCADE, related_name="progress"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reading__isnull=True, session_reading__isnull=False)
                | Q(reading__isnull=False, session_reading__isnull=True),
                name="progress_one_reading",
            ),
            models.UniqueConstraint(
                fields=["session", "user", "reading"],
                condition=Q(reading__isnull=False),
                name="unique_progress_reading",
            ),
            models.UniqueConstraint(
                fields=["session", "user", "session_reading"],
                condition=Q(session_reading__isnull=False),
                name="unique_progress_session_reading",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.key} for {self.session}"

    @property
    def key(self) -> str:
        return f"r{self.reading_id}" if self.reading_id else f"s{self.session_reading_id}"


class CalendarFeedToken(models.Model):
    """A secret URL for one member's calendar: one group (group set) or all their groups."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calendar of {self.user} ({self.group or 'all groups'})"


class SentReminder(models.Model):
    """Claimed before sending: the unique row is what makes reminders idempotent."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, default="reminder")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user", "kind"], name="unique_sent_reminder")
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.user} for {self.session}"


class GroupActivity(models.Model):
    class Kind(models.TextChoices):
        SESSION_ADDED = "session_added", _("New session")
        SESSION_CHANGED = "session_changed", _("Session changed")
        SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
        PLACE_FREED = "place_freed", _("Place at a session")
        MINUTES = "minutes", _("Minutes")
        MEMBER_JOINED = "member_joined", _("New member")
        GROUP_CREATED = "group_created", _("Group created")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # In the site's default language, for the admin and for rows older than `params`.
    message = models.CharField(max_length=300)
    # What the sentence says, drawn in each reader's language (`text`): {"text": one of
    # TEXTS' keys, plus its placeholders: names and titles as they were at the time}.
    params = models.JSONField(default=dict, blank=True)
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["group", "-created_at"])]

    def __str__(self) -> str:
        return self.message

    # One whole sentence per event, with named placeholders; plural forms by `count`.
    TEXTS = {
        "session_added": _("New session: %(session)s."),
        "session_moved": _("%(session)s was moved."),
        "session_cancelled": _("%(session)s was cancelled."),
        "place_freed": _("%(member)s moved up from the waiting list for %(session)s."),
        "minutes": _("Minutes of %(session)s are up."),
        "member_joined": _("%(member)s joined %(group)s."),
        "group_created": _("%(member)s started %(group)s."),
    }

    @staticmethod
    def render(params: dict) -> str:
        """The sentence for `params` in the active language ("" if it names no text)."""
        key = params.get("text")
        if key == "sessions_scheduled":
            count = params.get("count", 0)
            return ngettext(
                "%(count)s session scheduled, starting with %(session)s.",
                "%(count)s sessions scheduled, starting with %(session)s.",
                count,
            ) % {"count": count, "session": params.get("session", "")}
        template = GroupActivity.TEXTS.get(key)
        if template is None:
            return ""
        values = {name: params.get(name, "") for name in ("session", "member", "group")}
        return str(template) % values

    @property
    def text(self) -> str:
        """What happened, in the reader's language."""
        return self.render(self.params) or self.message


class SessionMinutes(models.Model):
    """What happened at a session, written after it by a facilitator. The Markdown is kept
    as written; its citations of the readings (`¶ 14`, a quoted passage) are resolved when
    it is saved and stored by paragraph anchor (`MinutesCitation`), so they keep pointing
    at their paragraph when the text is corrected and its numbers shift."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="minutes")
    body = models.TextField(max_length=20_000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Minutes of {self.session}"


class MinutesCitation(models.Model):
    """One resolved citation in minutes: the `position`-th citation written in the body
    points at the paragraph `anchor` of `document`."""

    minutes = models.ForeignKey(SessionMinutes, on_delete=models.CASCADE, related_name="citations")
    position = models.PositiveIntegerField()
    document = models.ForeignKey(
        "library.Document", on_delete=models.CASCADE, related_name="minutes_citations"
    )
    anchor = models.CharField(max_length=40)
    quote = models.TextField(blank=True)

    class Meta:
        ordering = ["minutes", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "position"], name="unique_minutes_citation_position"
            )
        ]
        indexes = [models.Index(fields=["document", "anchor"])]

    def __str__(self) -> str:
        return f"{self.minutes} cites {self.anchor}"
