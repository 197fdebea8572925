"""What contact details look like in document text: ingest types contact blocks by them and the
answerer never quotes a sentence carrying them."""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(\+44\s?\(?0?\)?\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b")
# A label waiting for a value: "Tel: 01632 …", "Email: …", "Tel. 01632".
_LABELLED = re.compile(r"\b(?:tel|telephone|phone|mobile|fax|e-?mail)\s*:\s*\S|\btel\.\s*\d", re.I)


def carries_contact_details(text: str) -> bool:
    """An e-mail address, a UK phone number or a labelled contact field anywhere in the text."""
    return bool(EMAIL.search(text) or PHONE.search(text) or _LABELLED.search(text))
