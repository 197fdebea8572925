"""Finding the passages that answer a question: query reading, dense + BM25 search, fusion."""
