"""The Passage model: its type is stored with it, old stores without one still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.embedding import HashingEmbedder
from core.passage import Passage
from core.settings import Settings
from core.vectorstore import PassageStore

CLAUSE = Passage(text="1.1 Referrals go by secure email.", source="isa.md", title="ISA", clause="1.1")


def test_the_type_is_in_the_metadata_and_not_in_the_id() -> None:
    contact = Passage(
        text=CLAUSE.text, source="isa.md", title="ISA", clause="1.1", passage_type="contact"
    )
    assert CLAUSE.passage_type == "prose"
    assert contact.to_metadata()["passage_type"] == "contact"
    assert contact.id == CLAUSE.id
    assert Passage.from_record(contact.text, contact.to_metadata()) == contact


def test_a_record_from_before_types_reads_as_prose() -> None:
    metadata = CLAUSE.to_metadata()
    del metadata["passage_type"]
    assert Passage.from_record(CLAUSE.text, metadata) == CLAUSE


def test_a_type_outside_the_closed_set_is_refused() -> None:
    with pytest.raises(ValueError, match="passage_type 'paragraph' is not one of prose, list"):
        Passage(text="x", source="a.md", title="A", passage_type="paragraph")


def test_a_chroma_store_written_before_types_still_loads(tmp_path: Path) -> None:
    store = PassageStore(Settings(data_dir=tmp_path / "data"), HashingEmbedder())
    old = CLAUSE.to_metadata()
    del old["passage_type"]
    store.collection.upsert(
        ids=[CLAUSE.id], documents=[CLAUSE.text], metadatas=[old],
        embeddings=[HashingEmbedder().embed([CLAUSE.text])[0].tolist()],
    )  # fmt: skip
    assert list(store.all_passages()) == [CLAUSE]
    assert store.get([CLAUSE.id])[0].passage_type == "prose"
