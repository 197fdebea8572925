"""ShareCheck's web app: sign in, then the pages your role may open.

Run with `make run` (or `streamlit run app.py`). Services are built once per process in
ui/services.py; each page checks the signed-in role itself, so a hidden page is also refused.
"""

from __future__ import annotations

import streamlit as st

from assistant.service import Assistant
from core.errors import ShareCheckError
from ui import auth, ingest_view, navigation, services


def assistant_or_stop() -> Assistant:
    """The assistant, or a message saying what stops it from starting (never a traceback)."""
    try:
        return services.assistant()
    except ShareCheckError as error:
        st.error(f"ShareCheck cannot start: {error}")
        st.stop()


def sign_in_page() -> None:
    st.title("ShareCheck")
    st.caption("Can I share this? Answers from Humberside FRS's information sharing documents.")
    auth.sign_in_form(services.users())
    # Load the model while the person types: their first question is then answered at once.
    assistant_or_stop()
    services.warm_up()


def signed_in_sidebar(user: auth.SignedIn) -> None:
    with st.sidebar:
        st.caption(f"Signed in as **{user.name}** ({user.role})")
        st.button("Sign out", icon=":material/logout:", on_click=auth.sign_out)


def warn_example_contacts() -> None:
    """Answers end with who to ask; while those contacts are examples, say so to admins."""
    examples = services.settings().contacts.still_examples()
    if examples:
        names = ", ".join("SHARECHECK_CONTACTS__" + name.upper() for name in examples)
        st.warning(
            f"Answers still tell staff to ask example contacts; set {names} to the service's own.",
            icon=":material/contact_phone:",
        )


def main() -> None:
    st.set_page_config(page_title="ShareCheck", page_icon=":material/share:", layout="centered")
    user = auth.current_user() or auth.oidc_user(services.users())
    if user is None:
        # A one-page navigation keeps the app_pages/ folder out of the menu until someone signs in.
        st.navigation([st.Page(sign_in_page, title="Sign in")], position="hidden").run()
        return
    if not ingest_view.ensure_corpus(assistant_or_stop(), services.first_start_corpus()):
        st.warning("There are no documents to answer from yet; an administrator can add them.")
    if user.role == "admin":
        warn_example_contacts()
    page = st.navigation(navigation.pages_for(user.role))
    signed_in_sidebar(user)
    page.run()


if __name__ == "__main__":
    main()
