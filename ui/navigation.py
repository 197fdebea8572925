"""The pages of the app and which of them a role sees in its navigation."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from ui.auth import PageName, may_open


@dataclass(frozen=True)
class PageSpec:
    name: PageName
    script: str  # relative to app.py
    title: str
    icon: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("ask", "app_pages/ask.py", "Ask", ":material/chat:"),
    PageSpec("library", "app_pages/library.py", "Library", ":material/menu_book:"),
    PageSpec("training", "app_pages/training.py", "Training", ":material/school:"),
    PageSpec("review", "app_pages/review.py", "Review", ":material/fact_check:"),
    PageSpec("settings", "app_pages/settings.py", "Settings", ":material/settings:"),
)


def visible_pages(role: str) -> list[PageSpec]:
    """The pages a role may open, in menu order (Ask first: it is the default page)."""
    return [spec for spec in PAGES if may_open(role, spec.name)]


def pages_for(role: str) -> list[StreamlitPage]:
    return [
        st.Page(spec.script, title=spec.title, icon=spec.icon, default=spec.name == "ask")
        for spec in visible_pages(role)
    ]
