"""ShareCheck's web app: sign in, then the pages your role may open.

Run with `make run` (or `streamlit run app.py`). Services are built once per process in
ui/services.py; each page checks the signed-in role itself, so a hidden page is also refused.
"""

from __future__ import annotations

import streamlit as st

from assistant.service import Assistant
from core.errors import ShareCheckError
from ui import auth, conversation, ingest_view, navigation, review, services

# How often the sign-in page checks whether the background warm-up has finished.
READINESS_POLL_S = 2.0
ENDED_KEY = "session_ended"


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
    if st.session_state.pop(ENDED_KEY, False):
        st.info(auth.SESSION_ENDED, icon=":material/timer_off:")
    auth.clear_cookie()
    auth.sign_in_form(services.users())
    readiness()


@st.fragment(run_every=READINESS_POLL_S)
def readiness() -> None:
    """Whether answers are ready yet: the model loads in the background while people sign in."""
    warm = services.start_warm_up()
    if warm.error:
        st.error(f"ShareCheck cannot answer yet: {warm.error}")
    elif warm.ready:
        st.caption(":material/check_circle: Answers are ready.")
    else:
        st.caption(
            ":material/hourglass_top: Getting answers ready (after a restart this takes about "
            "half a minute); you can sign in now."
        )


def sign_in_navigation() -> None:
    """Only the sign-in page, at every page's address too: a bookmark of /library shows the
    form (not "Page not found") and, once signed in, opens the Library."""
    pages = [st.Page(sign_in_page, title="Sign in", default=True)] + [
        st.Page(sign_in_page, title="Sign in", url_path=spec.name) for spec in navigation.PAGES
    ]
    st.navigation(pages, position="hidden").run()


def sign_out(user: auth.SignedIn) -> None:
    """End the session everywhere and forget its conversation."""
    conversation.kept().forget(user.session_id)
    auth.sign_out(services.users())


def signed_in_sidebar(user: auth.SignedIn) -> None:
    with st.sidebar:
        st.caption(f"Signed in as **{user.name}** ({user.role})")
        st.button("Sign out", icon=":material/logout:", on_click=sign_out, args=(user,))
        auth.hand_over_cookie(services.users())


def warn_example_contacts() -> None:
    """Answers end with who to ask; while those contacts are examples, say so to admins."""
    examples = services.settings().contacts.still_examples()
    if examples:
        names = ", ".join("SHARECHECK_CONTACTS__" + name.upper() for name in examples)
        st.warning(
            f"Answers still tell staff to ask example contacts; set {names} to the service's own.",
            icon=":material/contact_phone:",
        )


def signed_in_user() -> auth.SignedIn | None:
    """This tab's user while their session is live; else the one a session cookie or Microsoft
    sign-in names; else no one."""
    users = services.users()
    user = auth.current_user()
    if user is not None and not auth.still_signed_in(users, user):
        st.session_state[ENDED_KEY] = True
        user = None
    return user or auth.resumed_user(users) or auth.oidc_user(users)


def main() -> None:
    st.set_page_config(page_title="ShareCheck", page_icon=":material/share:", layout="centered")
    user = signed_in_user()
    if user is None:
        sign_in_navigation()
        return
    # The registry says whether documents are stored without waiting for the model: a page opens
    # at once, while the background warm-up finishes, and only asking waits for it.
    if not review.documents(services.settings()) and not ingest_view.ensure_corpus(
        assistant_or_stop(), services.first_start_corpus()
    ):
        st.warning("There are no documents to answer from yet; an administrator can add them.")
    if user.role == "admin":
        warn_example_contacts()
    page = st.navigation(navigation.pages_for(user.role))
    signed_in_sidebar(user)
    try:
        page.run()
    except ShareCheckError as error:  # a store, model or log that cannot open: said, not raised
        st.error(f"ShareCheck cannot start: {error}")


if __name__ == "__main__":
    main()
