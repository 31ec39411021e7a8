#!/usr/bin/env bash
# Restore a backup of deploy/backup.sh: deploy/restore.sh BACKUP_DIR
#
# Into a fresh database (DATABASE_URL: created empty, e.g. `createdb -O worktracker NAME`) and a
# fresh media folder (MEDIA_ROOT: missing or empty). Refuses anything else, so that it never
# mixes a backup into live data. Checks the files against the MANIFEST first. Afterwards run
# `python manage.py migrate` (when the code is newer than the backup) and
# `python manage.py verify_evidence`.
set -euo pipefail

backup=${1:?usage: restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${MEDIA_ROOT:?MEDIA_ROOT is not set}"

(cd "$backup" && grep -E '^[0-9a-f]{64}  ' MANIFEST | sha256sum --check --quiet --strict) || {
  echo "restore.sh: $backup does not match its MANIFEST" >&2
  exit 1
}

tables=$(psql --dbname="$DATABASE_URL" --no-psqlrc --tuples-only --no-align --command \
  "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != 0 ]; then
  echo "restore.sh: the database of DATABASE_URL is not empty ($tables tables)" >&2
  exit 1
fi
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
  echo "restore.sh: MEDIA_ROOT $MEDIA_ROOT is not empty" >&2
  exit 1
fi

pg_restore --exit-on-error --single-transaction --no-owner --no-privileges \
  --dbname="$DATABASE_URL" "$backup/database.dump"
mkdir -p "$MEDIA_ROOT"
tar --extract --file="$backup/media.tar" --directory="$MEDIA_ROOT" --no-same-owner
echo "restored $backup"
