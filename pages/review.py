"""Review: the governance review of logged answers (placeholder until the governance work lands)."""

from __future__ import annotations

import streamlit as st

from ui.auth import require_page


def main() -> None:
    require_page("review")
    st.title("Review")
    st.info("Reviewing logged answers is coming with the governance work.")


if __name__ == "__main__":
    main()
