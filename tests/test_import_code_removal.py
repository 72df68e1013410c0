"""An action's title is its line without its code: the same text as the pattern it replaces."""

import re

from hypothesis import given
from hypothesis import strategies as st

from koers.importers.families.flemish_report import without_code


def _by_pattern(text: str, code: str) -> str:
    return re.sub(r"\(?\s*" + re.escape(code) + r"\s*\)?", "", text)


def test_codes_go_with_their_spaces_and_brackets():
    # the space before a bracket stays (the caller strips the ends)
    assert without_code("Fietspad naar de school (PE1-01-02)", "PE1-01-02") == (
        "Fietspad naar de school "
    )
    assert without_code("Speeltuin ( PE1-01-02 ) en plein", "PE1-01-02") == "Speeltuin  en plein"
    assert without_code("PE1-01-03 Fietspad", "PE1-01-03") == "Fietspad"
    assert without_code("Geen code hier", "PE1-01-03") == "Geen code hier"


@given(
    st.lists(st.sampled_from(["(", ")", " ", "\t", "PE1-01-02", "PE1-01", "x", "-", "é"])),
    st.sampled_from(["PE1-01-02", "PE1-01", "x", "("]),
)
def test_the_same_text_as_the_pattern_for_any_line(parts, code):
    text = "".join(parts)
    assert without_code(text, code) == _by_pattern(text, code)
