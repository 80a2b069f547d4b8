#!/usr/bin/env bash
# A private, throw-away PostgreSQL 15 for the tests, on a free 127.0.0.1 port.
#   scripts/postgres.sh start DIR   init a cluster in DIR, start it, create faqbot_test; print its URL
#   scripts/postgres.sh stop DIR    stop the server and delete DIR
# Everything but the URL goes to stderr, so `url=$(scripts/postgres.sh start DIR)` works.
# As root (CI) the server runs as the postgres user: PostgreSQL refuses to run as root.
set -euo pipefail
cmd=${1:?usage: postgres.sh start|stop DIR}
dir=${2:?usage: postgres.sh start|stop DIR}

find_bin() {
  if command -v initdb >/dev/null 2>&1; then
    # Resolve symlinks: createdb and pg_ctl sit next to the real initdb, not always next to the link.
    dirname "$(readlink -f "$(command -v initdb)")"
    return
  fi
  local candidate
  for candidate in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [ -x "$candidate/initdb" ]; then
      echo "$candidate"
      return
    fi
  done
  return 1
}

if ! bin=$(find_bin); then
  if [ "$(id -u)" = 0 ]; then
    echo "postgres.sh: PostgreSQL not found; installing it" >&2
    apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
    bin=$(find_bin)
  else
    echo "postgres.sh: PostgreSQL not found: run 'sudo apt-get install postgresql'" >&2
    exit 1
  fi
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    # -U postgres: the superuser has that name even when a non-root user runs this script.
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # Durability is worthless for a test cluster; fsync off makes schema-per-test cheap. The socket
    # lives in DIR, not /var/run/postgresql, so this never collides with a system server.
    opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    opts="$opts -c full_page_writes=off -c max_connections=200"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w -t 60 start >&2 \
      || { cat "$dir/server.log" >&2; exit 1; }
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres faqbot_test
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/faqbot_test"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
