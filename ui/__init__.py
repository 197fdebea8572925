"""Streamlit presentation helpers: services, sign-in, answers and citations, documents."""
