"""Validators shared by every app's forms and models."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Zero-width non-joiner and joiner are needed to write Persian, Indic scripts and emoji
# sequences; every other format character (U+200B, bidirectional overrides such as U+202E)
# only hides or reorders text.
ALLOWED_FORMAT_CHARACTERS = {"\u200c", "\u200d"}
REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def validate_plain_name(value: str) -> None:
    """A name shown to other people: one line of visible text. Refuses control characters
    (newlines, U+0085), line and paragraph separators (U+2028, U+2029), and invisible or
    text-direction characters (U+200B, U+202E), which could make one name look like
    another or reverse the text around it."""
    for ch in value:
        if ch in ALLOWED_FORMAT_CHARACTERS:
            continue
        if unicodedata.category(ch) in REFUSED_CATEGORIES:
            raise ValidationError(
                _(
                    "A name must be one line of visible text: remove the line break, "
                    "invisible or text-direction character (U+%(code)04X)."
                ),
                code="invisible_character",
                params={"code": ord(ch)},
            )
