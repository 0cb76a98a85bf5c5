"""Reports from members and the log of what moderators did about them.

The state a moderator changes lives on the moderated object (`Post.hidden_at`,
`Discussion.locked_at`); every change is written to `ModerationAction`, the log.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Report(models.Model):
    post = models.ForeignKey("discussions.Post", on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_report_per_member_and_post",
            )
        ]

    def __str__(self) -> str:
        return f"Report on post {self.post_id}"


class ModerationAction(models.Model):
    class Kind(models.TextChoices):
        HIDE = "hide", "hid a post"
        UNHIDE = "unhide", "restored a post"
        LOCK = "lock", "locked the discussion"
        UNLOCK = "unlock", "unlocked the discussion"
        RESOLVE = "resolve", "resolved a report"
        DELETE = "delete", "deleted a post"

    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="moderation_actions"
    )
    discussion = models.ForeignKey(
        "discussions.Discussion", on_delete=models.CASCADE, related_name="moderation_actions"
    )
    post = models.ForeignKey(
        "discussions.Post",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="moderation_actions",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_kind_display()}"
