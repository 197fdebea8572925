"""Files -> passages -> store: readers, structure, chunking and the idempotent pipeline."""
