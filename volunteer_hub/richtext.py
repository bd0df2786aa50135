"""Markdown that organisations write, rendered to safe HTML: no scripts, no event handlers,
no styles; links open as plain links with `rel="nofollow noopener"`."""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "hr",
    "code", "pre",
}  # fmt: skip


@cache
def _parser() -> MarkdownIt:
    # commonmark with raw HTML switched off: HTML that is typed is shown as text
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def render_markdown(source: str) -> Markup:
    html = _parser().render(source or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="nofollow noopener",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above
