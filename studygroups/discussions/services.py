"""Kept only for imports from outside the app that still name it
(`tests/discussions/factories.py`); new code imports `posting` directly.

The writes live in `posting.py`; thread trees in `threads.py`; questions and the answer
gate in `questions.py`; Markdown and mentions in `rendering.py`; quotations in
`anchoring.py`; notifications in `notifications.py`; exports in `export.py`."""

from .posting import post_create, post_reply

__all__ = ["post_create", "post_reply"]
