"""Read the fields of a form on a page as a browser would send them (hidden version included)."""

import re
from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select = None
        self._option = None
        self._textarea = None

    @property
    def _fields(self):
        return self.forms[-1]["fields"] if self.forms else []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "fields": []})
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self._fields.append((attrs["name"], attrs.get("value", default)))
        elif tag == "select":
            self._select = {"name": attrs.get("name"), "chosen": [], "first": None}
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "selected": "selected" in attrs,
                "text": "",
            }
        elif tag == "textarea":
            self._textarea = {"name": attrs.get("name"), "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            option, self._option = self._option, None
            value = option["value"] if option["value"] is not None else option["text"].strip()
            if self._select["first"] is None:
                self._select["first"] = value
            if option["selected"]:
                self._select["chosen"].append(value)
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            if select["name"]:
                chosen = select["chosen"] or (
                    [select["first"]] if select["first"] is not None else []
                )
                self._fields.extend((select["name"], value) for value in chosen)
        elif tag == "textarea" and self._textarea is not None:
            area, self._textarea = self._textarea, None
            if area["name"]:
                self._fields.append((area["name"], area["text"].removeprefix("\n")))


def forms_on(page) -> list[dict]:
    html = page.content.decode() if hasattr(page, "content") else page
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_data(page, *, form_id: str | None = None, action: str | None = None) -> dict:
    """{name: [values]} of one form: the one with ``form_id``, the one whose action contains
    ``action``, or else the first that carries a version field."""
    for form in forms_on(page):
        attrs, names = form["attrs"], [name for name, _ in form["fields"]]
        if form_id is not None and attrs.get("id") != form_id:
            continue
        if action is not None and action not in (attrs.get("action") or ""):
            continue
        if (
            form_id is None
            and action is None
            and not any(re.fullmatch(r"(.+-)?version", name) for name in names)
        ):
            continue
        data: dict[str, list[str]] = {}
        for name, value in form["fields"]:
            if name != "csrfmiddlewaretoken":
                data.setdefault(name, []).append(value)
        return data
    raise AssertionError("no such form on the page")


def version_of(record) -> dict:
    """The version field a form of ``record`` carries, read from the database."""
    record.refresh_from_db(fields=["version"])
    return {"version": record.version}
