#!/usr/bin/env bash
# The benchmark harness (issue #7): builds Release, starts the real Silo on a temporary embedded
# store, seeds leads, drives load with wrk (a separate process, 127.0.0.1 only, bounded in time)
# and writes bench/results/<yyyy-MM-dd>.md. Usage:
#   bash bench/run.sh [--quick] [--duration SECONDS] [--out FILE] [--no-build] [--import-only] [--chat-only]
# --quick: small data (1k/5k/10k leads) and 3 s per scenario, a smoke run of the whole pipeline.
# --import-only: only the CSV import scenario (a 100,000-row file into an empty store; 10,000 with --quick).
# --chat-only: only the chat scenarios on an empty store, printed (no report file).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
QUICK=0
DURATION=""
OUT=""
BUILD=1
IMPORT_ONLY=0
CHAT_ONLY=0
CHAT_MODEL_LINE=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --duration) DURATION="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --import-only) IMPORT_ONLY=1 ;;
    --chat-only) CHAT_ONLY=1 ;;
    -h|--help) sed -n 2,8p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [[ $QUICK == 1 ]]; then
  SIZES=(1000 5000 10000); DURATION=${DURATION:-3}; WARM_UP=3; IDLE_AGE=10; GET_SUBSETS=(100 1000 5000); IMPORT_ROWS=10000
else
  SIZES=(10000 100000 300000); DURATION=${DURATION:-10}; WARM_UP=20; IDLE_AGE=20; GET_SUBSETS=(1000 10000 100000); IMPORT_ROWS=100000
fi
MAIN_SIZE=${SIZES[1]}
OUT=${OUT:-"$BENCH/results/$(date -u +%Y-%m-%d).md"}
START_TIME=$(date +%s)
log() { printf '[bench %4ds] %s\n' $(( $(date +%s) - START_TIME )) "$*" >&2; }

# --- tools ---------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  log "installing wrk (apt)"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
command -v python3 >/dev/null || { log "installing python3 (apt)"; apt-get install -y python3 >/dev/null; }
COUNTERS="$BENCH/.tools/dotnet-counters"
if [[ ! -x $COUNTERS ]]; then
  log "installing dotnet-counters (NuGet) into bench/.tools"
  dotnet tool install dotnet-counters --tool-path "$BENCH/.tools" >/dev/null 2>&1 || log "dotnet-counters unavailable: activation counts will be missing"
fi

# --- build -----------------------------------------------------------------------------------------
if [[ $BUILD == 1 ]]; then
  log "building Release"
  for project in src/Silo bench/Baseline bench/Seeder; do
    dotnet build "$ROOT/$project" -c Release -nologo -v quiet -clp:ErrorsOnly >/tmp/crm-bench-build.log 2>&1 \
      || { cat /tmp/crm-bench-build.log >&2; exit 1; }
  done
fi
SILO_DLL="$ROOT/src/Silo/bin/Release/net10.0/CrmChatbot.Silo.dll"
BASELINE_DLL="$ROOT/bench/Baseline/bin/Release/net10.0/CrmChatbot.Bench.Baseline.dll"
SEEDER_DLL="$ROOT/bench/Seeder/bin/Release/net10.0/CrmChatbot.Bench.Seeder.dll"

# --- environment -----------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/crm-bench.XXXXXX)
RESULTS="$WORK/results.jsonl"
FACTS="$WORK/facts.json"
: >"$RESULTS"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port); BASELINE_PORT=$(free_port); SILO_PORT=$(free_port); GATEWAY_PORT=$(free_port)
ADMIN_EMAIL=bench-admin@example.com
ADMIN_PASSWORD=bench-password-123
export ASPNETCORE_ENVIRONMENT=Production JWT_SECRET_KEY="bench-fixed-signing-key-0123456789abcdefghij" \
  ACCESS_TOKEN_EXPIRE_MINUTES=240 HOST=127.0.0.1 \
  CHAT_SESSIONS_PER_HOUR_PER_ADDRESS=1000000 CHAT_MESSAGES_PER_MINUTE=100000 # one address, 256 sessions, wrk-speed turns
SILO_PID=""; BASELINE_PID=""
cleanup() {
  [[ -n $BASELINE_PID ]] && kill "$BASELINE_PID" 2>/dev/null || true
  [[ -n $SILO_PID ]] && kill "$SILO_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_http() { # url seconds
  local deadline=$(( $(date +%s) + $2 ))
  until curl -sf -o /dev/null "$1"; do
    (( $(date +%s) < deadline )) || { log "no answer from $1"; tail -20 "$WORK/silo.log" >&2 || true; exit 1; }
    sleep 0.2
  done
}

# Every request comes from 127.0.0.1: the per-address and per-account login limits are lifted, so the
# login scenarios reach bcrypt and the login flood meets the hashing queue (the worst case, as from
# a flood spread over many addresses).
LOGIN_LIMITS=(LOGIN_RATE_PER_MINUTE=1000000 REGISTER_RATE_PER_HOUR=1000000 LOGIN_MAX_FAILURES=1000 LOGIN_ACCOUNT_MAX_FAILURES=1000000)
start_silo() { # [extra env assignments...]
  (cd "$WORK" && exec env DATA_DIR="$WORK/data" PORT="$PORT" SILO_PORT="$SILO_PORT" GATEWAY_PORT="$GATEWAY_PORT" \
    ADMIN_EMAIL="$ADMIN_EMAIL" ADMIN_PASSWORD="$ADMIN_PASSWORD" "${LOGIN_LIMITS[@]}" "$@" dotnet "$SILO_DLL" >>"$WORK/silo.log" 2>&1) &
  SILO_PID=$!
  wait_http "http://127.0.0.1:$PORT/health/ready" 60
}

stop_silo() {
  kill -TERM "$SILO_PID"; wait "$SILO_PID" 2>/dev/null || true; SILO_PID=""
}

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

# Active lead grains in the silo, from the Orleans meter (dotnet-counters).
activations() {
  [[ -x $COUNTERS ]] || { echo null; return; }
  local csv="$WORK/counters-$RANDOM.csv"
  timeout 30 "$COUNTERS" collect -p "$SILO_PID" --counters 'Microsoft.Orleans[orleans-catalog-activations]' \
    --format csv -o "$csv" --duration 00:00:00:04 --refresh-interval 1 >/dev/null 2>&1 || true
  python3 - "$csv" <<'PY'
import csv, sys
# One row per grain type and second; the lead grains' count at the last second (0 when none are left).
rows = []
try:
    rows = [r for r in csv.reader(open(sys.argv[1])) if len(r) >= 5 and r[2].startswith("orleans-catalog-activations[")]
except OSError:
    pass
if not rows:
    print("null")
else:
    # Timestamps have whole seconds: two refreshes can share the last one, so each counter counts once (its latest row).
    last = rows[-1][0]
    latest = {r[2]: int(float(r[4])) for r in rows if r[0] == last}
    print(sum(v for k, v in latest.items() if "grain_type=lead]" in k))
PY
}

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
login() { curl -sf "http://127.0.0.1:$PORT/api/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" | json_field access_token; }

# CPU time (user + system) of a process so far, in clock ticks: busy CPU per request does not depend
# on how much of the shared machine other work takes, unlike req/s and tail latency.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run_wrk NAME MODE CONNECTIONS SECONDS TARGET_PORT [VAR=value ...]: one bounded wrk run, one result line.
# The server's CPU is read from TARGET_PID (the silo unless the baseline is measured).
run_wrk() {
  local name=$1 mode=$2 connections=$3 seconds=$4 port=$5; shift 5
  local output pid=${TARGET_PID:-$SILO_PID} ticks_before load
  ticks_before=$(cpu_ticks "$pid")
  load=$(cut -d' ' -f1 /proc/loadavg)
  log "  $name: $connections connections, ${seconds}s"
  output=$(env MODE="$mode" TOKEN="${TOKEN:-}" "$@" timeout $(( seconds + 30 )) \
    wrk -t2 -c"$connections" -d"${seconds}s" --timeout 5s -s "$BENCH/wrk/scenario.lua" "http://127.0.0.1:$port" 2>&1) || true
  local result
  result=$(grep '^RESULT ' <<<"$output" | sed 's/^RESULT //') || { log "wrk failed: $output"; return 1; }
  python3 - "$name" "$connections" "$LEADS" "$result" $(( $(cpu_ticks "$pid") - ticks_before )) "$(getconf CLK_TCK)" "$load" \
    "$(rss_mb "$pid")" >>"$RESULTS" <<'PY'
import json, sys
r = json.loads(sys.argv[4])
r.update(name=sys.argv[1], connections=int(sys.argv[2]), leads=int(sys.argv[3]),
         server_cpu_s=int(sys.argv[5]) / int(sys.argv[6]), load_before=float(sys.argv[7]), rss_after_mb=int(sys.argv[8]))
print(json.dumps(r))
PY
}

# warm_up NAME MODE CONNECTIONS [VAR=value ...]: the scenario for WARM_UP seconds, not reported. The runtime
# compiles a code path three times (tier 0, instrumented, optimized with the profile) over its first seconds:
# measured on list status over 100,000 leads, 1,318 µs of server CPU per request after a 4 s warm-up against
# 414 µs after 25 s. The targets are about the service running, not about its first minute.
warm_up() {
  local name=$1 mode=$2 connections=$3; shift 3
  run_wrk "warm-up $name" "$mode" "$connections" "${WARM_SECONDS:-$WARM_UP}" "$PORT" "$@"
  sed -i '$d' "$RESULTS"
}

# warm COUNT: GETs each of the first COUNT leads once (activating its grain), then interrupts wrk.
warm() {
  local count=$1 marker="$WORK/warm-$RANDOM" started=$(date +%s)
  log "  activating $count lead grains"
  env MODE=warm TOKEN="$TOKEN" IDS="$IDS" ID_LIMIT="$count" THREADS=2 WARM_MARKER="$marker" \
    wrk -t2 -c32 -d300s --timeout 5s -s "$BENCH/wrk/scenario.lua" "http://127.0.0.1:$PORT" >/dev/null 2>&1 &
  local wrk_pid=$!
  until [[ -e $marker.0 && -e $marker.1 ]] || ! kill -0 "$wrk_pid" 2>/dev/null; do sleep 0.2; done
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
  WARM_RATE=$(( count / ( $(date +%s) - started + 1 ) ))
}

LEADS=0
IDS="$WORK/lead-ids.txt"; : >"$IDS"
seed() { # count first-index
  log "seeding $1 leads (store closed)"
  dotnet "$SEEDER_DLL" "$WORK/data" "$1" "$OWNER_ID" "$IDS" "$2" >&2
  LEADS=$(( $2 + $1 ))
}
LIST_STATUS_PATH="/api/leads?status=qualified&sort=-created_at&limit=50"
LIST_Q_PATH="/api/leads?q=orbital&sort=-created_at&limit=50"
list_scenarios() { # suffix
  # One untimed request each first (the first query of a process reads its pages from disk).
  for path in "$LIST_STATUS_PATH" "$LIST_Q_PATH"; do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT$path" -H "authorization: Bearer $TOKEN" || log "warm-up of $path failed"
  done
  warm_up "list status$1" list 4 LIST_PATH="$LIST_STATUS_PATH"
  run_wrk "list status$1" list 4 "$DURATION" "$PORT" LIST_PATH="$LIST_STATUS_PATH"
  warm_up "list q$1" list 4 LIST_PATH="$LIST_Q_PATH"
  run_wrk "list q$1" list 4 "$DURATION" "$PORT" LIST_PATH="$LIST_Q_PATH"
}

# Issue #12: an authenticated GET (4 connections, below saturation) idle, then while a second wrk sends
# wrong-password logins on 40 connections (bcrypt behind the bounded hashing queue; 503 when it is full).
login_flood_scenario() {
  local flood_out="$WORK/flood.out" flood_pid
  run_wrk "GET lead @4, idle" get 4 "$DURATION" "$PORT" IDS="$IDS" ID_LIMIT="${GET_SUBSETS[0]}"
  log "  login flood: 40 connections of wrong-password logins"
  env MODE=flood timeout $(( DURATION + 60 )) wrk -t1 -c40 -d$(( DURATION + 30 ))s --timeout 5s -s "$BENCH/wrk/scenario.lua" \
    "http://127.0.0.1:$PORT" >"$flood_out" 2>&1 &
  flood_pid=$!
  sleep 2 # the flood is running (and the hashing queue full) before the measurement starts
  run_wrk "GET lead @4, under login flood" get 4 "$DURATION" "$PORT" IDS="$IDS" ID_LIMIT="${GET_SUBSETS[0]}"
  kill -INT "$flood_pid" 2>/dev/null || true
  wait "$flood_pid" 2>/dev/null || true
  local result
  result=$(grep '^RESULT ' "$flood_out" | sed 's/^RESULT //') || { log "flood wrk failed: $(cat "$flood_out")"; return 0; }
  python3 - "$result" "$LEADS" >>"$RESULTS" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
r.update(name="login flood (wrong passwords)", connections=40, leads=int(sys.argv[2]), server_cpu_s=0, load_before=0, rss_after_mb=0)
print(json.dumps(r))
PY
}

# CSV import (issue #16): a generated file of IMPORT_ROWS leads (1% repeat an earlier email, 1% have a bad email)
# POSTed to /api/leads/import on a store of its own, timed from the upload to the job's completion.
IMPORT_JSON=null
import_scenario() {
  local file="$WORK/import.csv" id started state
  python3 - "$IMPORT_ROWS" "$file" <<'PY'
import sys
rows, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w", newline="") as f:
    f.write("name,email,phone,company,status,source,notes\r\n")
    for i in range(1, rows + 1):
        email = f"bench-import-{i - 1 if i % 100 == 0 else i}@example.com" if i % 100 != 50 else "not-an-email"
        f.write(f'"Lead {i}, Imported",{email},+1 555 {i:07d},"Orbital {i % 97}",new,event,"row {i}"\r\n')
PY
  start_silo DATA_DIR="$WORK/import-data"
  TOKEN=$(login)
  log "import: $IMPORT_ROWS rows ($(( $(wc -c <"$file") / 1024 )) KiB)"
  local ticks_before
  ticks_before=$(cpu_ticks "$SILO_PID")
  started=$(date +%s.%N)
  id=$(curl -sf "http://127.0.0.1:$PORT/api/leads/import" -H "authorization: Bearer $TOKEN" -H 'content-type: text/csv' \
    --data-binary @"$file" | json_field id) || { log "import upload failed"; tail -20 "$WORK/silo.log" >&2; stop_silo; return 0; }
  local deadline=$(( $(date +%s) + 900 ))
  while true; do
    state=$(curl -sf "http://127.0.0.1:$PORT/api/imports/$id?limit=1" -H "authorization: Bearer $TOKEN")
    [[ $(json_field status <<<"$state") == completed ]] && break
    (( $(date +%s) < deadline )) || { log "import did not complete in 15 minutes: $state"; stop_silo; return 0; }
    sleep 0.5
  done
  IMPORT_JSON=$(python3 - "$state" "$started" "$(date +%s.%N)" "$(rss_mb "$SILO_PID")" \
    $(( $(cpu_ticks "$SILO_PID") - ticks_before )) "$(getconf CLK_TCK)" "$(nproc)" <<'PY'
import json, sys
job, started, ended = json.loads(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
seconds, cpu = ended - started, int(sys.argv[5]) / int(sys.argv[6])
# Busy CPU of the server per row is far less disturbed by other work on a shared machine than rows/s; with every
# core to itself the service would reach about rows / cpu * cores rows/s (if it kept the cores busy).
print(json.dumps({"rows": job["rows_total"], "seconds": round(seconds, 2), "rows_per_s": round(job["rows_total"] / seconds),
                  "created": job["created"], "duplicates": job["duplicates"], "invalid": job["invalid"], "rss_mb": int(sys.argv[4]),
                  "server_cpu_s": round(cpu, 1), "rows_per_cpu_s": round(job["rows_total"] / cpu),
                  "cores": int(sys.argv[7])}))
PY
)
  log "  import: $IMPORT_JSON"
  stop_silo
  rm -rf "$WORK/import-data"
}

if [[ $IMPORT_ONLY == 1 ]]; then
  import_scenario
  OUT=${OUT%.md}-import.md
  mkdir -p "$(dirname "$OUT")"
  python3 - "$IMPORT_JSON" "$(git -C "$ROOT" rev-parse --short HEAD)" "$(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print(f"# CSV import benchmark ({sys.argv[2]}, load average {sys.argv[3]})\n")
print("| rows | seconds | rows/s | server CPU | rows per CPU-second | created | duplicates | invalid | RSS after |")
print("|---|---|---|---|---|---|---|---|---|")
print(f"| {r['rows']:,} | {r['seconds']} | {r['rows_per_s']:,} | {r['server_cpu_s']} s | {r['rows_per_cpu_s']:,} | {r['created']:,} "
      f"| {r['duplicates']:,} | {r['invalid']:,} | {r['rss_mb']} MB |")
print(f"\nWith its {r['cores']} cores to itself the service would reach about {r['rows_per_cpu_s'] * r['cores']:,} rows/s "
      "(rows per CPU-second times cores; the load average above says how much of the machine other work took).")
print(f"\nTarget: >= 2,000 rows/s on the embedded store: **{'met' if r['rows_per_s'] >= 2000 else 'miss'}**.")
PY
  log "report: $OUT"
  cat "$OUT"
  exit 0
fi

# The chat scenarios: 256 sessions of the admin; an FAQ turn (rules only) at 32 and 4 connections, then the
# realistic mix (openers that need the embedding model, slot answers, yes/no; wrk/scenario.lua) at 4 connections.
chat_scenarios() {
  log "starting 256 chat sessions"
  SESSIONS="$WORK/sessions.txt"
  seq 256 | xargs -P 8 -I{} curl -s --retry 2 "http://127.0.0.1:$PORT/api/chat/sessions" -X POST \
    -H "authorization: Bearer $TOKEN" -o "$WORK/session-{}.json" -w '%{http_code}\n' >"$WORK/session-status.txt" || true
  python3 - "$WORK"/session-*.json >"$SESSIONS" <<'PY'
import json, sys
for path in sys.argv[1:]:
    try:
        print(json.load(open(path))["id"])
    except (ValueError, KeyError, OSError):
        pass
PY
  log "  $(wc -l <"$SESSIONS") sessions started (HTTP statuses: $(sort "$WORK/session-status.txt" | uniq -c | tr -s ' \n' ' '))"
  [[ -s $SESSIONS ]] || { log "no chat session could be started"; tail -20 "$WORK/silo.log" >&2; exit 1; }
  # The model loads in the background at start-up; the mix must not measure that load.
  local deadline=$(( $(date +%s) + 120 ))
  until grep -q "Chat embeddings loaded" "$WORK/silo.log" || (( $(date +%s) > deadline )); do sleep 0.5; done
  CHAT_MODEL_LINE=$(grep -o "Chat embeddings loaded in [0-9]* ms, process memory +[0-9]* MB" "$WORK/silo.log" | tail -1 || true)
  log "  ${CHAT_MODEL_LINE:-chat embeddings not loaded (CHAT_EMBEDDINGS=off or no model)}"
  warm_up "chat turn" chat 32 IDS="$SESSIONS"
  run_wrk "chat turn" chat 32 "$DURATION" "$PORT" IDS="$SESSIONS"
  # The latency target is checked below saturation too: at 32 connections p99 is mostly queueing.
  run_wrk "chat turn @4" chat 4 "$DURATION" "$PORT" IDS="$SESSIONS"
  warm_up "chat mix @4" chatmix 4 IDS="$SESSIONS"
  run_wrk "chat mix @4" chatmix 4 "$DURATION" "$PORT" IDS="$SESSIONS"
}

# --- phase 0: the service creates its store, indexes and admin ----------------------------------
log "work dir $WORK, service on 127.0.0.1:$PORT"
start_silo
TOKEN=$(login)
OWNER_ID=$(curl -sf "http://127.0.0.1:$PORT/api/auth/me" -H "authorization: Bearer $TOKEN" | json_field id)
if [[ $CHAT_ONLY == 1 ]]; then
  # Just the chat scenarios on an empty store (they do not read leads): a short run for chat engine changes.
  chat_scenarios
  stop_silo
  python3 - "$RESULTS" "$CHAT_MODEL_LINE" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(git -C "$ROOT" rev-parse --short HEAD)" <<'PY'
import json, sys
print(f"chat-only bench, commit {sys.argv[4]}, load average {sys.argv[3]}; {sys.argv[2] or 'embeddings not loaded'}")
print("| Scenario | Connections | turns/s | p50 ms | p95 ms | p99 ms | errors | server CPU µs/turn | RSS after |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for line in open(sys.argv[1]):
    r = json.loads(line)
    errors = r["errors_connect"] + r["errors_read"] + r["errors_write"] + r["errors_status"] + r["errors_timeout"]
    rps = r["requests"] / (r["duration_us"] / 1e6)
    print(f"| {r['name']} | {r['connections']} | {rps:,.0f} | {r['p50_us'] / 1000:.2f} | {r['p95_us'] / 1000:.2f} | {r['p99_us'] / 1000:.2f} | "
          f"{errors} | {r['server_cpu_s'] * 1e6 / max(1, r['requests']):,.0f} | {r['rss_after_mb']} MB |")
PY
  exit 0
fi
stop_silo

# --- phase 1: list at the smallest size -------------------------------------------------------------
seed "${SIZES[0]}" 0
start_silo
TOKEN=$(login)
log "phase: ${SIZES[0]} leads"
list_scenarios " @${SIZES[0]}"
stop_silo

# --- phase 2: every scenario at the main size ---------------------------------------------------
seed $(( MAIN_SIZE - SIZES[0] )) "${SIZES[0]}"
cp -r "$WORK/data" "$WORK/baseline-data" # for the SQLite write ceiling, before the service touches it
start_silo
RSS_START=$(rss_mb "$SILO_PID")
TOKEN=$(login)
log "phase: $MAIN_SIZE leads"
FIRST_ID=$(head -1 "$IDS")
curl -sf "http://127.0.0.1:$PORT/api/leads/$FIRST_ID" -H "authorization: Bearer $TOKEN" >"$WORK/sample-lead.json"
BODY_BYTES=$(wc -c <"$WORK/sample-lead.json")

# Baselines first, alone on the machine like every scenario (the silo idles meanwhile): the GET
# ceiling, then two durable-write ceilings for PATCH (the service's SQLite grain storage on a copy of
# the seeded store, and an fsync'd journal).
start_baseline() { # [VAR=value ...]
  (cd "$WORK" && exec env PORT="$BASELINE_PORT" "$@" dotnet "$BASELINE_DLL" "$WORK/sample-lead.json" "$IDS" >>"$WORK/baseline.log" 2>&1) &
  BASELINE_PID=$!
  wait_http "http://127.0.0.1:$BASELINE_PORT/health" 60
}
stop_baseline() { kill "$BASELINE_PID"; wait "$BASELINE_PID" 2>/dev/null || true; BASELINE_PID=""; }
baseline_run() { # NAME MODE WARM_UP_SECONDS [VAR=value ...] (the warm-up is not reported)
  local name=$1 mode=$2 warm_up=$3; shift 3
  TARGET_PID=$BASELINE_PID run_wrk "warm-up $name" "$mode" 32 "$warm_up" "$BASELINE_PORT" IDS="$IDS" "$@"
  sed -i '$d' "$RESULTS"
  TARGET_PID=$BASELINE_PID run_wrk "$name" "$mode" 32 "$DURATION" "$BASELINE_PORT" IDS="$IDS" "$@"
}
start_baseline
baseline_run "baseline: bare Kestrel GET" get "$WARM_UP"
stop_baseline
start_baseline BASELINE_WRITES="sqlite:$WORK/baseline-data"
baseline_run "ceiling: bare Kestrel PATCH, SQLite write" put "$WARM_UP" ID_LIMIT="${GET_SUBSETS[2]}"
stop_baseline
start_baseline BASELINE_WRITES="journal:$WORK/baseline-journal.jsonl"
baseline_run "ceiling: bare Kestrel PATCH, fsync'd journal" put "$WARM_UP" ID_LIMIT="${GET_SUBSETS[2]}"
stop_baseline
rm -rf "$WORK/baseline-data" "$WORK/baseline-journal.jsonl"

warm "${GET_SUBSETS[2]}"
ACTIVATION_RATE=$WARM_RATE
RSS_WARM=$(rss_mb "$SILO_PID")
ACTIVATIONS_WARM=$(activations)
run_wrk "GET lead" get 32 "$DURATION" "$PORT" IDS="$IDS" ID_LIMIT="${GET_SUBSETS[2]}"
# The baseline again, right after: the machine's load drifts within a run, and the GET ratio uses both.
start_baseline
baseline_run "baseline: bare Kestrel GET, after GET lead" get "$WARM_UP"
stop_baseline
run_wrk "GET lead @${GET_SUBSETS[1]} ids" get 32 "$DURATION" "$PORT" IDS="$IDS" ID_LIMIT="${GET_SUBSETS[1]}"
run_wrk "GET lead @${GET_SUBSETS[0]} ids" get 32 "$DURATION" "$PORT" IDS="$IDS" ID_LIMIT="${GET_SUBSETS[0]}"
warm_up "PATCH" put 32 IDS="$IDS" ID_LIMIT="${GET_SUBSETS[2]}"
run_wrk "PATCH lead" put 32 "$DURATION" "$PORT" IDS="$IDS" ID_LIMIT="${GET_SUBSETS[2]}"
run_wrk "mixed 80/20" mixed 32 "$DURATION" "$PORT" IDS="$IDS" ID_LIMIT="${GET_SUBSETS[2]}"
WARM_SECONDS=5 warm_up "POST lead" post 32 # short: it adds leads (~3,000/s) the list scenarios then search
run_wrk "POST lead" post 32 "$DURATION" "$PORT"
list_scenarios ""

chat_scenarios
run_wrk "login (bcrypt)" login 4 "$DURATION" "$PORT" LOGIN_BODY="{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}"
login_flood_scenario
RSS_AFTER_LOAD=$(rss_mb "$SILO_PID")
stop_silo

# --- phase 3: the largest size, and idle grains deactivating -----------------------------------
seed $(( SIZES[2] - MAIN_SIZE )) "$MAIN_SIZE"
start_silo GRAIN_COLLECTION_AGE_SECONDS="$IDLE_AGE"
TOKEN=$(login)
log "phase: ${SIZES[2]} leads (GRAIN_COLLECTION_AGE_SECONDS=$IDLE_AGE)"
warm "${GET_SUBSETS[1]}"
IDLE_FROM=$(date +%s)
ACTIVATIONS_BEFORE_IDLE=$(activations)
list_scenarios " @${SIZES[2]}"
# Orleans collects in quanta of age/4: wait age + two quanta since the leads were last touched.
IDLE_WAIT=$(( IDLE_AGE + IDLE_AGE / 2 + 2 - ($(date +%s) - IDLE_FROM) ))
(( IDLE_WAIT > 0 )) && { log "idling ${IDLE_WAIT}s for grain collection"; sleep "$IDLE_WAIT"; }
ACTIVATIONS_AFTER_IDLE=$(activations)
IDLE_SECONDS=$(( $(date +%s) - IDLE_FROM ))
RSS_LARGEST=$(rss_mb "$SILO_PID")
stop_silo

import_scenario

# --- report -------------------------------------------------------------------------------------------
cat >"$FACTS" <<JSON
{"date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "cores": $(nproc),
 "cpu": "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)",
 "memory_gb": $(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo),
 "kernel": "$(uname -r)", "dotnet": "$(dotnet --version)",
 "runtime": "$(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ {v=$2} END {print v}')",
 "commit": "$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src bench 2>/dev/null || echo '+changes')",
 "wrk": "$(wrk -v 2>&1 | head -1 | cut -d' ' -f2)", "load_average": "$(cut -d' ' -f1-3 /proc/loadavg)",
 "quick": $QUICK, "duration": $DURATION, "warm_up": $WARM_UP, "sizes": [${SIZES[0]}, ${SIZES[1]}, ${SIZES[2]}],
 "get_subsets": [${GET_SUBSETS[0]}, ${GET_SUBSETS[1]}, ${GET_SUBSETS[2]}],
 "body_bytes": $BODY_BYTES, "activation_rate": $ACTIVATION_RATE,
 "rss_start_mb": $RSS_START, "rss_warm_mb": $RSS_WARM, "rss_after_load_mb": $RSS_AFTER_LOAD, "rss_largest_mb": $RSS_LARGEST,
 "activations_warm": $ACTIVATIONS_WARM, "activations_before_idle": $ACTIVATIONS_BEFORE_IDLE,
 "activations_after_idle": $ACTIVATIONS_AFTER_IDLE, "idle_seconds": $IDLE_SECONDS, "idle_age": $IDLE_AGE,
 "import": $IMPORT_JSON,
 "chat_model": "$CHAT_MODEL_LINE",
 "total_seconds": $(( $(date +%s) - START_TIME ))}
JSON
mkdir -p "$(dirname "$OUT")"
# The raw measurements beside the report: `python3 bench/report.py FACTS RESULTS` writes it again (after a change of wording).
cp "$FACTS" "${OUT%.md}.facts.json"
cp "$RESULTS" "${OUT%.md}.results.jsonl"
python3 "$BENCH/report.py" "$FACTS" "$RESULTS" >"$OUT"
log "report: $OUT"
cat "$OUT"
