"""Fusion through the real store and BM25 index, with the hashing embedder (fast, no model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

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
    search = HybridSearch(
        retrieval, embedder, PassageStore(settings, embedder), settings.lexical_dir
    )
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


# A request form repeats the words of every question about its agreement; the clause that decides
# says it in fewer of them. The type prior lets prose outrank the form.
WITH_FORM = """# Referral agreement

## 3. Onward sharing

3.1 Information received from a partner may be disclosed onward only with the written
agreement of the partner that supplied it.

## Appendix 2 - Information request form

Information requested: ________
Partner organisation: ________
Passed on to which other organisation: ________
Can it be passed on again (yes / no): ________
Signature: ________ Date: ________
"""


def _search(settings: Settings, **retrieval: Any) -> HybridSearch:
    embedder = HashingEmbedder()
    store = PassageStore(settings, embedder)
    return HybridSearch(RetrievalSettings(**retrieval), embedder, store, settings.lexical_dir)


def test_the_type_prior_lifts_a_clause_above_a_form_that_repeats_the_question(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    write(tmp_path / "docs", "referral.md", WITH_FORM)
    ingest(settings, tmp_path / "docs")
    query = build_query("can information from a partner be passed on to another organisation?", [])
    first = {}
    for prior in (0.0, 5.0):
        hits = _search(settings, prose_weight=prior).search(query, k=2)
        first[prior] = hits[0].passage
    assert first[0.0].passage_type == "form"  # the hub wins without the prior...
    assert first[5.0].clause == "3.1"  # ...and the deciding clause with it


def test_fusion_weights_come_from_settings_and_an_unknown_signal_is_refused(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    write(tmp_path / "docs", "referral.md", WITH_FORM)
    ingest(settings, tmp_path / "docs")
    search = _search(settings, lexical_weight=0.25, prose_weight=1.5)
    assert search.weights()["lexical"] == 0.25 and search.weights()["prose"] == 1.5
    pool = search.candidates(build_query("passed on to another organisation", []))
    assert pool is not None
    with pytest.raises(ValueError, match="no signal named maxsim"):
        pool.fused({"maxsim": 1.0})
    # Only the ratios matter: doubling every weight ranks the pool the same way.
    weights = search.weights()
    once, twice = pool.fused(weights), pool.fused({k: 2 * w for k, w in weights.items()})
    assert list(np.argsort(-once)) == list(np.argsort(-twice))


# A clause in the staff's own words beside a definitions clause made of the legal terms the query
# expansion adds ("pass on" -> disclosure, third party; "can I" -> lawful, permitted). Embedded
# with that tail, the question's vector leans to the definitions; embedded as asked, to the clause.
PLAIN_AND_LEGAL = """# Housing agreement

## 2. Definitions

2.1 Disclosure to a third party: to share or disclose. A disclosure to a third party is lawful
and permitted only when a partner may share.

## 5. Addresses

5.1 Crews may pass a tenant's new address on to the council housing team on the day they learn
of it.
"""


def test_the_dense_signals_read_the_question_as_asked(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    write(tmp_path / "docs", "housing.md", PLAIN_AND_LEGAL)
    ingest(settings, tmp_path / "docs")
    query = build_query("can I pass on a tenant's new address to the housing team?", [], 2, True)
    assert "third party" in query.text and "third party" not in query.plain
    first = {}
    for dense_query in ("expanded", "as_asked"):
        search = _search(settings, lexical_weight=0.0, parts_weight=0.0, dense_query=dense_query)
        first[dense_query] = search.search(query, k=2)[0].passage.clause
    assert first == {"expanded": "2.1", "as_asked": "5.1"}


def test_a_follow_up_is_embedded_with_its_earlier_question_but_no_additions() -> None:
    query = build_query("what if he says no?", ["can I pass his details to the council?"])
    assert query.plain == "can I pass his details to the council? what if he says no?"
    assert query.dense_text(as_asked=True) == query.plain
    assert query.dense_text(as_asked=False) == query.text != query.plain
