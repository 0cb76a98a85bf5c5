from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreferences


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = NotificationPreferences
        fields = [
            "session_reminders",
            "reminder_lead_hours",
            "session_changes",
            "discussion_email",
            "report_email",
        ]
        labels = {
            "session_reminders": _("E-mail me a reminder before each session"),
            "reminder_lead_hours": _("Send reminders"),
            "session_changes": _("E-mail me when a session is moved or cancelled"),
            "discussion_email": _(
                "E-mail me about replies, mentions and posts in discussions I follow"
            ),
            "report_email": _("E-mail me when someone reports a post in a group I moderate"),
        }
        help_texts = {
            "session_reminders": "",
            "session_changes": "",
            "discussion_email": _("You always see notifications on the site."),
            "report_email": _("Only organizers and facilitators get these."),
        }
        widgets = {
            "discussion_email": forms.RadioSelect,
            "report_email": forms.RadioSelect,
        }

    SESSIONS = ("session_reminders", "reminder_lead_hours", "session_changes")

    def session_fields(self):
        return [self[name] for name in self.SESSIONS]
