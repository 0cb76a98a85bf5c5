from django.contrib import admin

from .models import (
    RSVP,
    Attendance,
    Group,
    GroupActivity,
    Invitation,
    Membership,
    SentReminder,
    Session,
    SessionReading,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "state", "hide_progress"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "visibility", "join_policy", "time_zone", "curriculum", "created_at"]
    list_filter = ["visibility", "join_policy"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["curriculum"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "role", "state", "created_at"]
    list_filter = ["role", "state"]
    search_fields = ["user__email", "user__display_name", "group__name"]
    list_select_related = ["user", "group"]
    raw_id_fields = ["user", "group"]


class SessionReadingInline(admin.TabularInline):
    model = SessionReading
    extra = 0
    raw_id_fields = ["document"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """Prefer the group's pages for rescheduling: they notify members; the admin does not."""

    list_display = ["title", "group", "starts_at", "ends_at", "state"]
    list_filter = ["state", "group"]
    search_fields = ["title", "group__name", "notes"]
    date_hierarchy = "starts_at"
    list_select_related = ["group"]
    filter_horizontal = ["units"]
    inlines = [SessionReadingInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["group", "email", "role", "uses", "max_uses", "expires_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["group__name", "email"]
    readonly_fields = ["token", "uses"]
    list_select_related = ["group"]


@admin.register(RSVP)
class RSVPAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "answer", "updated_at"]
    list_filter = ["answer"]
    list_select_related = ["session", "user"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "present", "updated_at"]
    list_select_related = ["session", "user"]


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "kind", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["session", "user"]


@admin.register(GroupActivity)
class GroupActivityAdmin(admin.ModelAdmin):
    list_display = ["group", "kind", "message", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["group"]
