"""The ask service through its protocols, with small fakes: what reaches search and the answerer."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.extractive import ExtractiveAnswerer
from assistant.service import Assistant
from core.answer import Answer, Citation, Turn
from core.passage import Passage
from core.settings import Contacts, Settings
from governance.redact import Redactor
from retrieval.query import SearchQuery
from retrieval.search import Filters, Hit

PASSAGE = Passage(
    text="Crews may share an address with the police where it is necessary to prevent harm.",
    source="police-isa.md", title="Police ISA", clause="3.2",
)  # fmt: skip


@dataclass
class RecordingRetriever:
    queries: list[SearchQuery] = field(default_factory=list)
    reloads: int = 0

    def search(self, query: SearchQuery, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        self.queries.append(query)
        return [Hit(PASSAGE, 1.0, 0.9)]

    def reload(self) -> None:
        self.reloads += 1


@dataclass
class RecordingAnswerer:
    mode = "llm"
    histories: list[list[Turn]] = field(default_factory=list)

    def answer(self, question: str, citations: list[Citation], history: list[Turn]) -> Answer:
        self.histories.append(history)
        return Answer(question, "Yes [1].", citations, False, "llm")


@dataclass
class Library:
    version: str = "v1"

    def documents(self) -> list:  # type: ignore[type-arg]
        return []

    def corpus_version(self) -> str:
        return self.version

    def known_laws(self) -> frozenset[str] | None:
        return frozenset()


def assistant(tmp_settings: Settings, retriever: RecordingRetriever, answerer: RecordingAnswerer,
              library: Library) -> Assistant:  # fmt: skip
    return Assistant(
        tmp_settings, retriever=retriever, library=library, passage_count=lambda: 1,
        answerer=answerer, fallback=ExtractiveAnswerer(Contacts()),
        redactor=Redactor.from_settings(tmp_settings),
    )  # fmt: skip


def test_earlier_turns_reach_search_and_the_llm_redacted(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path)
    retriever, answerer = RecordingRetriever(), RecordingAnswerer()
    ask = assistant(settings, retriever, answerer, Library())
    earlier = Turn("Mrs Ellison at 14 Beverley Road, HU5 3QT, is hoarding. Can I tell the police?", "Yes [1].")
    ask.ask("and what if she says no?", history=[earlier], log_answer=False)
    sent = answerer.histories[0][0].question
    assert "Ellison" not in sent and "14 Beverley Road" not in sent and "HU5 3QT" not in sent
    assert "Ellison" not in retriever.queries[0].text


def test_a_corpus_changed_elsewhere_reloads_the_index_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    retriever, library = RecordingRetriever(), Library()
    ask = assistant(Settings(data_dir=tmp_path), retriever, RecordingAnswerer(), library)
    ask.ask("can I tell the police?", log_answer=False)
    assert retriever.reloads == 0
    library.version = "v2"  # another process ingested
    ask.ask("can I tell the police?", log_answer=False)
    ask.ask("can I tell the police?", log_answer=False)
    assert retriever.reloads == 1


def test_a_question_in_another_language_is_told_to_ask_in_english(tmp_path) -> None:  # type: ignore[no-untyped-def]
    answerer = RecordingAnswerer()
    ask = assistant(Settings(data_dir=tmp_path), RecordingRetriever(), answerer, Library())
    answer = ask.ask("A gaf i rannu manylion rhywun gyda'r heddlu heb eu caniatâd?", log_answer=False)
    assert answer.abstained and answer.verdict == "not_covered"
    assert "ShareCheck answers questions in English" in answer.text
    assert "not about sharing" not in answer.text
    assert not answerer.histories
