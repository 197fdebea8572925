"""Small builders for ingest tests: documents written on the fly, an ingester on a temp store."""

from __future__ import annotations

from pathlib import Path

from core.embedding import HashingEmbedder
from core.settings import Settings
from ingest.lock import writer_lock
from ingest.pipeline import Ingester, IngestReport

CLAUSES = """# Example Agreement

## 1. Purpose
1.1 This agreement lets the fire service refer adults at risk to adult social care.

1.2 Referrals are made only where the adult consents or there is a risk of serious harm.

## 2. Security
2.1 Referrals must be sent by secure email and never by personal email or messaging apps.
"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def ingest(settings: Settings, *roots: Path) -> IngestReport:
    with writer_lock(settings.data_dir):
        ingester = Ingester(settings, HashingEmbedder())
        try:
            return ingester.run(list(roots))
        finally:
            ingester.close()


def outcome(report: IngestReport, source: str) -> tuple[str, str]:
    found = next(o for o in report.outcomes if o.source == source)
    return found.status, found.reason
