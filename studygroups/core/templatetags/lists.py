"""Lists of names written the way the interface's language writes them:
"Ana, Luis y Marta" in Spanish, "Ana, Luis, and Marta" in English (CLDR, through Babel).

    {% load lists %}{{ authors|natural_list }}
"""

from babel.lists import format_list
from django import template
from django.utils import translation

register = template.Library()


@register.filter
def natural_list(value) -> str:
    items = [str(item) for item in (value or []) if str(item)]
    if not items:
        return ""
    locale = translation.to_locale(translation.get_language() or "en")
    try:
        return format_list(items, locale=locale)
    except ValueError:  # a locale Babel does not know: the site's source language
        return format_list(items, locale="en")
