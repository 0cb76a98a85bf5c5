"""The site itself: the home page and the demo loader, which bring the domain apps together.

`core` holds shared helpers and no domain; what needs several domain apps at once lives here.
(Always imported as `studygroups.site`, never as a top-level `site`, which is stdlib's.)
"""
