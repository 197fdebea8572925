"""A running assistant follows ingests made elsewhere (the CLI, another app instance)."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.compose import build
from core.embedding import MiniLMEmbedder
from core.settings import Settings
from ingest.lock import writer_lock
from ingest.pipeline import Ingester
from tests.conftest import BUNDLED_CORPUS
from tests.ingest.helpers import write

LAMP = (
    "# Street lamp agreement\n\n1.1 Crews may share the location of a broken street lamp with "
    "the highways team of the council whenever they notice one on a visit.\n"
)


def ingest(settings: Settings, corpus: Path, embedder: MiniLMEmbedder) -> None:
    """An ingest with objects of its own, as `python -m ingest` would make."""
    with writer_lock(settings.data_dir):
        ingester = Ingester(settings, embedder)
        try:
            ingester.run([corpus])
        finally:
            ingester.close()


def test_documents_added_and_removed_by_another_ingest_are_followed(
    tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus)
    settings = Settings(data_dir=tmp_path / "data")
    ingest(settings, corpus, embedder)
    with build(settings, embedder, with_log=False) as parts:
        assert parts.assistant.ask("can I tell the police?", log_answer=False).citations

        # "the CLI" adds a document and removes one, in objects of its own
        write(corpus, "street-lamps.md", LAMP)
        (corpus / "police-isa.md").unlink()
        ingest(settings, corpus, embedder)

        found = parts.assistant.ask("can I report a broken street lamp to highways?", log_answer=False)
        assert found.citations[0].passage.source == "street-lamps.md"
        after = parts.assistant.ask("can I tell the police what we found?", log_answer=False)
        assert all(c.passage.source != "police-isa.md" for c in after.citations)
