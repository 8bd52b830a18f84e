"""The neutral drafts every reader produces (`fastparse`, feedparser in `parse`, `jsonfeed`) and `parse` finishes.

A draft holds text as read from the document, before cleaning (NFC, controls, link schemes), identity and dedupe:
that work happens once, in `parse.finish_draft`, whichever reader made the draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["EntryDraft", "FeedDraft"]


@dataclass(slots=True)
class EntryDraft:
    """One item as read from the document, before cleaning, identity and dedupe."""

    id: str = ""
    title: str = ""
    title_is_html: bool = False
    link: str = ""
    author: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    date_text: str = ""
    """The raw date string, for the identity hash of items with neither id nor link."""
    summary_html: str = ""
    content_html: str = ""


@dataclass(slots=True)
class FeedDraft:
    title: str
    link: str
    format: str
    entries: list[EntryDraft]
    warning: str | None = None
