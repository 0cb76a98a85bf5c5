"""English date formats of the site, on top of Django's own (`FORMAT_MODULE_PATH`).

Named for what they show, so any template can use them:
`{{ value|date:"SESSION_DATETIME_FORMAT" }}`.
Every name here is also in `studygroups/formats/es/formats.py`.
"""

# Tuesday 3 December 2026, 19:00
SESSION_DATETIME_FORMAT = "l j F Y, H:i"
# Tuesday 3 December 2026
WEEKDAY_DATE_FORMAT = "l j F Y"
# 3 December 2026
LONG_DATE_FORMAT = "j F Y"
# 3 Dec 2026, 19:00
DAY_MONTH_YEAR_TIME_FORMAT = "j M Y, H:i"
# 3 Dec 2026
DAY_MONTH_YEAR_FORMAT = "j M Y"
# 3 Dec
DAY_MONTH_FORMAT = "j M"
# Tue
WEEKDAY_ABBR_FORMAT = "D"
# 19:00 (a 24-hour clock in both languages)
CLOCK_TIME_FORMAT = "H:i"
