"""The reading process: `python -m ingest.worker FD MEMORY_MB MAX_TEXT_CHARS`, started by
`ingest.sandbox.ReaderProcess`. It caps its own memory first, then reads the files it is sent
over the socket FD and replies with their text blocks or the reason there are none.

Started as its own interpreter (not a multiprocessing child) so it never re-imports the caller's
main module (a web server, an eval run with the model), which would count against its limit.
"""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection
from pathlib import Path

from core.errors import UnreadableDocument
from ingest.readers import RawDocument, read_document

MB = 1024 * 1024
# Messages to the ingest process: ready once started, then one reply per file.
READY, READ, UNREADABLE, OUT_OF_MEMORY = "ready", "read", "unreadable", "out_of_memory"
Reply = tuple[str, RawDocument | str]


def main(argv: list[str]) -> int:
    fd, memory_mb, max_text_chars = (int(a) for a in argv)
    limit_memory(memory_mb)
    _warm_up()
    connection = Connection(fd)
    connection.send((READY, ""))
    serve(connection, max_text_chars)
    return 0


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space: an allocation beyond it fails (MemoryError) instead of
    taking the machine's memory."""
    import resource

    limit = memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _warm_up() -> None:
    """Import the format libraries now, while the ingest process is busy loading its model."""
    try:
        import bs4  # noqa: F401
        import docx  # noqa: F401
        import pypdf  # noqa: F401
    except ImportError:  # the reader for that format says so when it is used
        pass


def serve(connection: Connection, max_text_chars: int) -> None:
    """Read files sent over `connection` until told to stop; leave after running out of memory,
    so the next file gets a fresh process."""
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        reply = read_reply(Path(request[0]), request[1], max_text_chars)
        try:
            connection.send(reply)
        except MemoryError:  # the blocks did not fit once pickled
            reply = (OUT_OF_MEMORY, "")
            connection.send(reply)
        if reply[0] == OUT_OF_MEMORY:
            return


def read_reply(path: Path, source: str, max_text_chars: int) -> Reply:
    """Read one file in this process; the reply says what came of it."""
    try:
        if path.is_symlink():  # swapped for a link since it was found
            return UNREADABLE, "is a symbolic link; links are not followed"
        document = read_document(path, source)
    except MemoryError:
        return OUT_OF_MEMORY, ""
    except RecursionError:
        return UNREADABLE, "nested too deeply to read"
    except Exception as err:  # a reader's reason, or a library's error on a file it cannot handle
        if _ran_out_of_memory(err):
            return OUT_OF_MEMORY, ""
        if isinstance(err, UnreadableDocument):
            return UNREADABLE, err.reason
        return UNREADABLE, f"could not be read: {type(err).__name__}: {err}"
    if sum(len(block.text) for block in document.blocks) > max_text_chars:
        return UNREADABLE, (
            f"gives more than {max_text_chars / MB:g} MB of text "
            "(SHARECHECK_INGEST__MAX_TEXT_MB); split it into smaller documents"
        )
    return READ, document


def _ran_out_of_memory(err: BaseException) -> bool:
    """Did an allocation fail somewhere behind this error? Readers wrap library errors, and
    libxml2 reports a failed allocation as a parse error."""
    seen: BaseException | None = err
    for _ in range(20):  # a chain is a few links long; never loop on a cycle
        if seen is None:
            break
        if isinstance(seen, MemoryError) or "memory allocation failed" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
