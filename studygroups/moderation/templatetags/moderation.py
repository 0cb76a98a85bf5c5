"""Moderation's one template tag: the link to a group's queue with its count of open
reports, for pages of other apps that moderators see (the discussions never import
moderation; their templates load this tag instead). One COUNT query wherever it is used;
call it only where the viewer moderates (`{% if can.moderate %}`)."""

from django import template

from studygroups.moderation.selectors import open_report_count

register = template.Library()


@register.inclusion_tag("moderation/_queue_link.html")
def moderation_queue_link(group, css_class="button"):
    return {"group": group, "open_reports": open_report_count(group), "css_class": css_class}
