"""Reading a rendered page the way its user meets it: controls, their values, their errors.

A small wrapper over the standard library's HTML parser, so that tests can ask "what does
the name field show?" instead of matching fragments of markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
CONTROLS = {"input", "select", "textarea"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    ancestors: list[Element]
    parts: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.attrs.get("id", "")

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    def is_within(self, element_id: str) -> bool:
        return self.id == element_id or any(a.id == element_id for a in self.ancestors)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, list(self.open))
        self.elements.append(element)
        if tag not in VOID_ELEMENTS:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(
            Element(tag, {name: value or "" for name, value in attrs}, list(self.open))
        )

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        for element in self.open:
            element.parts.append(data)


class Page:
    def __init__(self, html: str | bytes):
        parser = _Parser()
        parser.feed(html.decode() if isinstance(html, bytes) else html)
        parser.close()
        self.elements = parser.elements
        self.text = " ".join(" ".join(e.text for e in self.elements if e.tag == "body").split())

    def by_id(self, element_id: str) -> Element | None:
        return next((e for e in self.elements if e.id == element_id), None)

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(name) == value for name, value in attrs.items())
        ]

    def with_class(self, css_class: str) -> list[Element]:
        return [e for e in self.elements if css_class in e.classes]

    def controls(self, name: str) -> list[Element]:
        return [e for e in self.elements if e.tag in CONTROLS and e.attrs.get("name") == name]

    def value(self, name: str) -> str | None:
        """What the control shows as its value, as the browser would send it."""
        controls = self.controls(name)
        if not controls:
            return None
        first = controls[0]
        if first.tag == "textarea":
            return first.text
        if first.tag == "select":
            selected = [
                e
                for e in self.elements
                if e.tag == "option" and first in e.ancestors and "selected" in e.attrs
            ]
            return selected[0].attrs.get("value", "") if selected else ""
        if first.attrs.get("type") in ("radio", "checkbox"):
            checked = [c for c in controls if "checked" in c.attrs]
            if not checked:
                return ""
            return checked[0].attrs.get("value", "on")
        return first.attrs.get("value", "")

    def radio_choices(self, name: str) -> dict[str, str]:
        """Each radio button's label text, by value."""
        choices = {}
        for control in self.controls(name):
            label = next((e for e in self.find("label") if e.attrs.get("for") == control.id), None)
            choices[control.attrs.get("value", "")] = label.text if label else ""
        return choices

    def is_marked_invalid(self, name: str) -> bool:
        return any(
            "is-invalid" in c.classes or c.attrs.get("aria-invalid") == "true"
            for c in self.controls(name)
        )

    def invalid_fields(self) -> set[str]:
        return {
            e.attrs["name"]
            for e in self.elements
            if e.tag in CONTROLS
            and ("is-invalid" in e.classes or e.attrs.get("aria-invalid") == "true")
        }

    def error_next_to(self, name: str) -> str | None:
        """The text of the error shown in the field's own block, or None."""
        controls = self.controls(name)
        if not controls:
            return None
        container = f"div_{controls[0].id.removesuffix('_0')}"
        feedback = [
            e for e in self.with_class("invalid-feedback") if e.is_within(container) and e.text
        ]
        return " ".join(e.text for e in feedback) if feedback else None

    def summary_links(self) -> list[tuple[str, str]]:
        """The links in the error summary at the top of the form: (href, text)."""
        summary = self.by_id("error-summary")
        if summary is None:
            return []
        return [
            (e.attrs.get("href", ""), e.text)
            for e in self.elements
            if e.tag == "a" and summary in e.ancestors
        ]

    def summary_link_reaches(self, href: str, name: str) -> bool:
        """Whether following the link lands on the field: its control, or a block that
        holds its controls and no other field's."""
        target = self.by_id(href[1:]) if href.startswith("#") and len(href) > 1 else None
        if target is None:
            return False
        held = {
            e.attrs.get("name")
            for e in self.elements
            if e.tag in CONTROLS and (e is target or target in e.ancestors)
        }
        return held == {name}
