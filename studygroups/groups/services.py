"""The groups app's writes live in modules named for what they hold: `roster`
(groups, members, invitations), `sessions`, `schedule` (date arithmetic), `feeds`
(calendar addresses), `reminders`, `activity`. E-mail preferences and unsubscribing
belong to `studygroups.notifications`.
"""

# tests/groups/factories.py builds through these two; it moves to tests/factories.py later.
from .roster import group_create  # noqa: F401
from .sessions import session_create  # noqa: F401
