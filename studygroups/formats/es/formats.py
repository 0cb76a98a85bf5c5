"""Spanish date formats of the site, on top of Django's own (`FORMAT_MODULE_PATH`).

The same names as `studygroups/formats/en/formats.py`; Spanish writes weekdays and months
in lower case and joins day, month and year with "de".
"""

# martes, 3 de diciembre de 2026, 19:00
SESSION_DATETIME_FORMAT = r"l, j \d\e F \d\e Y, H:i"
# martes, 3 de diciembre de 2026
WEEKDAY_DATE_FORMAT = r"l, j \d\e F \d\e Y"
# 3 de diciembre de 2026
LONG_DATE_FORMAT = r"j \d\e F \d\e Y"
# 3 dic 2026, 19:00
DAY_MONTH_YEAR_TIME_FORMAT = "j b Y, H:i"
# 3 dic 2026
DAY_MONTH_YEAR_FORMAT = "j b Y"
# 3 dic
DAY_MONTH_FORMAT = "j b"
# mar
WEEKDAY_ABBR_FORMAT = "D"
# 19:00
CLOCK_TIME_FORMAT = "H:i"
