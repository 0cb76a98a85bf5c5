"""Discussions: a group's conversation about one document, as a tree of posts.

The tree is a materialized path: every post's `path` is its ancestors' ids followed by its
own, each as a fixed-width decimal segment. Ordering by `path` gives depth-first display
order (each reply under its parent, siblings oldest first) in one query, with no recursion
and no extra app.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

PATH_SEGMENT = 12  # digits per id in Post.path
MAX_DEPTH = 90  # Post.path max_length / PATH_SEGMENT, with room to spare
BODY_MAX = 10_000
QUOTE_MAX = 1_000
CONTEXT_CHARS = 40  # characters of context kept either side of a quote


class ThreadKey(models.Func):
    """A post's thread key: the first segment of its path, which is its root's path.
    The numbers are written into the SQL (not bound as parameters), so a query's
    expression is the index's expression and the database uses the `post_thread` index."""

    function = "SUBSTR"
    template = f"%(function)s(%(expressions)s, 1, {PATH_SEGMENT})"
    output_field = models.CharField()

    def __init__(self, expression="path", **extra):
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="SUBSTRING", **extra_context)


def new_version() -> int:
    return secrets.randbits(62)


class Discussion(models.Model):
    """One group's discussion of one document. Created when the first post is written.

    `version` changes on every write to the discussion's posts (and when an author's
    public name changes), by database triggers (migration 0007), so no writer can forget
    it: it keys the discussion page's cached threads (`page_cache`). It is a random
    number rather than a counter so that a key cached for an earlier database (a test
    rolled back, a restored backup) can never match a new discussion with the same id.
    """

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="discussions")
    document = models.ForeignKey(
        "library.Document", on_delete=models.CASCADE, related_name="discussions"
    )
    locked_at = models.DateTimeField(
        null=True, blank=True, help_text="When set, nobody can post or edit."
    )
    slow_mode_seconds = models.PositiveIntegerField(
        default=0, help_text="The least time between one member's posts here (0: no limit)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveBigIntegerField(default=new_version, editable=False)

    class Meta:
        ordering = ["group", "document"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "document"], name="unique_discussion_per_group_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} on {self.document}"

    def get_absolute_url(self) -> str:
        return reverse(
            "discussions:document",
            kwargs={"group_slug": self.group.slug, "document_slug": self.document.slug},
        )

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class PostQuerySet(models.QuerySet):
    def in_display_order(self):
        return self.order_by("path")

    def live(self):
        """Neither deleted by the author nor hidden by a moderator."""
        return self.filter(deleted_at__isnull=True, hidden_at__isnull=True)

    def detached(self):
        """Posts whose passage is no longer in the text (replies included)."""
        return self.filter(detached_at__isnull=False)

    def general(self):
        """Posts of the general discussion: on no paragraph and not detached from one."""
        return self.filter(anchor="", detached_at__isnull=True)

    def for_display(self):
        return self.select_related("author", "question").in_display_order()


class Post(models.Model):
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="posts")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    path = models.CharField(max_length=1100, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    body = models.TextField(max_length=BODY_MAX)
    body_html = models.TextField(editable=False)
    anchor = models.CharField(
        max_length=40,
        blank=True,
        help_text="The paragraph (block anchor) the thread is about; replies inherit it.",
    )
    quote = models.TextField(max_length=QUOTE_MAX, blank=True)
    quote_prefix = models.CharField(max_length=CONTEXT_CHARS * 2, blank=True)
    quote_suffix = models.CharField(max_length=CONTEXT_CHARS * 2, blank=True)
    # Text-position selector: where the quote is in its paragraph's text (whitespace
    # squashed, as `anchoring.locate_quote` reads it), updated when the text changes.
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    quote_end = models.PositiveIntegerField(null=True, blank=True)
    text_revision = models.PositiveIntegerField(
        default=1, help_text="The document's text revision the post was written on."
    )
    detached_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its passage left the text; shown under “On passages no longer in "
        "the text” until a moderator re-attaches it.",
    )
    detached_anchor = models.CharField(
        max_length=40, blank=True, help_text="The paragraph it was on before it was detached."
    )
    question = models.ForeignKey(
        "curricula.DiscussionQuestion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by_moderator = models.BooleanField(
        default=False, help_text="Deleted by a moderator rather than by its author."
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Why it is hidden, as members see it (a category's label) and as its author reads it.
    hidden_category = models.CharField(max_length=40, blank=True)
    hidden_reason = models.CharField(max_length=500, blank=True)
    awaiting_approval = models.BooleanField(
        default=False,
        help_text="Pre-moderated: hidden (hidden_at set) until a moderator approves it.",
    )
    pinned_at = models.DateTimeField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        indexes = [
            models.Index(fields=["discussion", "anchor"], name="post_discussion_anchor"),
            # A thread's posts by their thread key (the root's path, the first segment of
            # every path in it): `threads.thread_nodes` reads a page's threads by it.
            models.Index(F("discussion"), ThreadKey(), name="post_thread"),
            # The discussion's latest post (`selectors.discussion_frame`: is anything new
            # to the viewer?), one index step however long the discussion.
            models.Index(fields=["discussion", "created_at"], name="post_discussion_created"),
            # A member's posts in a discussion: whether they wrote there (the page's
            # frame, on every visit) and which questions they answered (the answer gate).
            models.Index(fields=["discussion", "author"], name="post_discussion_author"),
            # A discussion's threads in page order (`selectors._path_order_page`): its
            # roots (general, or on one paragraph) by path, with every column the page's
            # filters read, so that counting them and walking to a page read no row.
            models.Index(
                fields=[
                    "discussion",
                    "anchor",
                    "path",
                    "parent",
                    "awaiting_approval",
                    "author",
                    "question",
                    "detached_at",
                    "hidden_at",
                    "pinned_at",
                ],
                condition=Q(parent__isnull=True),
                name="post_roots",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"], name="unique_post_idempotency_key"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(question__isnull=True),
                name="post_question_only_on_top_level",
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} by {self.author}"

    def get_absolute_url(self) -> str:
        discussion = self.discussion
        return reverse(
            "discussions:post",
            kwargs={
                "group_slug": discussion.group.slug,
                "document_slug": discussion.document.slug,
                "post_id": self.pk,
            },
        )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_detached(self) -> bool:
        return self.detached_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def root_id(self) -> int:
        return int(self.path[:PATH_SEGMENT]) if self.path else self.pk

    @property
    def author_name(self) -> str:
        return self.author.public_name if self.author else gettext("A former member")


class PostRevision(models.Model):
    """The text of a post before an edit. Visible to moderators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    body_html = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Revision of post {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class ReadState(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_reads"
    )
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="read_states")
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "discussion"], name="unique_read_state")
        ]

    def __str__(self) -> str:
        return f"{self.user} saw {self.discussion} at {self.last_seen_at}"


class Follow(models.Model):
    """Following is automatic on posting; `following=False` records a choice to stop."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_follows"
    )
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="follows")
    following = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "discussion"], name="unique_follow")]

    def __str__(self) -> str:
        return f"{self.user} {'follows' if self.following else 'unfollowed'} {self.discussion}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", gettext_lazy("replied to your post")
        MENTION = "mention", gettext_lazy("mentioned you")
        FOLLOWED = "followed", gettext_lazy("posted in a discussion you follow")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Sent by e-mail, alone or in a digest (or dropped at send time because "
        "the recipient may no longer see the post).",
    )
    email_claim = models.UUIDField(
        null=True, blank=True, editable=False, help_text="The sending run that owns it now."
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "post"], name="unique_notification_per_post"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The quiet window's question, "was this member e-mailed lately?", asked for
            # every follower at every post: only e-mailed rows, newest reachable first.
            models.Index(
                fields=["recipient", "emailed_at"],
                condition=models.Q(emailed_at__isnull=False),
                name="notification_emailed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.get_kind_display()} ({self.post_id})"
