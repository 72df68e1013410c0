# Short Dutch dates in text and tables: day, lower-case month abbreviation, year.
DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y H:i"
