"""Library: the documents ShareCheck answers from and each one's versions; administrators add
documents or new versions of them, remove and re-read them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import streamlit as st

from assistant.service import Assistant
from core.passage import KINDS
from core.registry import DocumentRecord, DuplicateRecord, Registry, VersionRecord
from ingest.upload_store import UploadStore
from ui import services
from ui.auth import current_user, require_page
from ui.citations import escape_markdown
from ui.ingest_view import ingest_with_progress, show_report
from ui.uploads import UploadMeta, UploadRefused, remove_upload, save_upload, uploaded_files

LAST_INGEST_KEY = "library_last_ingest"


def past_review(record: DocumentRecord, today: date | None = None) -> bool:
    return bool(record.review_date) and date.fromisoformat(record.review_date) < (
        today or date.today()
    )


def document_rows(documents: list[DocumentRecord]) -> list[dict[str, object]]:
    return [
        {
            "Title": d.title,
            "Kind": d.kind,
            "Version": d.version,
            "Effective date": d.effective_date,
            "Review date": d.review_date,
            "Past review": past_review(d),
            "Passages": d.passages,
            "File": d.source,
            "Id": d.doc_id,
        }
        for d in documents
    ]


def version_rows(versions: list[VersionRecord], titles: dict[str, str]) -> list[dict[str, object]]:
    """Each document's versions, the current one first: what replaced what, and when."""
    return [
        {
            "Document": titles.get(v.doc_id) or v.title or v.doc_id,
            "Version": v.version,
            "Effective date": v.effective_date,
            "Status": _status(v),
            "Uploaded by": v.uploaded_by or ("" if not v.root else f"folder {Path(v.root).name}"),
            "Since": v.added_at[:16].replace("T", " "),
            "File": v.source,
            "Id": v.doc_id,
        }
        for v in versions
    ]


def _status(version: VersionRecord) -> str:
    if version.current:
        return "current"
    return f"{version.ended} {(version.ended_at or '')[:10]}".strip()


def versions_table(documents: list[DocumentRecord]) -> None:
    """Every version of the documents in the Library, and of documents since removed."""
    with closing(Registry.open(services.settings())) as registry:
        versions = registry.all_versions()
    if not versions:
        return
    titles = {d.doc_id: d.title for d in documents}
    with st.expander(f"Versions ({len(versions)})", icon=":material/history:"):
        st.caption(
            "A new version replaces the current one; an earlier version is never read again, "
            "even when its file is still in its folder."
        )
        st.dataframe(version_rows(versions, titles), hide_index=True, width="stretch")


def documents_table(assistant: Assistant) -> None:
    documents = assistant.documents()
    if not documents:
        st.info("No documents have been read yet.")
        return
    overdue = [escape_markdown(d.title) for d in documents if past_review(d)]
    if overdue:
        st.warning(
            f"{len(overdue)} document(s) passed their review date; answers citing them carry a "
            "warning: " + "; ".join(overdue)
        )
    st.dataframe(
        document_rows(documents), hide_index=True, width="stretch",
        column_config={
            "Past review": st.column_config.CheckboxColumn(help="review date has passed"),
            "Passages": st.column_config.NumberColumn(format="%d"),
        },
    )  # fmt: skip
    versions_table(documents)


def duplicate_notes(duplicates: list[DuplicateRecord]) -> list[str]:
    """One line per file not stored because it repeats a listed document in another format."""
    return [
        f"`{d.source}`: duplicate of `{d.duplicate_of}` (text similarity {d.similarity:.2f})"
        for d in duplicates
    ]


def duplicates_caption() -> None:
    """Files stored once: say which listed document each one repeats, so none looks lost."""
    with closing(Registry.open(services.settings())) as registry:
        notes = duplicate_notes(registry.duplicates())
    if notes:
        st.caption(
            f"{len(notes)} file(s) not listed because they are another format of a document "
            "above; answers come from the listed copy:  \n" + "  \n".join(notes)
        )


def ingest_then_refresh(assistant: Assistant, roots: list[Path]) -> None:
    """Ingest, then rerun so the table shows the result, with the ingest summary above it."""
    report = ingest_with_progress(assistant, roots, summary=False)
    if report is not None:
        st.session_state[LAST_INGEST_KEY] = report
        st.rerun()


def last_ingest() -> None:
    report = st.session_state.pop(LAST_INGEST_KEY, None)
    if report is not None:
        st.success("Documents updated.")
        show_report(report)


@contextmanager
def shared_uploads() -> Iterator[UploadStore | None]:
    """The uploaded files the shared registry keeps; None when the registry is not shared and
    the uploads folder is the only copy."""
    settings = services.settings()
    if not settings.registry_url:
        yield None
        return
    with closing(Registry.open(settings)) as registry:
        yield UploadStore.shared(settings, registry)


NEW_DOCUMENT = ""
UPLOAD_OF_KEY = "upload_of"
UPLOADED_KEY = "library_uploaded"


def upload_form(assistant: Assistant, folder: Path) -> None:
    documents = {d.doc_id: d for d in assistant.documents()}
    if st.session_state.pop(UPLOADED_KEY, False):
        st.session_state[UPLOAD_OF_KEY] = NEW_DOCUMENT  # the next upload starts as a new document
    doc_id = st.selectbox(
        "This upload is", [NEW_DOCUMENT, *sorted(documents, key=lambda i: documents[i].title)],
        format_func=lambda i: f"a new version of {documents[i].title} ({i})" if i else "a new document",
        key=UPLOAD_OF_KEY,
    )  # fmt: skip
    replaced = documents.get(doc_id)
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader(
            "Documents", accept_multiple_files=True,
            type=["pdf", "docx", "doc", "html", "htm", "md", "markdown", "txt"],
        )  # fmt: skip
        title = st.text_input(
            "Title (one file only; else taken from the document)",
            value=replaced.title if replaced else "",
        )
        kind = st.selectbox("Kind", KINDS, index=KINDS.index(replaced.kind if replaced else "agreement"))
        version = st.text_input("Version")
        effective = st.date_input("Effective date", value=None)
        review = st.date_input("Review date", value=None)
        submitted = st.form_submit_button("Add and read", type="primary")
    if not submitted or not files:
        return
    if replaced and len(files) > 1:
        st.error("A new version is one file: upload one at a time.")
        return
    user = current_user()
    meta = UploadMeta(
        title if len(files) == 1 else "", kind, version, review, effective, doc_id,
        user.name if user else "",
    )  # fmt: skip
    try:
        with shared_uploads() as shared:
            for upload in files:
                save_upload(
                    folder, upload.name, upload.getvalue(), meta, list(documents.values()), shared
                )
    except UploadRefused as error:
        st.error(str(error))
        return
    st.session_state[UPLOADED_KEY] = True
    ingest_then_refresh(assistant, [folder])


def remove_form(assistant: Assistant, folder: Path) -> None:
    with shared_uploads() as shared:  # uploads made on any instance, when shared
        names = shared.names() if shared else uploaded_files(folder)
    if not names:
        st.caption("No uploaded documents to remove.")
        return
    from_anywhere = shared is not None  # read from another instance's folder, maybe
    current = {
        d.source: d
        for d in assistant.documents()
        if Path(d.root) == folder.resolve() or (from_anywhere and d.source in names)
    }

    def label(name: str) -> str:
        doc = current.get(name)
        return f"{name}: {doc.title} {doc.version}".strip() if doc else f"{name} (not in use)"

    st.caption("Removing a document's current version removes the document: no earlier "
               "version comes back.")  # fmt: skip
    with st.form("remove"):
        name = st.selectbox("Uploaded document", names, format_func=label)
        confirmed = st.checkbox("Yes, remove it and its passages")
        submitted = st.form_submit_button("Remove")
    if submitted and name and confirmed:
        user = current_user()
        with shared_uploads() as shared:
            remove_upload(folder, name, shared, user.name if user else "admin")
        ingest_then_refresh(assistant, [folder])


def reread_all(assistant: Assistant, folder: Path) -> None:
    roots = {Path(d.root) for d in assistant.documents()} | {folder}
    st.caption("Reads changed files again and drops documents whose files have gone.")
    if st.button("Re-read all documents", icon=":material/sync:"):
        if services.settings().registry_url:  # restored from the shared registry (ingest)
            folder.mkdir(parents=True, exist_ok=True)
        ingest_then_refresh(assistant, sorted(r for r in roots if r.is_dir()))


def admin_tools(assistant: Assistant) -> None:
    folder = services.uploads_dir(services.settings())
    st.subheader("Manage documents")
    add, remove, reread, held = st.tabs(["Add", "Remove", "Re-read", "Held back"])
    with add:
        upload_form(assistant, folder)
    with remove:
        remove_form(assistant, folder)
    with reread:
        reread_all(assistant, folder)
    with held:
        held_back()


def held_back() -> None:
    """Passages that address a reader as a system: never quoted as guidance until an admin who has
    read them approves them as ordinary text."""
    parts = services.current()
    passages = [p for p in parts.store.all_passages() if p.passage_type == "instruction"]
    if not passages:
        st.caption("No passage reads as instructions to a system.")
        return
    st.caption(
        "These passages speak to an AI or system (\"ignore previous instructions\", \"you are an "
        "assistant\"). They stay citable but are never quoted as guidance. Approve one only if it is "
        "ordinary text of the document."
    )
    for passage in passages:
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(passage.citation_label())}** ({escape_markdown(passage.source)})")
            st.markdown(escape_markdown(passage.text))
            if st.button("Approve as ordinary text", key=f"approve-{passage.id}"):
                user = current_user()
                parts.registry.approve(passage.id, user.name if user else "admin")
                parts.store.update_metadata([replace(passage, passage_type="prose")])
                st.rerun()


def main() -> None:
    user = require_page("library")
    assistant = services.assistant()
    st.title("Library")
    st.caption("The documents answers are drawn from. Illustrative examples unless replaced.")
    last_ingest()
    documents_table(assistant)
    duplicates_caption()
    if user.role == "admin":
        admin_tools(assistant)


if __name__ == "__main__":
    main()
