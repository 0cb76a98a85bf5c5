from django.contrib import admin

from .models import Discussion, Notification, Post, PostRevision


@admin.register(Discussion)
class DiscussionAdmin(admin.ModelAdmin):
    list_display = ["group", "document", "locked_at", "created_at"]
    list_select_related = ["group", "document"]
    search_fields = ["group__name", "document__title"]
    raw_id_fields = ["group", "document"]


class PostRevisionInline(admin.TabularInline):
    model = PostRevision
    extra = 0
    can_delete = False
    readonly_fields = ["body", "edited_by", "created_at"]
    exclude = ["body_html"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Read-mostly: posts are written through the site, whose services render and
    sanitize the body; moderators act through the site's moderation actions."""

    list_display = ["pk", "discussion", "author", "anchor", "created_at", "deleted_at", "hidden_at"]
    list_select_related = ["discussion__group", "discussion__document", "author"]
    list_filter = ["created_at"]
    search_fields = ["body", "author__email"]
    readonly_fields = [
        "discussion",
        "parent",
        "author",
        "body",
        "anchor",
        "quote",
        "quote_prefix",
        "quote_suffix",
        "question",
        "created_at",
        "edited_at",
        "deleted_at",
        "hidden_at",
        "hidden_by",
    ]
    exclude = ["body_html"]
    inlines = [PostRevisionInline]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "post", "created_at", "read_at", "emailed_at"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "post"]
