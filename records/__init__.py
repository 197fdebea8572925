"""Decision records: the crew member's own record of a sharing decision, prefilled from an
answer, taken away as text, PDF or DOCX, and kept by ShareCheck only with personal details
removed."""
