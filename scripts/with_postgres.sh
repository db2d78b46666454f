#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster:
#
#   scripts/with_postgres.sh .venv/bin/pytest
#
# - Finds the server binaries ($PG_BIN, then initdb on PATH, then Debian's /usr/lib/postgresql/<N>/bin, newest).
#   Without them it prints "PostgreSQL not available: skipping the PostgreSQL run" and exits 0: the only skip.
# - Creates a cluster in a temporary directory, listening on 127.0.0.1 only (a free port, no Unix socket,
#   trust authentication for 127.0.0.1 only, fsync off: the data is thrown away).
# - PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user (or `nobody`).
# - Exports TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/postgres, runs the command, then
#   stops the server and deletes the directory whatever happened; exits with the command's status.
set -euo pipefail

# Everything is in main(), read in full before it runs, so editing this file during a run is harmless.
main() {
  if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
  fi

  find_bin_dir() {
    if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/initdb" ]; then
      echo "$PG_BIN"
      return
    fi
    local initdb
    if initdb="$(command -v initdb 2>/dev/null)"; then
      dirname "$(readlink -f "$initdb")"
      return
    fi
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
      if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
        echo "$dir"
        return
      fi
    done
  }

  bin_dir="$(find_bin_dir)"
  if [ -z "$bin_dir" ]; then
    echo "PostgreSQL not available: skipping the PostgreSQL run (install Debian's postgresql package to run it)"
    exit 0
  fi

  run_as=()
  if [ "$(id -u)" = 0 ]; then
    owner=postgres
    getent passwd postgres >/dev/null || owner=nobody
    run_as=(runuser -u "$owner" --)
  fi

  cluster="$(mktemp -d /tmp/marketplace-pg.XXXXXX)"  # under /tmp: the server user must reach it
  data="$cluster/data"
  [ "${#run_as[@]}" -eq 0 ] || chown "$owner" "$cluster"

  cleanup() {
    if [ -f "$data/postmaster.pid" ]; then
      "${run_as[@]}" "$bin_dir/pg_ctl" stop -D "$data" -m immediate -w >/dev/null 2>&1 || true
    fi
    rm -rf "$cluster"
  }
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

  "${run_as[@]}" "$bin_dir/initdb" --pgdata="$data" --username=postgres --auth=trust --encoding=UTF8 \
    --locale=C --no-sync >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; exit 1; }
  echo "host all all 127.0.0.1/32 trust" >"$data/pg_hba.conf"
  printf '%s\n' "listen_addresses = '127.0.0.1'" "port = $port" "unix_socket_directories = ''" "fsync = off" \
    "synchronous_commit = off" "full_page_writes = off" "max_connections = 50" >>"$data/postgresql.conf"
  "${run_as[@]}" "$bin_dir/pg_ctl" start -D "$data" -l "$cluster/server.log" -w -t 60 >/dev/null \
    || { cat "$cluster/server.log" >&2; exit 1; }

  export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL $("$bin_dir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (throwaway cluster)"
  status=0
  "$@" || status=$?
  exit "$status"
}

main "$@"
