from django.contrib import admin

from .models import EmailOptOut, NotificationPreferences


@admin.register(NotificationPreferences)
class NotificationPreferencesAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "session_reminders",
        "reminder_lead_hours",
        "session_changes",
        "discussion_email",
        "report_email",
        "updated_at",
    ]
    list_filter = ["discussion_email", "report_email", "session_reminders", "session_changes"]
    raw_id_fields = ["user"]


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["email"]
