""""View in document": a cited passage in its place, as the region of its PDF page cropped and
zoomed to it, or among its neighbours."""

from __future__ import annotations

import base64
import html
import re
from contextlib import closing
from pathlib import Path

import streamlit as st

from assistant.service import Assistant
from core.passage import Passage
from core.registry import Registry
from ingest.upload_store import UploadStore
from ui import services
from ui.citations import escape_markdown
from ui.pdf_page import PageView, page_with_highlight

# Passages shown either side of the cited one when the document has no pages to render.
NEIGHBOURS = 2


# The cited region is shown at least this many CSS pixels per PDF point, so 10 pt body text is
# 12 px on any screen: on a phone the region scrolls sideways rather than shrinking unreadably.
READABLE_PX_PER_PT = 1.2


@st.cache_data(max_entries=64, show_spinner="Rendering the page…")
def _page_view(path: str, page: int, passage_text: str, mtime: float) -> PageView:
    return page_with_highlight(Path(path), page, passage_text)


def zoomed_html(view: PageView, page: int, alt: str) -> str:
    """The cited region as an image at least READABLE_PX_PER_PT wide, inside a box that scrolls
    sideways when the screen is narrower; `data-crop` names the region shown (PDF points)."""
    data = base64.b64encode(view.png).decode("ascii")
    crop = ",".join(f"{v:.2f}" for v in view.box)
    min_width = round(view.width_pt * READABLE_PX_PER_PT)
    return (
        '<div class="sharecheck-cited-region" style="overflow-x:auto">'
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}"'
        f' data-page="{page}" data-crop="{crop}" data-scale="{view.scale:g}"'
        f' style="display:block;width:100%;min-width:{min_width}px;max-width:none"></div>'
    )


@st.cache_data(max_entries=32, show_spinner=False)
def _passages_of(source: str, corpus_version: str) -> list[Passage]:
    """Every stored passage of one document, in reading order (page, clause, then as stored)."""
    store = services.current().store
    found = [(i, p) for i, p in enumerate(store.all_passages()) if p.source == source]
    found.sort(key=lambda item: (item[1].page, _clause_key(item[1].clause), item[0]))
    return [p for _, p in found]


def _clause_key(clause: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", clause))


def document_path(assistant: Assistant, source: str) -> Path | None:
    """The document's file on this machine: where it was read from, else (an upload made on
    another instance, the registry shared) this instance's copy restored from the registry."""
    record = next((d for d in assistant.documents() if d.source == source), None)
    if record is None:
        return None
    path = Path(record.root) / record.source
    if path.is_file():
        return path
    return _restored_upload(source) or path


def _restored_upload(source: str) -> Path | None:
    settings = services.settings()
    if not settings.registry_url:
        return None
    with closing(Registry.open(settings)) as registry:
        shared = UploadStore.shared(settings, registry)
        return shared.restore_one(source) if shared else None


def show_in_document(assistant: Assistant, passage: Passage) -> None:
    """The PDF page with the passage highlighted, else the passages around it."""
    path = document_path(assistant, passage.source)
    if path is not None and path.suffix.lower() == ".pdf" and passage.page and path.is_file():
        view = _page_view(str(path), passage.page, passage.text, path.stat().st_mtime)
        label = passage.page_label or str(passage.page)
        where = f"{passage.title}, page {label}"
        if view.found:
            st.html(zoomed_html(view, passage.page, f"{where}: the cited passage, highlighted"))
            st.caption(f"{escape_markdown(where)}: the cited passage, highlighted")
        else:
            st.image(view.png, caption=where, width="stretch")
            st.caption("The passage starts on this page but could not be marked on it.")
        return
    _show_neighbours(assistant, passage)


def _show_neighbours(assistant: Assistant, passage: Passage) -> None:
    passages = _passages_of(passage.source, assistant.corpus_version())
    at = next((i for i, p in enumerate(passages) if p.id == passage.id), None)
    if at is None:
        st.caption("This passage is no longer in the store; the document may have changed.")
        return
    for other in passages[max(0, at - NEIGHBOURS) : at + NEIGHBOURS + 1]:
        text = escape_markdown(other.text)
        if other.id == passage.id:
            with st.container(border=True):
                st.markdown(f":orange-badge[cited passage] {text}")
        else:
            st.caption(text)
