"""Settings check their own invariants, and the reading limits come from settings."""

from __future__ import annotations

import pytest

from core.settings import IngestSettings, Settings


@pytest.mark.parametrize("overlap", [64, 100])
def test_overlap_must_be_less_than_the_passage(overlap: int) -> None:
    with pytest.raises(ValueError, match=rf"passage_overlap_tokens \({overlap}\) must be less than passage_tokens \(64\)"):
        Settings(passage_tokens=64, passage_overlap_tokens=overlap)


def test_overlap_from_the_environment_is_checked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARECHECK_PASSAGE_TOKENS", "48")
    monkeypatch.setenv("SHARECHECK_PASSAGE_OVERLAP_TOKENS", "48")
    with pytest.raises(ValueError, match="lower SHARECHECK_PASSAGE_OVERLAP_TOKENS"):
        Settings()


def test_a_smaller_overlap_is_accepted() -> None:
    settings = Settings(passage_tokens=64, passage_overlap_tokens=63)
    assert (settings.passage_tokens, settings.passage_overlap_tokens) == (64, 63)


def test_reading_limits_default_to_a_two_core_four_gigabyte_box(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().ingest == IngestSettings(read_timeout_s=120, read_memory_mb=1536, max_text_mb=20)
    monkeypatch.setenv("SHARECHECK_INGEST__READ_TIMEOUT_S", "30")
    monkeypatch.setenv("SHARECHECK_INGEST__READ_MEMORY_MB", "1024")
    assert (Settings().ingest.read_timeout_s, Settings().ingest.read_memory_mb) == (30, 1024)
    with pytest.raises(ValueError, match="read_memory_mb"):
        IngestSettings(read_memory_mb=16)
