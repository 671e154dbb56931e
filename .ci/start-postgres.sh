#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests and prints the variables that point at it.
#
#   eval "$(bash .ci/start-postgres.sh)"
#
# Idempotent: when a cluster already answers on the port, it is reused. Everything but the
# final `export` lines goes to standard error, so the output can be evaluated. Must run as
# root (it installs PostgreSQL with apt-get when it is missing and runs the server as the
# `postgres` user). The cluster is hermetic: data under /tmp, loopback only, trust
# authentication, fsync off (test data only).
set -euo pipefail

PORT="${ACHYK_PG_PORT:-55432}"
DATABASE="${ACHYK_PG_DATABASE:-achyk_test}"
BASE="${ACHYK_PG_DIR:-/tmp/achyk-pg-$PORT}"

log() { echo "start-postgres: $*" >&2; }

find_bin() {
    local version
    version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1 || true)
    if [ -n "$version" ] && [ -x "/usr/lib/postgresql/$version/bin/initdb" ]; then
        echo "/usr/lib/postgresql/$version/bin"
    fi
}

PGBIN=$(find_bin)
if [ -z "$PGBIN" ]; then
    log "installing PostgreSQL"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends postgresql >&2
    PGBIN=$(find_bin)
fi
if [ -z "$PGBIN" ]; then
    log "no PostgreSQL server binaries after installing"
    exit 1
fi

if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
    log "reusing the server on port $PORT"
else
    if [ ! -f "$BASE/data/PG_VERSION" ]; then
        rm -rf "$BASE"
        mkdir -p "$BASE"
        chown postgres:postgres "$BASE"
        log "initdb in $BASE/data"
        su postgres -c "$PGBIN/initdb -D $BASE/data -U postgres -A trust -E UTF8 --locale=C.UTF-8" >&2
    fi
    log "starting the server on 127.0.0.1:$PORT"
    su postgres -c "$PGBIN/pg_ctl -D $BASE/data -l $BASE/log -w -t 60 -o \"-c listen_addresses=127.0.0.1 -p $PORT -k $BASE -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start" >&2
fi

PSQL="$PGBIN/psql"
[ -x "$PSQL" ] || PSQL=psql
if ! "$PSQL" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "select 1 from pg_database where datname = '$DATABASE'" | grep -q 1; then
    "$PSQL" -h 127.0.0.1 -p "$PORT" -U postgres -qc "create database $DATABASE" >&2
fi

echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/$DATABASE"
echo "export ACHYK_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$PORT/$DATABASE"
