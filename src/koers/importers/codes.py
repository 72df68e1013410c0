"""Item codes as documents write them.

'PE1-01', 'PE1-01-02', '1.2.1.1', 'II.1.2', '2025-3-2:', '01/04/SAP/01/06'.
"""

import re

CODE = re.compile(
    r"""^(?P<code>
        [A-Z]{1,5}\d{1,3}(?:-\d{1,3}){0,4}          # PE1-01-02, BD1, GB8-01-03
      | (?:[IVXL]{1,6}|\d{1,3})(?:\.\d{1,3}){1,5}  # 1.2.1.1, II.1.2
      | \d{4}(?:-\d{1,3}){1,4}(?=:)                # 2025-3-2:
      | \d{1,3}(?:/[A-Z0-9]{1,6}){2,7}             # 01/04/SAP/01/06
    )(?P<sep>[:.)]?)\s+(?P<rest>\S.*)$""",
    re.VERBOSE,
)
REFERENCE = re.compile(r"\b[A-Z]{1,5}\d{1,3}(?:-\d{1,3}){1,4}\b")


def leading_code(text: str) -> tuple[str, str] | None:
    """('PE1-01', 'Title') for 'PE1-01 Title'; None when the text starts with no code."""
    match = CODE.match(text.strip())
    if match is None:
        return None
    return match["code"], match["rest"].strip()


def parent_code(code: str) -> str | None:
    """The code one level up: PE1-01-02 → PE1-01 → PE1; 1.2.1 → 1.2; 01/04/SAP → 01/04."""
    for separator in ("-", ".", "/"):
        if separator in code:
            head = code.rsplit(separator, 1)[0]
            return head or None
    return None


def references(text: str) -> list[str]:
    """Codes mentioned in running text ('… (PE1-01-01)')."""
    return REFERENCE.findall(text)
