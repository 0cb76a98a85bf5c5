"""The rate of each rate-limited action, read from settings (`RATE_LIMITS`), by the name
of django-ratelimit's group. Views name it as a dotted path, so no app imports another's
limits: `@ratelimit(key="user", rate=RATE, group="post", method="POST")`."""

from django.conf import settings

RATE = "studygroups.core.ratelimits.rate"


def rate(group: str, request) -> str | None:
    return settings.RATE_LIMITS.get(group)
