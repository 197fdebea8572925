#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into the places the SHARECHECK_* environment names:
#   deploy/restore.sh /var/backups/sharecheck/20261201T023000Z
# Stop the app instances and the Chroma server first; the log database must exist and be empty
# (createdb -O sharecheck sharecheck). Refuses to write over a data dir or Chroma directory that
# is not empty. Ends by verifying the restored log's hash chain against its checkpoints.
set -euo pipefail

backup="${1:?usage: restore.sh BACKUP_DIR}"
: "${SHARECHECK_DATA_DIR:?set SHARECHECK_DATA_DIR}"
here="$(cd "$(dirname "$0")" && pwd)"
python="${SHARECHECK_PYTHON:-$here/../.venv/bin/python}"
say() { echo "restore: $*" >&2; }
empty_or_absent() { [ ! -e "$1" ] || [ -z "$(ls -A "$1")" ]; }

(cd "$backup" && sha256sum --quiet -c SHA256SUMS) || { say "checksums do not match"; exit 1; }
empty_or_absent "$SHARECHECK_DATA_DIR" || { say "$SHARECHECK_DATA_DIR is not empty"; exit 1; }

say "data dir $SHARECHECK_DATA_DIR"
mkdir -p "$SHARECHECK_DATA_DIR"
tar -C "$SHARECHECK_DATA_DIR" -xzf "$backup/data-files.tar.gz"
if [ -d "$backup/data" ]; then cp -a "$backup/data/." "$SHARECHECK_DATA_DIR/"; fi

if [ -f "$backup/log.pgdump" ]; then
  say "log database"
  pg_restore --no-owner --no-privileges --exit-on-error \
      --dbname "$(echo "${SHARECHECK_LOG_URL:?set SHARECHECK_LOG_URL}" | sed 's|^postgresql+psycopg://|postgresql://|')" \
      "$backup/log.pgdump"
fi

if [ -f "$backup/registry.pgdump" ]; then
  say "registry database"
  pg_restore --no-owner --no-privileges --exit-on-error \
      --dbname "$(echo "${SHARECHECK_REGISTRY_URL:?set SHARECHECK_REGISTRY_URL}" | sed 's|^postgresql+psycopg://|postgresql://|')" \
      "$backup/registry.pgdump"
fi

if [ -f "$backup/chroma-server.tar.gz" ]; then
  dir="${SHARECHECK_CHROMA_SERVER_DIR:?set SHARECHECK_CHROMA_SERVER_DIR}"
  empty_or_absent "$dir" || { say "$dir is not empty"; exit 1; }
  say "Chroma server directory $dir"
  mkdir -p "$dir"
  tar -C "$dir" -xzf "$backup/chroma-server.tar.gz"
fi

say "verifying the log"
(cd "$here/.." && "$python" -m assistant log verify)
