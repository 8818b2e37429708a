"""Who visits the network's pages is health data: the public pages load nothing from any
other host (no CDN, web font, analytics or image from elsewhere), their style sheets
included. Links to write an email are the one exception."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

PAGES = [
    "home",
    "privacy",
    "members:apply",
    "members:application_sent",
    "diagnoses:associations",
]
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "data", "background"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.stylesheets: list[str] = []
        self.inline_css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name in URL_ATTRIBUTES and value is not None:
                urls = (
                    [item.split()[0] for item in value.split(",")] if name == "srcset" else [value]
                )
                self.urls.extend(url.strip() for url in urls)
            if name == "style" and value:
                self.inline_css.append(value)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.stylesheets.append(attrs.get("href") or "")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.inline_css.append(data)


def links_of(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser


def is_own(url: str, host: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("mailto", "data"):
        return True
    return parsed.scheme in ("", "http", "https") and parsed.netloc in ("", host)


def css_urls(css: str) -> list[str]:
    return [first or second for first, second in CSS_URL.findall(css)]


@pytest.mark.parametrize("url_name", PAGES)
def test_a_public_page_loads_nothing_from_another_host(db, client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    host = response.wsgi_request.get_host()
    page = links_of(response.content.decode())

    assert page.urls, "the page has no links at all"
    elsewhere = [url for url in page.urls if not is_own(url, host)]
    assert elsewhere == []
    for css in page.inline_css:
        assert [url for url in css_urls(css) if not is_own(url, host)] == []

    assert page.stylesheets, "the page has no style sheet"
    for href in page.stylesheets:
        path = urlparse(urljoin(response.wsgi_request.path, href)).path
        assert path.startswith("/static/"), href
        found = finders.find(path.removeprefix("/static/"))
        assert found, f"{href} is not one of the project's own files"
        with open(found, encoding="utf-8") as stylesheet:
            css = stylesheet.read()
        assert [url for url in css_urls(css) if not is_own(url, host)] == [], href
