"""Settings (administrators): what ShareCheck is running with, and how to change it."""

from __future__ import annotations

import streamlit as st

from core.settings import Settings
from ui import services
from ui.auth import require_page
from ui.settings_view import database_locations, setting_rows

HOW_TO_CHANGE = """
Settings are read from environment variables when ShareCheck starts (names below; nested
groups use a double underscore). Set them in the service's environment or in the shell before
`make run`, then restart the app. For example, to use a local Ollama model:

```bash
export SHARECHECK_LLM__ENABLED=true
export SHARECHECK_LLM__PROVIDER=ollama
export SHARECHECK_LLM__MODEL=llama3.1:8b
export SHARECHECK_LLM__BASE_URL=http://127.0.0.1:11434
```

Accounts are managed on the server: `python -m assistant users add NAME --role ROLE`,
`users list`, `users remove NAME`.
"""


def llm_summary(settings: Settings) -> None:
    llm = settings.llm
    if not llm.enabled:
        st.info("The LLM answerer is **off**: answers are built from the documents' own sentences.")
        return
    where = llm.base_url or "the provider's default address"
    st.success(f"The LLM answerer is **on**: {llm.provider} model `{llm.model}` at {where}.")


def main() -> None:
    require_page("settings")
    settings = services.settings()
    st.title("Settings")
    llm_summary(settings)
    st.caption(f"Settings fingerprint (recorded with every answer): `{settings.fingerprint()}`")
    st.subheader("Where data is kept")
    st.table([{"What": k, "Where": v} for k, v in database_locations(settings).items()])
    st.subheader("Who staff are told to ask")
    st.table([{"Contact": k.replace("_", " "), "Shown as": v} for k, v in settings.contacts])
    st.subheader("All settings")
    st.dataframe(
        [{"Variable": r.variable, "Value": r.value} for r in setting_rows(settings)],
        hide_index=True, width="stretch",
    )  # fmt: skip
    st.markdown(HOW_TO_CHANGE)
    st.subheader("Accounts")
    st.dataframe(
        [{"Name": u.name, "Role": u.role, "Created": u.created_at} for u in services.users().users()],
        hide_index=True, width="stretch",
    )  # fmt: skip


if __name__ == "__main__":
    main()
