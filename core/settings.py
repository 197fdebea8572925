"""One typed settings object for ShareCheck, read from the environment (prefix SHARECHECK_) once."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# all-MiniLM-L6-v2 reads at most 256 word pieces; the rest of a longer text is silently dropped.
MODEL_MAX_TOKENS = 256
# Chroma refuses a single add/upsert of more than 5461 records; stay well under.
CHROMA_BATCH = 2000


class Contacts(BaseModel):
    """Who staff are told to ask; names and contacts are the service's own, set per deployment."""

    line_manager: str = "your line manager or watch manager"
    safeguarding_lead: str = "the Service safeguarding lead (via Control out of hours)"
    data_protection_officer: str = "the Data Protection Officer (dpo@example.invalid)"

    def still_examples(self) -> list[str]:
        """The contacts that still hold this project's example values (".invalid" addresses):
        answers would send staff nowhere, so admins are told until they are set."""
        return [name for name, value in self.model_dump().items() if ".invalid" in value]


class LLMSettings(BaseModel):
    """The optional LLM answerer; off unless the user turns it on."""

    enabled: bool = False
    provider: Literal["ollama", "openai", "azure_openai"] = "ollama"
    model: str = "llama3.1:8b"
    base_url: str | None = None
    api_key: str | None = None
    api_version: str | None = None  # Azure only
    timeout_s: float = 30.0
    temperature: float = 0.0
    prompt: str = "answer_v2"


class RetrievalSettings(BaseModel):
    """Numbers that decide which passages an answer may cite; each is recorded with the answer."""

    top_k: int = Field(5, ge=1, le=50)
    # Candidates each search (whole question, each part, BM25) adds to the pool that is scored.
    candidates: int = Field(40, ge=5, le=500)
    # Weights of the standardised signals added to rank the pool (retrieval/search.py).
    dense_weight: float = Field(1.0, ge=0.0)
    # The window around each passage (core/context.py). 0.5 chosen on the development sets
    # (bundled, real-dev, shared-authored); frontline-blind measures it: eval/README.md.
    context_weight: float = Field(0.5, ge=0.0)
    lexical_weight: float = Field(1.0, ge=0.0)
    parts_weight: float = Field(1.0, ge=0.0)
    # The type prior: a passage that is not a form, contact block, contents or document-control
    # table (retrieval/search.py HUB_TYPES).
    prose_weight: float = Field(0.0, ge=0.0)
    # Add the legal terms for everyday wording to the searched text (retrieval/vocabulary.py).
    # Measured 2026-11-30 with `python -m eval.fusion` (search-level hit@5 / MRR@5): dev sets
    # pooled 0.738 / 0.494 with it, 0.738 / 0.485 without; frontline-blind (never fitted on)
    # 0.514 / 0.320 against 0.473 / 0.304. Written from glossaries, not from any question set.
    vocabulary: bool = True
    # What the whole-question dense signals (dense, context) embed: "as_asked", the question's
    # own words (the follow-up's earlier turn included), or "expanded", the words with the
    # abbreviations, everyday wording and vocabulary added (BM25 and the question parts read the
    # expanded text either way). Measured 2026-12-01 with `python -m eval.fusion` (search-level
    # hit@5 / MRR@5): dev sets pooled 0.745 / 0.525 as asked, 0.738 / 0.494 expanded (22 questions
    # ranked better, 11 worse); frontline-blind, measured once, 0.514 / 0.315 against 0.514 / 0.320.
    dense_query: Literal["as_asked", "expanded"] = "as_asked"
    # HNSW search breadth; Chroma's default (10) loses recall, measured in eval.bench.
    ef_search: int = Field(200, ge=10)
    # Cosine similarity of the best passage below which the documents are taken not to cover the
    # question; calibrated on the bundled gold set by eval (see eval/README.md).
    abstain_below: float = Field(0.30, ge=0.0, le=1.0)
    exclude_past_review: bool = False
    history_turns: int = Field(2, ge=0, le=10)


class StoreSettings(BaseModel):
    """How the passage index is built. Chroma applies these only when it creates a
    collection: an existing store keeps the values it was built with (`ingest --rebuild` empties
    the collections but does not re-create them), so use a new data dir or collection name."""

    # HNSW build breadth: neighbours weighed when linking each new vector. 200 (Chroma's default is
    # 100) buys recall at the cost of slower writes; eval.bench builds its synthetic stores narrower.
    ef_construction: int = Field(200, ge=1)
    # HNSW links kept per vector (Chroma's default is 16); more links, better recall, larger index.
    max_neighbors: int = Field(32, ge=2)


class IngestSettings(BaseModel):
    """Limits on reading one file. Each file is read in a child process held to them, so a hostile
    or broken file is stopped and reported while the rest of the folder is ingested."""

    # Wall-clock seconds to read one file. The slowest real document here (the 88-page GDPR PDF)
    # reads in about 7 s on 2 cores, so this leaves room for one over ten times its size.
    read_timeout_s: float = Field(120.0, gt=0)
    # Address space of the reading process (real documents here peak under 100 MB). Sized for a
    # 2-core, 4 GB box: the ingest process with the model (about 0.7 GB) plus one reader at this
    # limit stay under 4 GB.
    read_memory_mb: int = Field(1536, ge=256)
    # Text one file may give. 20 MB is about 20,000 passages, hours of embedding: a file giving more
    # (a decompression bomb, a dump) is refused; split a genuine one into smaller documents.
    max_text_mb: float = Field(20.0, gt=0)


class SessionSettings(BaseModel):
    """How long a sign-in lasts in a browser (accounts/sessions.py): reloads and bookmarks keep it."""

    # A shift: signed in once at the start, signed out by the end of it at the latest.
    hours: float = Field(12.0, gt=0)
    # A session unused this long ends (a station PC left signed in); a crew may not ask for hours.
    idle_minutes: float = Field(120.0, gt=0)


class Settings(BaseSettings):
    """Everything configurable, built once at start and passed to whoever needs it."""

    model_config = SettingsConfigDict(
        env_prefix="SHARECHECK_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Path("data")
    chroma_url: str | None = None
    log_url: str | None = None
    # Accounts, sign-ins and sessions in PostgreSQL (may be the log's database) instead of
    # DATA_DIR/users.sqlite, so every instance on every machine knows the same people.
    accounts_url: str | None = None
    # The document registry in PostgreSQL (may be the log's database) instead of
    # DATA_DIR/registry.sqlite, so every instance knows the same documents and versions, and
    # ingests on any of them take one lock (ingest/lock.py).
    registry_url: str | None = None
    collection: str = "passages"
    max_file_mb: float = Field(100.0, gt=0)
    lock_timeout_s: float = Field(0.0, ge=0.0)
    passage_tokens: int = Field(200, ge=32, le=MODEL_MAX_TOKENS)
    passage_overlap_tokens: int = Field(40, ge=0, le=128)
    # Which computation of the embedding model (core/embedding.py): the bundled weights exported to
    # ONNX and run as fp32 (the default: the same vectors as torch, without torch's start-up and
    # memory), through torch itself, or quantised to int8. A store holds one vector space only.
    embedding_backend: Literal["torch", "onnx-fp32", "onnx-int8"] = "onnx-fp32"
    retention_days: int = Field(2190, ge=1)  # six years, a common public-sector retention period
    ingest: IngestSettings = IngestSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    store: StoreSettings = StoreSettings()
    llm: LLMSettings = LLMSettings()
    contacts: Contacts = Contacts()
    session: SessionSettings = SessionSettings()

    @model_validator(mode="after")
    def _overlap_below_passage(self) -> Settings:
        """A passage must add text beyond what it repeats from the one before."""
        if self.passage_overlap_tokens >= self.passage_tokens:
            raise ValueError(
                f"passage_overlap_tokens ({self.passage_overlap_tokens}) must be less than "
                f"passage_tokens ({self.passage_tokens}); lower SHARECHECK_PASSAGE_OVERLAP_TOKENS "
                "or raise SHARECHECK_PASSAGE_TOKENS"
            )
        return self

    # Every file and folder under the data dir is named here, and only here.
    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def registry_path(self) -> Path:
        return self.data_dir / "registry.sqlite"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def log_database_url(self) -> str:
        return self.log_url or f"sqlite:///{(self.data_dir / 'log.sqlite').resolve()}"

    @property
    def users_path(self) -> Path:
        """The accounts, their sign-ins and sessions (accounts/)."""
        return self.data_dir / "users.sqlite"

    @property
    def anchors_dir(self) -> Path:
        """The log's signed checkpoints and key when SHARECHECK_LOG_ANCHOR_* name no other place."""
        return self.data_dir / "anchors"

    @property
    def cache_dir(self) -> Path:
        """Files derived once and kept (the redactor's word lists)."""
        return self.data_dir / "cache"

    @property
    def uploads_dir(self) -> Path:
        """Documents an admin uploaded in the app, ingested from here."""
        return self.data_dir / "uploads"

    @property
    def review_eval_path(self) -> Path:
        """Where "add to evaluation set" on the Review page appends reviewed questions."""
        return self.data_dir / "eval" / "gold" / "from-review.jsonl"

    def fingerprint(self) -> str:
        """A short hash of the settings that shape answers, recorded beside each answer."""
        shaping = {
            "retrieval": self.retrieval.model_dump(),
            "llm": self.llm.model_dump(exclude={"api_key"}),
            "passage_tokens": self.passage_tokens,
            "passage_overlap_tokens": self.passage_overlap_tokens,
        }
        blob = json.dumps(shaping, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:12]
