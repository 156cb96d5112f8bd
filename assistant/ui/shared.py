"""What the UI's tabs share: who a call comes from, text with passages marked, and the language switch's list of
labelled components."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import gradio as gr
import pandas as pd

from assistant.ui.labels import headers, word
from bronvast.schema import Caller

Identify = Callable[[gr.Request], Caller | None]


def caller_of(identify: Identify | None, request: gr.Request | None) -> Caller | None:
    """The logged-in user (AccessDenied for nobody); None: the application's own caller (no identity configured)."""
    return identify(request) if identify else None


# What Markdown could read as syntax in running text: emphasis, code, images and links, headings, tables, e-mail
# autolinks, and the `://` and `www.` of bare links. Escaped with a backslash each shows as itself, so an image
# `![x](http://...)` stays text (a reader's browser fetches nothing) and no link is live. (& < > are HTML-escaped.)
MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]()!#|~@{}+])|:(?=//)|(?<=www)\.", re.IGNORECASE)


def inert_markdown(text: str) -> str:
    """Text from a document, a model or a user, for a Markdown view (the chat): shown as written, never as
    markup, images or links."""
    return MARKDOWN_SYNTAX.sub(lambda found: "\\" + found.group(0), html.escape(text, quote=False))


def marked_html(text: str, spans: list[tuple[int, int]]) -> str:
    """Untrusted text as inert HTML with each span in <mark>: every piece is escaped, and only our own <mark> tags
    are added around the escaped pieces. Overlapping spans become one mark, so tags never nest or cross."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, position = [], 0
    for start, end in merged:
        parts += [html.escape(text[position:start]), f"<mark>{html.escape(text[start:end])}</mark>"]
        position = end
    parts.append(html.escape(text[position:]))
    return "".join(parts)


class Translation:
    """The components whose words change with the language switch: each with the attribute that holds its words
    (label, value, placeholder, or a table's headers) and the key of those words in labels.py."""

    def __init__(self) -> None:
        self.entries: list[tuple[Any, str, str]] = []

    def add(self, component: Any, key: str, attribute: str = "label") -> Any:
        self.entries.append((component, attribute, key))
        return component

    @property
    def components(self) -> list[Any]:
        return [component for component, _, _ in self.entries]

    @property
    def tables(self) -> list[Any]:
        """The tables whose headers change: their rows come in, to go out again under the new headers."""
        return [component for component, attribute, _ in self.entries if attribute == "headers"]

    def updates(self, language: str, *tables: pd.DataFrame) -> list[dict]:
        rows = iter(tables)
        return [self.update(language, attribute, key, next(rows) if attribute == "headers" else None)
                for _, attribute, key in self.entries]

    @staticmethod
    def update(language: str, attribute: str, key: str, table: pd.DataFrame | None) -> dict:
        if table is None:
            return gr.update(**{attribute: word(language, key)})
        # A table's headers are part of its value: a new value keeps its rows (an empty table: only headers).
        names = headers(language, key)
        rows = table.values.tolist() if len(table.columns) == len(names) else []
        return gr.update(value=pd.DataFrame(rows, columns=names))
