"""Dutch month abbreviations as the Unicode CLDR writes them ("18 dec. 2026", "1 mrt. 2026",
"5 mei 2026"), for Django's date format letter N (koers/formats/nl: "j N Y").

Django's own Dutch catalogue abbreviates without the dot ("dec"). These msgids are exactly
Django's (context "abbrev. month"), so the translations in Koers' catalogue take precedence
over Django's; they are listed here so that makemessages keeps them. Nothing imports this.
"""

from django.utils.translation import pgettext_lazy

MONTH_ABBREVIATIONS = (
    pgettext_lazy("abbrev. month", "Jan."),
    pgettext_lazy("abbrev. month", "Feb."),
    pgettext_lazy("abbrev. month", "March"),
    pgettext_lazy("abbrev. month", "April"),
    pgettext_lazy("abbrev. month", "May"),
    pgettext_lazy("abbrev. month", "June"),
    pgettext_lazy("abbrev. month", "July"),
    pgettext_lazy("abbrev. month", "Aug."),
    pgettext_lazy("abbrev. month", "Sept."),
    pgettext_lazy("abbrev. month", "Oct."),
    pgettext_lazy("abbrev. month", "Nov."),
    pgettext_lazy("abbrev. month", "Dec."),
)
