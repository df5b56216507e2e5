#!/usr/bin/env bash
# The scan submit under load (issue 9, "Speed"): POST /api/v1/scans/ (token auth, 8 check items, no
# photo, a fresh Idempotency-Key per request) under gunicorn with 2 sync workers, loaded by wrk
# (Debian's `wrk`: apt-get install wrk) with -t1 -c16 -d30s, next to a bare Django endpoint that
# inserts one row with no middleware or auth (bench/scan_bare.py) under the same gunicorn command in
# the same run, and the inspection submit the same way. Prints req/s, the ratio to the bare
# endpoint, p50/p99, and the submit's CPU ms and queries per request measured in process.
#
#   bench/scan_submit.sh                 # builds portal_bench_scan (demo_data --enterprises 500), ~2 min
#   REUSE=1 KEEP=1 bench/scan_submit.sh  # keep the database, then run again without rebuilding it
#   SECONDS_PER_RUN=10 bench/scan_submit.sh
#
# Bodies and wrk's JSON results go to $OUT (default /tmp/bench_scan_submit). Nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DATABASE=${DATABASE:-portal_bench_scan}
RUN=${SECONDS_PER_RUN:-30}
OUT=${OUT:-/tmp/bench_scan_submit}
mkdir -p "$OUT"

if ! command -v wrk >/dev/null; then
  echo "wrk is not installed (Debian: apt-get install wrk); nothing to load with." >&2
  exit 1
fi

echo "== setup (database $DATABASE) =="
SETUP=$($PY bench/scan_submit.py setup --database "$DATABASE" --out "$OUT" --enterprises "${ENTERPRISES:-500}" \
  ${REUSE:+--reuse})
eval "$SETUP"
export DJANGO_DEBUG=0
$PY manage.py collectstatic --noinput -v 0  # without DEBUG the portal starts only with a current manifest

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -z "${KEEP:-}" ] && [ -n "${DATABASE_URL:-}" ]; then
    .venv/bin/python -c "
import importlib.util, sys
spec = importlib.util.spec_from_file_location('r', 'bench/run.py'); r = importlib.util.module_from_spec(spec)
spec.loader.exec_module(r); r.admin_execute(r.server_params(), 'DROP DATABASE IF EXISTS \"$DATABASE\" WITH (FORCE)')"
    echo "(database $DATABASE dropped)"
  else
    echo "(database kept: DATABASE_URL=$DATABASE_URL; rerun with REUSE=1)"
  fi
}
trap cleanup EXIT

free_port() { $PY -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }

serve() {  # serve <wsgi app> <settings module> <port>: gunicorn in the background, wait until it answers
  DJANGO_SETTINGS_MODULE=$2 .venv/bin/gunicorn "$1" --bind "127.0.0.1:$3" --workers 2 \
    --error-logfile "$OUT/gunicorn_$3.log" &
  PIDS+=($!)
  # ready when both workers answer a request (each loads Django on its first one)
  $PY - "$3" <<'PY' || { echo "gunicorn on $3 did not answer: $OUT/gunicorn_$3.log" >&2; return 1; }
import http.client, sys, time
answered, deadline = 0, time.time() + 180
while answered < 4 and time.time() < deadline:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=60)
        connection.request("GET", "/")
        connection.getresponse().read()
        answered += 1
    except OSError:
        time.sleep(0.5)
sys.exit(0 if answered >= 4 else 1)
PY
}

load() {  # load <url> <bodies> <token> <result file>: a short warm-up, then the measured run
  BENCH_BODIES=$2 BENCH_TOKEN=$3 BENCH_KEY_PREFIX=warm wrk -t1 -c4 -d5s --timeout 10s -s bench/scan_submit.lua "$1" >/dev/null
  BENCH_BODIES=$2 BENCH_TOKEN=$3 BENCH_KEY_PREFIX=run$$ wrk -t1 -c16 -d"${RUN}s" --timeout 10s --latency \
    -s bench/scan_submit.lua "$1" | tee "$4.txt" | tail -1 > "$4"
}

rm -f "$OUT"/bare.json "$OUT"/scan.json "$OUT"/inspection.json
BARE_PORT=$(free_port)
echo "== bare endpoint: gunicorn bench.scan_bare:application on $BARE_PORT =="
serve bench.scan_bare:application bench.scan_bare "$BARE_PORT"
load "http://127.0.0.1:$BARE_PORT/bare/" "$OUT/bare.jsonl" "" "$OUT/bare.json"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

PORT=$(free_port)
echo "== portal: gunicorn portal.wsgi:application on $PORT =="
serve portal.wsgi:application portal.settings "$PORT"
if [ "$SCAN_AVAILABLE" = 1 ]; then
  load "http://127.0.0.1:$PORT/api/v1/scans/" "$OUT/scan.jsonl" "$SCAN_TOKEN" "$OUT/scan.json"
else
  echo "POST /api/v1/scans/: not available"
fi
if [ "$INSPECTION_AVAILABLE" = 1 ]; then
  load "http://127.0.0.1:$PORT/api/v1/inspections/" "$OUT/inspection.jsonl" "$INSPECTION_TOKEN" "$OUT/inspection.json"
else
  echo "POST /api/v1/inspections/: not available"
fi
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

$PY bench/scan_submit.py report --bare "$OUT/bare.json" --scan "$OUT/scan.json" --inspection "$OUT/inspection.json" \
  --seconds "$RUN" --out "$OUT"
