"""A running assistant follows ingests made elsewhere (the CLI, another app instance), on one
data dir or, with the registry in PostgreSQL and the vectors in a Chroma server, on another
machine's (its BM25 index built from the store when the shared corpus version changes)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from assistant.compose import build
from core.embedding import HashingEmbedder, MiniLMEmbedder
from core.registry import Registry
from core.settings import Settings
from eval import stack
from ingest.lock import writer_lock
from ingest.pipeline import Ingester
from tests.conftest import BUNDLED_CORPUS
from tests.ingest.helpers import CLAUSES, write
from tests.ingest.helpers import ingest as ingest_with_hashing

PG_URL = os.environ.get("SHARECHECK_TEST_PG_URL", "")

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


@pytest.fixture
def shared_engines(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A Chroma server and a PostgreSQL schema for the registry: (chroma_url, registry_url)."""
    if not PG_URL:
        pytest.skip("SHARECHECK_TEST_PG_URL is not set (scripts/start_postgres.sh prints one)")
    try:
        with stack.chroma_server(tmp_path / "chroma") as chroma_url:
            with stack.postgres_schema(PG_URL) as registry_url:
                yield chroma_url, registry_url
    except stack.Unavailable as why:
        pytest.skip(str(why))


def test_an_instance_follows_an_ingest_made_through_another(
    tmp_path: Path, shared_engines: tuple[str, str]
) -> None:
    """Two instances, each with a data dir of its own (two machines): what is ingested through
    the first is found by the second, whose BM25 index is built from the store, not copied."""
    chroma_url, registry_url = shared_engines
    first, second = (
        Settings(data_dir=tmp_path / name, chroma_url=chroma_url, registry_url=registry_url)
        for name in ("first", "second")
    )
    corpus = tmp_path / "corpus"
    write(corpus, "agreement.md", CLAUSES)
    ingest_with_hashing(first, corpus)
    with build(second, HashingEmbedder(), with_log=False) as parts:
        assert parts.search.lexical is not None and parts.search.lexical.ids  # built at start
        write(corpus, "street-lamps.md", LAMP)
        ingest_with_hashing(first, corpus)
        hits = parts.assistant.retrieve("can I report a broken street lamp to highways?")
        assert hits[0].passage.source == "street-lamps.md"
        with closing(Registry.open(second)) as registry:
            assert parts.search.lexical.version == registry.corpus_version()
    assert not second.registry_path.exists() and not second.lexical_dir.exists()
