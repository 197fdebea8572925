"""Answers questions from the store and logs them: retrieval, answerers, governance."""
