"""The contract every PassageStore back end must pass, written once (haystack's testing pattern).

A test module subclasses `PassageStoreContract` as `Test...` and provides a `settings` fixture
naming a fresh, empty collection (a data dir for local Chroma, a server URL for Chroma over
HTTP). Imported only by tests (it needs pytest).
"""

from __future__ import annotations

import numpy as np
import pytest

from core.embedding import DIMENSIONS, EmbedderMismatch, HashingEmbedder
from core.passage import Passage
from core.settings import Settings
from core.vectorstore import PassageStore

# Chroma refuses one add/upsert of more than this many records (its max_batch_size on SQLite).
CHROMA_MAX_BATCH = 5461
EMBEDDER = HashingEmbedder()


def passage(n: int, **fields: object) -> Passage:
    """A distinct passage: its own clause and words, so its id and vector are its own."""
    words = " ".join(f"w{n}x{i}" for i in range(4))
    defaults: dict[str, object] = {"source": "isa.md", "title": "ISA", "clause": f"{n}.1"}
    return Passage(text=f"Clause {n}: {words}.", **(defaults | fields))  # type: ignore[arg-type]


def unit_rows(count: int, seed: int = 7) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(count, DIMENSIONS)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


class PassageStoreContract:
    """Behaviour shared by the local (persistent) and server (HTTP) Chroma stores."""

    @pytest.fixture
    def settings(self) -> Settings:
        raise NotImplementedError

    @pytest.fixture
    def store(self, settings: Settings) -> PassageStore:
        return PassageStore(settings, EMBEDDER)

    # --- writing ------------------------------------------------------------------------------

    def test_upsert_with_the_same_id_keeps_one_copy_the_latest(self, store: PassageStore) -> None:
        first = [passage(1), passage(2)]
        store.upsert(first)
        store.upsert(first)
        changed = passage(1, title="ISA v2", passage_type="table")
        assert changed.id == first[0].id
        store.upsert([changed])
        assert store.count() == 2
        assert store.get([changed.id]) == [changed]

    def test_vectors_must_match_the_passages(self, store: PassageStore) -> None:
        with pytest.raises(ValueError, match="2 vectors given for 1 passages"):
            store.upsert([passage(1)], unit_rows(2))
        assert store.count() == 0

    def test_delete_removes_only_the_ids_given(self, store: PassageStore) -> None:
        kept, gone, also_kept = passage(1), passage(2), passage(3)
        store.upsert([kept, gone, also_kept])
        store.delete([gone.id, "never-stored"])
        assert store.count() == 2
        assert store.ids() == {kept.id, also_kept.id}
        assert store.existing([kept.id, gone.id]) == {kept.id}
        assert store.get([gone.id]) == []

    def test_a_store_another_embedder_built_is_refused(
        self, settings: Settings, store: PassageStore
    ) -> None:
        store.upsert([passage(1)])
        store.check_embedder()  # the embedder that built it

        class Int8(HashingEmbedder):
            name = "all-MiniLM-L6-v2+onnx-int8"

        with pytest.raises(EmbedderMismatch, match="SHARECHECK_EMBEDDING_BACKEND=torch"):
            PassageStore(settings, Int8()).check_embedder()

    def test_count_and_ids_of_an_empty_store(self, store: PassageStore) -> None:
        assert (store.count(), store.ids(), list(store.all_passages())) == (0, set(), [])
        assert store.search(EMBEDDER.embed(["anything"])[0], 5) == []

    def test_update_metadata_changes_what_get_returns(self, store: PassageStore) -> None:
        original = passage(1)
        store.upsert([original])
        moved = passage(1, also_in=("isa.docx",), page=4, page_label="ii")
        store.update_metadata([moved])
        assert store.get([original.id]) == [moved]

    # --- reading ------------------------------------------------------------------------------

    def test_get_returns_passages_in_the_order_asked(self, store: PassageStore) -> None:
        a, b, c = passage(1), passage(2), passage(3)
        store.upsert([a, b, c])
        assert store.get([c.id, a.id, b.id]) == [c, a, b]
        assert store.get([b.id, "never-stored", a.id]) == [b, a]
        assert store.get([]) == []

    def test_vectors_are_unit_length_and_in_the_order_asked(self, store: PassageStore) -> None:
        a, b, c = passage(1), passage(2), passage(3)
        store.upsert([a, b, c])
        got = store.vectors([c.id, a.id])
        expected = EMBEDDER.embed([c.embedding_text(), a.embedding_text()])
        assert got.shape == (2, DIMENSIONS)
        np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
        np.testing.assert_allclose(got, expected, atol=1e-6)
        assert store.vectors([]).shape == (0, 0)
        with pytest.raises(KeyError, match="never-stored"):
            store.vectors([a.id, "never-stored"])

    def test_metadata_round_trips_every_field(self, store: PassageStore) -> None:
        full = Passage(
            text="Share the minimum needed.", source="charter.pdf", title="Charter",
            kind="charter", clause="5.2(b)", section="Charter > 5. Sharing > 5.2 How", page=7,
            page_label="iv", doc_version="2.1", doc_hash="abc123", review_date="2027-03-31",
            also_in=("charter.docx", "charter.md"), passage_type="table",
        )  # fmt: skip
        bare = passage(2)
        store.upsert([full, bare])
        assert store.get([full.id, bare.id]) == [full, bare]
        assert sorted(store.all_passages(), key=lambda p: p.id) == sorted(
            [full, bare], key=lambda p: p.id
        )
        (found, _), *_ = store.search(EMBEDDER.embed([full.embedding_text()])[0], 1)
        assert found == full

    # --- searching ----------------------------------------------------------------------------

    def test_search_returns_the_nearest_with_cosine_similarity(self, store: PassageStore) -> None:
        passages = [passage(n) for n in range(1, 6)]
        rows = unit_rows(len(passages))
        store.upsert(passages, rows)
        query = rows[2] + 0.3 * rows[4]
        query = query / np.linalg.norm(query)
        hits = store.search(query, 3)
        expected = np.argsort(-(rows @ query))[:3]
        assert [p.id for p, _ in hits] == [passages[i].id for i in expected]
        np.testing.assert_allclose([s for _, s in hits], (rows @ query)[expected], atol=1e-4)
        assert len(store.search(query, 50)) == len(passages)  # n beyond the store: all of it

    def test_search_many_and_a_metadata_filter(self, store: PassageStore) -> None:
        passages = [passage(n, source="a.md" if n % 2 else "b.md") for n in range(1, 7)]
        rows = unit_rows(len(passages), seed=11)
        store.upsert(passages, rows)
        first, second = store.search_many([rows[0], rows[3]], 1)
        assert (first[0][0].id, second[0][0].id) == (passages[0].id, passages[3].id)
        assert first[0][1] == pytest.approx(1.0, abs=1e-4)
        only_b = store.search(rows[0], 10, where={"source": "b.md"})
        assert {p.source for p, _ in only_b} == {"b.md"} and len(only_b) == 3

    # --- more than one call to Chroma ---------------------------------------------------------

    @pytest.mark.slow  # about 10 s: 5,600 rows through HNSW on two cores
    def test_more_rows_than_one_chroma_call_takes(self, store: PassageStore) -> None:
        count = CHROMA_MAX_BATCH + 150
        passages = [passage(n) for n in range(count)]
        ids = [p.id for p in passages]
        rows = unit_rows(count, seed=3)
        store.upsert(passages, rows)
        assert store.count() == count
        assert store.ids() == set(ids)
        assert store.existing(ids) == set(ids)
        assert sum(1 for _ in store.all_passages()) == count
        picked = ids[::-500][:12]  # from the end backwards: across every batch, out of order
        assert [p.id for p in store.get(picked)] == picked
        np.testing.assert_allclose(store.vectors(picked), rows[[ids.index(i) for i in picked]],
                                   atol=1e-6)  # fmt: skip
        assert len(store.get(ids)) == count
        store.update_metadata([p.with_sources(("copy.md",)) for p in passages])
        assert store.get([ids[-1]])[0].also_in == ("copy.md",)
        store.delete(ids[: count - 10])
        assert store.ids() == set(ids[count - 10 :])
