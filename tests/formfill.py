"""Read a page's forms as a browser would, so a test can submit one: its own hidden fields
(versions, tokens), what is already chosen or typed, and the choices each field offers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, radio, checkbox, select, textarea, file, ...
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)  # a select's or a radio group's values
    selected: list[str] = field(default_factory=list)
    required: bool = False


@dataclass
class Form:
    method: str
    action: str
    id: str
    enctype: str
    fields: list[Field] = field(default_factory=list)

    def fill(self, day: date | None = None, **values: Any) -> dict[str, Any]:
        """As `data`, with every required field still empty given a plausible answer, as a
        practitioner would: the first choice, a date (`day`, today by default), some words."""
        day = day or date.today()
        out = self.data()
        for f in self.fields:
            if not f.name or f.name in values or f.kind in ("submit", "button", "file", "hidden"):
                continue
            part = re.search(r"_([012])$", f.name)
            if part and f.kind in ("text", "number") and not out.get(f.name):
                out[f.name] = str((day.day, day.month, day.year)[int(part.group(1))])
            elif f.name in out and f.kind == "radio":
                continue  # a group answered already (checked on the page, or filled above)
            elif f.kind == "radio":  # browsers do not mark radios required: answer each group
                out[f.name] = next(o for o in f.options if o)
            elif not f.required or out.get(f.name):
                continue
            elif f.kind == "checkbox":
                out[f.name] = f.value or "on"
            elif f.kind == "select":
                out[f.name] = next(o for o in f.options if o)
            elif f.kind == "email":
                out[f.name] = "someone@example.org"
            elif f.kind == "time":
                out[f.name] = "10:30"
            elif f.kind == "number":
                out[f.name] = "1"
            else:
                out[f.name] = "Written by the test that submits every form"
        out.update({k: v for k, v in values.items() if v is not None})
        for k in [k for k, v in values.items() if v is None]:
            out.pop(k, None)
        return out

    def names(self) -> set[str]:
        return {f.name for f in self.fields}

    def choices(self, name: str) -> list[str]:
        return [o for f in self.fields if f.name == name for o in f.options if o]

    def data(self, **values: Any) -> dict[str, Any]:
        """What the browser would send: what the page already holds, then `values` over it.
        A value of None leaves a field out."""
        out: dict[str, Any] = {}
        for f in self.fields:
            if f.kind in ("submit", "button", "file") or not f.name:
                continue
            if f.kind == "radio":
                if f.checked:
                    out[f.name] = f.value
            elif f.kind == "checkbox":
                if f.checked:
                    out.setdefault(f.name, []).append(f.value or "on")
            elif f.kind == "select":
                if f.selected:
                    out[f.name] = f.selected if len(f.selected) > 1 else f.selected[0]
            else:
                out[f.name] = f.value
        for name, value in values.items():
            if value is None:
                out.pop(name, None)
            else:
                out[name] = value
        return {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in out.items()}


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: Field | None = None
        self.option: str | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = Form(
                method=a.get("method", "get").lower(),
                action=a.get("action", ""),
                id=a.get("id", ""),
                enctype=a.get("enctype", ""),
            )
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            found = Field(
                a.get("name", ""),
                kind,
                a.get("value", ""),
                "checked" in a,
                required="required" in a,
            )
            if kind == "radio":
                group = next(
                    (f for f in self.current.fields if f.name == found.name and f.kind == "radio"),
                    None,
                )
                for f in [found] if group is None else [group]:
                    f.options.append(found.value)
            self.current.fields.append(found)
        elif tag == "button" and a.get("name"):
            self.current.fields.append(Field(a["name"], "button", a.get("value", "")))
        elif tag == "select":
            self.select = Field(a.get("name", ""), "select", required="required" in a)
            self.current.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            value = a.get("value")
            self.option = value
            self.select.options.append(value or "")
            if "selected" in a:
                self.select.selected.append(value or "")
        elif tag == "textarea":
            self.textarea = Field(a.get("name", ""), "textarea", required="required" in a)
            self.current.fields.append(self.textarea)

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def forms_in(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    for form in parser.forms:
        for f in form.fields:
            if f.kind == "textarea" and f.value.startswith("\n"):
                f.value = f.value[1:]  # the newline HTML drops after <textarea>
    return parser.forms


def post_form(html: str) -> Form:
    """The page's main form: the one with id main-form, else the only form that posts."""
    # Not the header's sign-out button: the page's own form.
    forms = [f for f in forms_in(html) if not f.action.rstrip("/").endswith("/sign-out")]
    main = [f for f in forms if f.id == "main-form" and f.method == "post"]
    posting = [f for f in forms if f.method == "post" and f.fields]
    found = main or posting
    assert found, "the page has no form that posts"
    return found[0]
