#!/usr/bin/env bash
# Infrastructure projects under load: `achyk serve` on a database of 50,000 OC4IDS projects
# (SQLite by default, PostgreSQL with --postgres), measured with wrk at 32 connections for
#   1. project pages, random ids (bar: p95 under 20 ms, as process pages);
#   2. the projects list, a mix of searches and filters, each with its map of up to 2,000
#      points (bar: p95 under 150 ms, as searches);
#   3. process pages of the same server, side by side, for reference.
#
#   bench/projects.sh [PROJECTS] [--postgres]      (default 50000)
#
# The projects are the generator's own (`projects.json` of a 20,000-process feed, which links
# them to stored processes), copied with new ids and places moved a little until there are
# PROJECTS of them. Installs wrk from Debian when missing. Writes under bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECTS="${1:-50000}"
BACKEND="${2:-sqlite}"
OUT=bench/out
FEED="$OUT/kg-20000"
SECONDS_EACH="${BENCH_SECONDS:-20}"
mkdir -p "$OUT"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null; }

cargo build --release -q -p achyk-cli
ACHYK="${CARGO_TARGET_DIR:-target}/release/achyk"

if [ ! -s "$FEED/projects.json" ]; then
  rm -rf "$FEED"
  echo "== generate 20000 processes and their projects"
  "$ACHYK" generate --processes 20000 --seed 1 --out "$FEED" 2>&1 | tail -1
fi
PACKAGE="$OUT/projects-$PROJECTS.json"
if [ ! -s "$PACKAGE" ]; then
  python3 - "$FEED/projects.json" "$PACKAGE" "$PROJECTS" <<'PY'
import copy, json, random, sys
source, target, wanted = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(1)
package = json.load(open(source))
base = package["projects"]
projects = []
for n in range(wanted):
    project = copy.deepcopy(base[n % len(base)])
    round_ = n // len(base)
    if round_:
        project["id"] = f"{project['id']}-r{round_}"
        for location in project.get("locations", []):
            geometry = location.get("geometry")
            if geometry:
                x, y = geometry["coordinates"]
                geometry["coordinates"] = [round(x + random.uniform(-0.01, 0.01), 4),
                                           round(y + random.uniform(-0.01, 0.01), 4)]
    projects.append(project)
package["projects"] = projects
json.dump(package, open(target, "w"), ensure_ascii=False)
PY
fi

case "$BACKEND" in
  --postgres)
    PG_URL="${ACHYK_TEST_POSTGRES_URL:-${DATABASE_URL:-}}"
    [ -n "$PG_URL" ] || { echo "set ACHYK_TEST_POSTGRES_URL for --postgres"; exit 2; }
    DB="${PG_URL%/*}/achyk_projects_bench_$PROJECTS"
    if ! psql "$DB" -qtc "SELECT 1 FROM projects LIMIT 1" >/dev/null 2>&1; then
      psql "$PG_URL" -qc "DROP DATABASE IF EXISTS achyk_projects_bench_$PROJECTS WITH (FORCE)" \
        -c "CREATE DATABASE achyk_projects_bench_$PROJECTS" >/dev/null
      echo "== import into PostgreSQL"
      "$ACHYK" import --db "$DB" "$FEED"/page-*.json "$PACKAGE" 2>&1 | tail -1 | cut -c1-300
    fi
    ;;
  *)
    DB="sqlite://$OUT/projects-$PROJECTS.db"
    if [ ! -s "$OUT/projects-$PROJECTS.db" ]; then
      echo "== import into SQLite"
      "$ACHYK" import --db "$DB" "$FEED"/page-*.json "$PACKAGE" 2>&1 | tail -1 | cut -c1-300
    fi
    ;;
esac
"$ACHYK" flags --db "$DB" >/dev/null 2>&1 || true

PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
"$ACHYK" serve --db "$DB" --listen "127.0.0.1:$PORT" > "$OUT/projects-serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

python3 - "$PACKAGE" "$OUT" <<'PY'
import json, random, sys
from urllib.parse import quote
package, out = sys.argv[1], sys.argv[2]
random.seed(2)
projects = json.load(open(package))["projects"]
ids = random.sample([p["id"] for p in projects], 300)
ocids = random.sample([c["summary"]["ocid"] for p in projects[:3000] for c in p["contractingProcesses"]], 200)
words = sorted({w.strip(".,—").lower() for p in projects[:3000] for w in p["title"].split() if len(w) > 4 and w[0].isalpha()})
regions = ["KG-GB", "KG-GO", "KG-C", "KG-O", "KG-J", "KG-B", "KG-N", "KG-T", "KG-Y"]
filters = [("region", regions), ("sector", ["transport", "education", "health", "waterAndWaste"]),
           ("status", ["implementation", "completion"]), ("over", ["1", "10", "25", "50"]),
           ("late", ["1"]), ("flagged", ["1"])]
mix = []
for n in range(600):
    kind = n % 6
    if kind < 2:
        mix.append(f"/en/projects?q={quote(random.choice(words))}")
    elif kind < 4:
        (a, av), (b, bv) = random.sample(filters, 2)
        mix.append(f"/en/projects?{a}={random.choice(av)}&{b}={random.choice(bv)}")
    elif kind < 5:
        a, av = random.choice(filters)
        mix.append(f"/en/projects?{a}={random.choice(av)}&page={random.randint(1, 5)}")
    else:
        mix.append(f"/en/projects?page={random.randint(1, 40)}")
open(f"{out}/projects-page-paths.txt", "w").write("\n".join(f"/en/projects/{quote(i)}" for i in ids) + "\n")
open(f"{out}/projects-list-paths.txt", "w").write("\n".join(mix) + "\n")
open(f"{out}/projects-process-paths.txt", "w").write("\n".join(f"/en/tenders/{o}" for o in ocids) + "\n")
PY

cat > "$OUT/projects-paths.lua" <<'LUA'
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() + math.random(1000))
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f req/s p50 %.1f ms p95 %.1f ms p99 %.1f ms errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

load() { # label, paths file, bar in ms
  # One request first: the first projects list after a start or an import loads the index
  # (its cost is an import's, reported as the first request's time below).
  first=$(head -1 "$2")
  printf '%-30s ' "first request"
  curl -fs -o /dev/null -w '%{time_total} s\n' "http://127.0.0.1:$PORT$first" || echo failed
  printf '%-30s ' "$1"
  result=$(wrk -t2 -c32 -d"${SECONDS_EACH}s" --timeout 10s -s "$OUT/projects-paths.lua" "http://127.0.0.1:$PORT" -- "$2" | grep RESULT | cut -d' ' -f2-)
  p95=$(echo "$result" | awk '{for (i = 1; i <= NF; i++) if ($i == "p95") print $(i + 1)}')
  verdict=$(python3 -c "print('under' if float('$p95') < $3 else 'OVER')")
  echo "$result  (p95 $verdict the $3 ms bar)"
}

echo "== $PROJECTS projects ($BACKEND), wrk 32 connections, ${SECONDS_EACH}s each"
load "project pages" "$OUT/projects-page-paths.txt" 20
load "projects list and map" "$OUT/projects-list-paths.txt" 150
load "process pages (reference)" "$OUT/projects-process-paths.txt" 20
