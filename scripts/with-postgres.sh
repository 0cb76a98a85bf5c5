#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1, run the given command with
# DATABASE_URL pointing at it, then stop and remove the server, whatever happens.
set -euo pipefail

PGPORT="${PGPORT:-55432}"
find_bin() {
  command -v "$1" 2>/dev/null && return
  ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1
}
INITDB=$(find_bin initdb || true)
if [ -z "$INITDB" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's postgresql for the PostgreSQL test leg..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    INITDB=$(find_bin initdb)
  else
    echo "PostgreSQL is not installed: run 'sudo apt-get install -y postgresql'." >&2
    exit 1
  fi
fi
PGBIN=$(dirname "$INITDB")
DATA=$(mktemp -d /tmp/studygroups-pg.XXXXXX)
RUN=()
if [ "$(id -u)" = 0 ]; then
  # initdb refuses to run as root; the Debian package creates the postgres user.
  id postgres >/dev/null 2>&1 || useradd --system --home "$DATA" postgres
  chown postgres "$DATA"
  RUN=(runuser -u postgres --)
fi
cleanup() {
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA/db" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap cleanup EXIT
"${RUN[@]}" "$PGBIN/initdb" -D "$DATA/db" -U postgres --auth=trust -E UTF8 >/dev/null
if ! "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA/db" -l "$DATA/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $DATA -c fsync=off -c full_page_writes=off" start >/dev/null; then
  # Say why (a port in use, shared memory...) before the cleanup removes the log.
  echo "PostgreSQL did not start on port $PGPORT (set PGPORT to use another); its log:" >&2
  tail -n 30 "$DATA/log" >&2 || true
  exit 1
fi
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PGPORT"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/studygroups"
"$@"
