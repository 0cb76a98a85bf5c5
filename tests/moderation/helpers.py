from django.urls import reverse

HX = {"HTTP_HX_REQUEST": "true"}
MODERATION = {"post_hide", "post_unhide", "post_remove", "post_report"}


def url(name, p):
    """The URL of action `name` on post `p` (moderation's own, or the discussions')."""
    d = p.discussion
    namespace = "moderation" if name in MODERATION else "discussions"
    return reverse(
        f"{namespace}:{name}",
        kwargs={"group_slug": d.group.slug, "document_slug": d.document.slug, "post_id": p.pk},
    )
