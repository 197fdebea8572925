"""What ingest and assistant share: settings, the passage model, the embedder and the stores."""
