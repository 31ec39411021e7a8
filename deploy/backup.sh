#!/usr/bin/env bash
# Back up the database and the evidence files: deploy/backup.sh DEST_DIR
#
# Writes DEST_DIR/worktracker-<UTC time>/ with
#   database.dump  pg_dump's custom format (-Fc) of DATABASE_URL
#   media.tar      MEDIA_ROOT (the evidence files, stored under their SHA-256)
#   MANIFEST       what was backed up, when, from where, and the SHA-256 of both files
# and prints that folder's path. Reads DATABASE_URL and MEDIA_ROOT from the environment (the
# production env file). The database is dumped first: an evidence file is written before its
# row is committed and never removed while a row names it, so every row in the dump finds its
# file in the archive (a file of an upload after the dump is in it too, unused).
set -euo pipefail

dest=${1:?usage: backup.sh DEST_DIR}
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${MEDIA_ROOT:?MEDIA_ROOT is not set}"
case $DATABASE_URL in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL must be a PostgreSQL URL" >&2; exit 2 ;;
esac
[ -d "$MEDIA_ROOT" ] || { echo "backup.sh: MEDIA_ROOT $MEDIA_ROOT is not a folder" >&2; exit 2; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
folder="$dest/worktracker-$stamp"
partial="$folder.partial"
mkdir -p "$partial"
trap 'rm -rf "$partial"' EXIT

pg_dump --format=custom --no-owner --no-privileges --file="$partial/database.dump" \
  --dbname="$DATABASE_URL"
tar --create --file="$partial/media.tar" --directory="$MEDIA_ROOT" .

{
  echo "created: $stamp"
  # The URL without its password.
  echo "database: $(sed -E 's#(://[^:/@]*):[^@]*@#\1@#' <<<"$DATABASE_URL")"
  echo "media_root: $MEDIA_ROOT"
  echo "media_files: $(find "$MEDIA_ROOT" -type f | wc -l)"
  echo "pg_dump: $(pg_dump --version)"
  (cd "$partial" && sha256sum database.dump media.tar)
} >"$partial/MANIFEST"

# Complete or not there: a backup interrupted half-way never looks like one.
mv "$partial" "$folder"
trap - EXIT
echo "$folder"
