"""The ask service through its protocols, with small fakes: what reaches search and the answerer."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from assistant.extractive import ExtractiveAnswerer
from assistant.service import Asker, Assistant
from core.answer import DANGER_LINE, Answer, Citation, Turn
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
    hits: list[Hit] = field(default_factory=lambda: [Hit(PASSAGE, 1.0, 0.9)])

    def search(self, query: SearchQuery, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        self.queries.append(query)
        return self.hits

    def reload(self, corpus_version: str | None = None) -> None:
        self.reloads += 1


@dataclass
class RecordingAnswerer:
    mode = "llm"
    histories: list[list[Turn]] = field(default_factory=list)
    citations: list[list[Citation]] = field(default_factory=list)

    def answer(self, question: str, citations: list[Citation], history: list[Turn]) -> Answer:
        self.histories.append(history)
        self.citations.append(citations)
        return Answer(question, "Yes [1].", citations, False, "llm")


@dataclass
class Library:
    version: str = "v1"
    laws: frozenset[str] = frozenset()

    def documents(self) -> list:  # type: ignore[type-arg]
        return []

    def corpus_version(self) -> str:
        return self.version

    def known_laws(self) -> frozenset[str] | None:
        return self.laws


@dataclass
class RecordingRecorder:
    """The AnswerRecorder protocol: what would be logged, and who asked."""

    recorded: list[tuple[Answer, dict[str, str]]] = field(default_factory=list)

    def record(self, answer: Answer, *, user_id: str, role: str, session_id: str, corpus_version: str) -> int:
        who = {"user_id": user_id, "role": role, "session_id": session_id, "corpus_version": corpus_version}
        self.recorded.append((answer, who))
        return len(self.recorded)

    def add_feedback(self, answer_id: int, *, user_id: str, rating: str, reason: str = "") -> int:
        return 0


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


OLD_ISA = replace(PASSAGE, text="Crews may share a tenant's address with the police.", clause="4.1",
                  review_date="2024-03-31")  # fmt: skip


def test_hits_become_numbered_citations_and_the_answer_is_logged_with_who_asked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    retriever = RecordingRetriever(hits=[Hit(PASSAGE, 2.123456, 0.9), Hit(OLD_ISA, 1.5, 0.8)])
    answerer, recorder = RecordingAnswerer(), RecordingRecorder()
    settings = Settings(data_dir=tmp_path)
    ask = Assistant(
        settings, retriever=retriever, library=Library("v7"), passage_count=lambda: 2,
        answerer=answerer, fallback=ExtractiveAnswerer(Contacts()), recorder=recorder,
    )  # fmt: skip
    answer = ask.ask("can I tell the police?", asker=Asker("jsmith", "staff", "s1"))
    given = answerer.citations[0]
    assert [(c.n, c.passage, c.score) for c in given] == [(1, PASSAGE, 2.1235), (2, OLD_ISA, 1.5)]
    assert given[0].warning == "" and "passed its review date (2024-03-31)" in given[1].warning
    assert answer.log_id == 1 and answer.settings_hash == settings.fingerprint()
    assert recorder.recorded == [(answer, {"user_id": "jsmith", "role": "staff", "session_id": "s1",
                                           "corpus_version": "v7"})]  # fmt: skip


def test_weak_evidence_is_declined_without_asking_the_answerer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path)
    weak = settings.retrieval.abstain_below - 0.05
    answerer = RecordingAnswerer()
    ask = assistant(settings, RecordingRetriever(hits=[Hit(PASSAGE, 1.0, weak)]), answerer, Library())
    answer = ask.ask("can I tell the police?", log_answer=False)
    assert answer.abstained and answer.verdict == "not_covered" and not answer.citations
    assert f"best match {weak:.2f}" in answer.text
    assert not answerer.citations


def test_a_law_no_document_names_is_declined_naming_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    answerer = RecordingAnswerer()
    library = Library(laws=frozenset({"data protection act"}))
    ask = assistant(Settings(data_dir=tmp_path), RecordingRetriever(), answerer, library)
    answer = ask.ask("Does the Fire and Rescue Services Act let us share an address with the police?",
                     log_answer=False)  # fmt: skip
    assert answer.abstained and "they do not mention the Fire and Rescue Services Act" in answer.text
    assert not answerer.citations


def test_immediate_danger_puts_999_before_the_answer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ask = assistant(Settings(data_dir=tmp_path), RecordingRetriever(), RecordingAnswerer(), Library())
    answer = ask.ask("he's threatening her with a knife right now, can I tell the police?", log_answer=False)
    assert answer.danger and answer.verdict == "act_now"
    assert answer.text.startswith(f"**{DANGER_LINE}**") and answer.text.endswith("Yes [1].")
