import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_display_name(value: str) -> None:
    """One line of visible text: names appear in e-mail headers and notifications."""
    from studygroups.core.validators import validate_plain_name

    validate_plain_name(value)


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class AccountManager(UserManager):
    """E-mail is the login; the username column is kept but not asked for."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)


class User(AbstractUser):
    """A person using the site. Logs in with e-mail; shown by display name."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        max_length=80,
        blank=True,
        validators=[validate_display_name],
        help_text=_(
            "How other members see you. Leave empty to use the part of your "
            "e-mail address before the @."
        ),
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        help_text=_("Session times are shown to you in this time zone."),
    )
    language = models.CharField(
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_(
            "The language of the site and of your e-mails. Leave empty to follow your browser."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = AccountManager()

    class Meta:
        ordering = ["display_name", "email"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]

    def clean(self):
        super().clean()
        if self.time_zone not in zoneinfo.available_timezones():
            from django.core.exceptions import ValidationError

            raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
