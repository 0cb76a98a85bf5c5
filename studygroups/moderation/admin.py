from django.contrib import admin

from .models import ModerationAction, Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["post", "reporter", "created_at", "resolved_at"]
    raw_id_fields = ["post", "reporter", "resolved_by"]


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "kind", "group", "discussion", "post"]
    list_select_related = ["actor", "group", "discussion__document"]
    raw_id_fields = ["actor", "group", "discussion", "post"]

    def has_change_permission(self, request, obj=None):
        return False
