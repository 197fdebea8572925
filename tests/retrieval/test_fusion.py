"""Fusion through the real store and BM25 index, with the hashing embedder (fast, no model)."""

from __future__ import annotations

from pathlib import Path

from core.embedding import HashingEmbedder
from core.settings import RetrievalSettings, Settings
from core.vectorstore import PassageStore
from retrieval.query import build_query
from retrieval.search import HybridSearch
from tests.ingest.helpers import ingest, write

# Clause 4.2 answers the question but only its neighbour 4.1 says what it is about: a clause read
# alone loses to a wordier one; read with its context it should win.
AGREEMENT = """# Tenancy agreement

## 4. Housing

4.1 This section is about passing a tenant's new address to the council housing team after a
fire, so that temporary accommodation can be arranged for the household quickly and safely, and
so that the housing team can tell the landlord, the insurer and the school transport service
where the family is staying while their home is repaired.

4.2 Crews may do so on the day they learn of it, by secure email from a Service account,
without waiting for a written request, and they must note in the visit record what was sent,
to whom, and why, before the end of the shift in which it happened.

## 9. Other matters

9.1 Team briefings about email etiquette and crews' rotas are held on the day shift, and the
council's address book for teams is updated quarterly by the housing office staff, who send a
new copy of it to every station by email whenever a team's details change during the year.
"""

QUESTION = "can crews email a tenant's new address to the council housing team on the day?"


def _rank(settings: Settings, context_weight: float, clause: str) -> int:
    retrieval = RetrievalSettings(context_weight=context_weight, parts_weight=0.0)
    embedder = HashingEmbedder()
    search = HybridSearch(retrieval, embedder, PassageStore(settings, embedder), settings.lexical_dir)
    hits = search.search(build_query(QUESTION, []), k=5)
    return [h.passage.clause for h in hits].index(clause)


def test_reading_a_clause_with_its_neighbours_lifts_it(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    write(tmp_path / "docs", "tenancy.md", AGREEMENT)
    ingest(settings, tmp_path / "docs")
    alone, in_context = _rank(settings, 0.0, "4.2"), _rank(settings, 3.0, "4.2")
    assert in_context < alone


def test_every_passage_is_stored_with_a_context_vector(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    write(tmp_path / "docs", "tenancy.md", AGREEMENT)
    ingest(settings, tmp_path / "docs")
    store = PassageStore(settings, HashingEmbedder())
    ids = sorted(store.ids())
    own = store.vectors(ids)
    context = store.context_vectors(ids, own)
    assert context.shape == own.shape
    assert store.context.count() == len(ids)
    assert (abs(context - own).sum(axis=1) > 0).all()  # a window, not the passage again
