#!/usr/bin/env bash
# Rehearse a backup and a restore end to end (deploy/README.md, "Restore, as run here"):
#   sudo deploy/restore_drill.sh [WORK_DIR]
# A throwaway deployment on 127.0.0.1 (Chroma server, registry + log + accounts in one new
# PostgreSQL database) ingests corpus/, answers a question, is backed up with backup.sh, and is
# restored with restore.sh into a second new database and empty directories; the restored state
# answers the same question, a re-ingest finds every document unchanged, and the log verifies.
# Needs root (createdb/dropdb as the postgres user), Debian's PostgreSQL with the role of
# scripts/start_postgres.sh (DRILL_PG_ROLE, default sharecheck:sharecheck) and the venv.
# Both databases are dropped at the end; WORK_DIR (default /tmp/sharecheck-drill) is kept.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
work="${1:-/tmp/sharecheck-drill}"
python="${SHARECHECK_PYTHON:-$PWD/.venv/bin/python}"
chroma="$(dirname "$python")/chroma"
role="${DRILL_PG_ROLE:-sharecheck:sharecheck}"
export SHARECHECK_PYTHON="$python" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
db=sharecheck_drill_live; restored_db=sharecheck_drill_restored
question="Can I refer someone to adult social care without their consent?"
[ ! -e "$work" ] || { echo "restore_drill: $work exists; give another WORK_DIR" >&2; exit 1; }

url() { echo "postgresql+psycopg://$role@127.0.0.1:5432/$1"; }
deployment() {  # DIR PORT DATABASE: the settings of one deployment
  export SHARECHECK_DATA_DIR="$1/data" SHARECHECK_CHROMA_SERVER_DIR="$1/chroma-server"
  export SHARECHECK_CHROMA_URL="http://127.0.0.1:$2"
  export SHARECHECK_LOG_URL="$(url "$3")" SHARECHECK_ACCOUNTS_URL="$(url "$3")" SHARECHECK_REGISTRY_URL="$(url "$3")"
}
chroma_pid=""
start_chroma() {
  "$chroma" run --host 127.0.0.1 --port "$1" --path "$SHARECHECK_CHROMA_SERVER_DIR" >/dev/null 2>&1 &
  chroma_pid=$!
  for _ in $(seq 1 60); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 1; done
  echo "restore_drill: chroma did not start" >&2; exit 1
}
stop_chroma() { [ -z "$chroma_pid" ] || { kill "$chroma_pid"; wait "$chroma_pid" || true; chroma_pid=""; }; }
cleanup() { stop_chroma; su postgres -c "dropdb --if-exists $db; dropdb --if-exists $restored_db" >/dev/null 2>&1 || true; }
trap cleanup EXIT
step() { echo; echo "\$ $*"; }
summary() {  # one answer's verdict and citations, from `ask --json`
  "$python" -c 'import json,sys; a=json.loads(sys.stdin.readline()); c=a["citations"]
print(a["verdict"], len(c), "citations, first:", c[0]["source"] if c else "-")'
}

su postgres -c "createdb -O ${role%%:*} $db"
deployment "$work/live" 18015 "$db"
start_chroma 18015
step python -m ingest --quiet corpus;        "$python" -m ingest --quiet corpus
step python -m assistant ask --json "'$question'";  "$python" -m assistant ask --json "$question" | summary
step python -m assistant log verify;         "$python" -m assistant log verify
step ls "$SHARECHECK_DATA_DIR";              ls "$SHARECHECK_DATA_DIR"
stop_chroma  # its files are not safe to copy while it runs
step deploy/backup.sh "$work/backups";       backup="$(deploy/backup.sh "$work/backups")"; ls "$backup"

su postgres -c "createdb -O ${role%%:*} $restored_db"  # another machine, or this one after a loss
deployment "$work/restored" 18016 "$restored_db"
step deploy/restore.sh "$backup";            deploy/restore.sh "$backup"
step ls "$SHARECHECK_DATA_DIR";              ls "$SHARECHECK_DATA_DIR"
step "SELECT count(*), sum(passages) FROM documents"
"$python" -c 'import sys, psycopg; c = psycopg.connect(sys.argv[1]); print(*c.execute("SELECT count(*), sum(passages) FROM documents").fetchone())' \
    "$(echo "$SHARECHECK_REGISTRY_URL" | sed 's|+psycopg||')"
start_chroma 18016
step python -m assistant ask --json "'$question'";  "$python" -m assistant ask --json "$question" | summary
step python -m ingest --quiet corpus;        "$python" -m ingest --quiet corpus
step python -m assistant log verify;         "$python" -m assistant log verify
