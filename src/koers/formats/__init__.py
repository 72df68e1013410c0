"""Koers's date formats per language, on top of Django's (FORMAT_MODULE_PATH): dates in
running text as a reader of the language expects them ("18 dec. 2026", "18 Dec 2026"), with
the month abbreviations of Django's own locale data."""
