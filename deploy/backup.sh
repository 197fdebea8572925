#!/usr/bin/env bash
# Back up what ShareCheck cannot rebuild into DEST/<UTC time>/ (deploy/README.md, Backups):
#   deploy/backup.sh /var/backups/sharecheck
# Reads the SHARECHECK_* environment of the app (/etc/sharecheck/sharecheck.env):
#   SHARECHECK_DATA_DIR         registry, accounts, uploads, log checkpoints (SQLite copied with
#                               SQLite's backup API, so a running app is no problem)
#   SHARECHECK_LOG_URL          the log in PostgreSQL: pg_dump (custom format); with it the
#                               registry and accounts when their URLs name the same database
#   SHARECHECK_REGISTRY_URL     the document registry, dumped on its own when in another database
#   SHARECHECK_CHROMA_SERVER_DIR the Chroma server's --path; stop that server first (its files are
#                               not safe to copy while it writes), as sharecheck-backup.service does
# The data dir goes first and the log after: the log's checkpoints in the backup then never name
# rows the dump lacks, and the restored log verifies.
set -euo pipefail

dest="${1:?usage: backup.sh DEST_DIR}"
: "${SHARECHECK_DATA_DIR:?set SHARECHECK_DATA_DIR}"
here="$(cd "$(dirname "$0")" && pwd)"
python="${SHARECHECK_PYTHON:-$here/../.venv/bin/python}"
out="$dest/$(date -u +%Y%m%dT%H%M%SZ)"
umask 077
mkdir -p "$out"
say() { echo "backup: $*" >&2; }

say "data dir $SHARECHECK_DATA_DIR"
"$python" - "$SHARECHECK_DATA_DIR" "$out/data" <<'PY'
import sqlite3, sys
from pathlib import Path
source, target = Path(sys.argv[1]), Path(sys.argv[2])
for db in sorted(source.rglob("*.sqlite")):
    if "chroma" in db.relative_to(source).parts:
        continue  # a local Chroma store is the Chroma directory's business, not this copy's
    copy = target / db.relative_to(source)
    copy.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db) as live, sqlite3.connect(copy) as backup:
        live.backup(backup)
    print(f"backup: {db.relative_to(source)}", file=sys.stderr)
PY
tar -C "$SHARECHECK_DATA_DIR" --exclude='./chroma' --exclude='*.sqlite' --exclude='*.sqlite-*' \
    --exclude='write.lock*' -czf "$out/data-files.tar.gz" .

case "${SHARECHECK_LOG_URL:-}" in
  postgresql*)
    say "log database (pg_dump)"
    pg_dump --format=custom --no-owner --no-privileges --file "$out/log.pgdump" \
        "$(echo "$SHARECHECK_LOG_URL" | sed 's|^postgresql+psycopg://|postgresql://|')"
    ;;
  "") say "log in the data dir (log.sqlite, copied above)" ;;
  *) say "SHARECHECK_LOG_URL is neither PostgreSQL nor unset: back that database up yourself" ;;
esac

if [ -n "${SHARECHECK_REGISTRY_URL:-}" ] && [ "$SHARECHECK_REGISTRY_URL" != "${SHARECHECK_LOG_URL:-}" ]; then
  say "registry database (pg_dump)"
  pg_dump --format=custom --no-owner --no-privileges --file "$out/registry.pgdump" \
      "$(echo "$SHARECHECK_REGISTRY_URL" | sed 's|^postgresql+psycopg://|postgresql://|')"
fi

if [ -n "${SHARECHECK_CHROMA_SERVER_DIR:-}" ]; then
  say "Chroma server directory $SHARECHECK_CHROMA_SERVER_DIR"
  tar -C "$SHARECHECK_CHROMA_SERVER_DIR" -czf "$out/chroma-server.tar.gz" .
fi

(cd "$out" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)
say "done: $out"
echo "$out"
