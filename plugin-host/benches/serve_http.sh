#!/usr/bin/env bash
# `shipmux serve` over HTTP, measured side by side (BENCHMARKS.md, "serve over HTTP"):
#
#   a  cache-hit checkout quotes at c=64: `serve` (demo store, cache on, --distinct 100 after a
#      warm-up; as shipped, and with RUST_LOG=warn: no request log) against a floor
#      (examples/fixed_body_server.rs: a fixed ~2.7 KB CheckoutQuote), all driven by
#      `shipmux loadtest --server`, alternating, ROUNDS times; with each server's CPU per quote.
#   b  cache off, sandboxes answering after 50 ms, c=64: `serve --config` (cache off, the load
#      test's zone, the same sandboxes) driven by `loadtest --server`, against the library
#      (`loadtest --target` at the same sandboxes), alternating, ROUNDS times.
#   c  memory: VmRSS of `serve` before and after 10,000 stores each connect their own UPS
#      account through POST /bigcommerce/check_connection_options (account numbers A00001…:
#      UPS shipper numbers are 6 characters, and `serve` refuses others).
#
# Release builds first:
#   cargo build --release -p shipmux-host --bins --example fixed_body_server
# Then: plugin-host/benches/serve_http.sh [a] [b] [c]   (default: all three)
# Environment: TARGET_DIR (default: target), ROUNDS (default 3), SECONDS_A (default 10),
# QUOTES_B (default 16000), CONC_B (default 64), TENANTS (default 10000), OUT (default: a new
# temp dir).
# Every server listens on 127.0.0.1 on a free port; everything started here is stopped here.
set -euo pipefail

TARGET_DIR=${TARGET_DIR:-target}
SHIPMUX=$TARGET_DIR/release/shipmux
FLOOR=$TARGET_DIR/release/examples/fixed_body_server
ROUNDS=${ROUNDS:-3}
SECONDS_A=${SECONDS_A:-10}
QUOTES_B=${QUOTES_B:-16000}
CONC_B=${CONC_B:-64}
TENANTS=${TENANTS:-10000}
OUT=${OUT:-$(mktemp -d)}
PARTS=${*:-a b c}
mkdir -p "$OUT"
for bin in "$SHIPMUX" "$FLOOR"; do
  [ -x "$bin" ] || { echo "missing $bin: build the release binaries first" >&2; exit 1; }
done

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# start NAME CMD...: runs CMD with stdout in $OUT/NAME.out, waits for its first line.
start() {
  local name=$1; shift
  "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" &
  PIDS+=($!)
  eval "${name}_PID=$!"
  for _ in $(seq 1 600); do
    [ -s "$OUT/$name.out" ] && return 0
    sleep 0.05
  done
  echo "$name did not start: $(cat "$OUT/$name.err")" >&2
  exit 1
}
url_of() { head -1 "$OUT/$1.out" | sed 's/^listening on //'; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# cpu_ticks PID: user + system CPU of a process so far, in clock ticks (1/100 s).
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
# server_cpu PID BEFORE FILE: the server's CPU ms per quote of the run reported in FILE.
server_cpu() {
  python3 -c "import json,sys; q=json.load(open(sys.argv[3]))['quotes']; print(f'{(int(sys.argv[1]) - int(sys.argv[2])) * 10 / q:.3f}')" \
    "$(cpu_ticks "$1")" "$2" "$3"
}
# served_ms FILE FROM: percentiles of the times `serve` logged for its answers (its stderr
# FILE, lines after FROM): the time inside the server, from request to response.
served_ms() {
  tail -n +"$(($2 + 1))" "$1" | python3 -c "
import re, sys
ms = sorted(float(m.group(1)) for m in (re.search(r' ms=([0-9.]+)', l) for l in sys.stdin if 'checkouts/quote' in l) if m)
p = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]
print(f'{len(ms)} answers, inside serve p50 {p(0.5):.3f} p90 {p(0.9):.3f} p99 {p(0.99):.3f} p99.9 {p(0.999):.3f} ms')"
}
# summary FILE: one line from a loadtest JSON report.
summary() {
  python3 - "$1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
l = r["latency_ms"]
http = r.get("http") or {}
print(f'{r["quotes"]:>7} quotes {r["quotes_per_s"]:>9.0f}/s  p50 {l["p50"]:.3f}  p90 {l["p90"]:.3f}  '
      f'p99 {l["p99"]:.3f}  p99.9 {l["p999"]:.3f} ms  client cpu {r["cpu_ms_per_quote"]:.3f} ms/quote  '
      f'status {http.get("status", "-")}  errors {r["errors"] or "none"}')
EOF
}
metric() { curl -s "$1/metrics" | awk -v m="$2" '$1 == m {print $2}'; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT"

if [[ " $PARTS " == *" a "* ]]; then
  echo "== a: cache-hit quotes over HTTP, c=64, --distinct 100, ${SECONDS_A} s per run"
  # serve as shipped (a log line per request on stderr), serve with RUST_LOG=warn (no request
  # log), and the floor.
  start serve_a "$SHIPMUX" serve --listen 127.0.0.1:0
  RUST_LOG=warn start quiet_a "$SHIPMUX" serve --listen 127.0.0.1:0
  start floor "$FLOOR" --listen 127.0.0.1:0
  declare -A URL=([serve]=$(url_of serve_a) [quiet]=$(url_of quiet_a) [floor]=$(url_of floor))
  declare -A PID=([serve]=$serve_a_PID [quiet]=$quiet_a_PID [floor]=$floor_PID)
  # Warm-up: every one of the 100 keys is cached (and the connections are open).
  for who in serve quiet floor; do
    "$SHIPMUX" loadtest --server "${URL[$who]}" --quotes 5000 --distinct 100 --json "$OUT/a-warm.json" >/dev/null
  done
  misses_before=$(metric "${URL[serve]}" shipmux_cache_misses_total)
  for round in $(seq 1 "$ROUNDS"); do
    for who in floor serve quiet; do
      before=$(cpu_ticks "${PID[$who]}")
      "$SHIPMUX" loadtest --server "${URL[$who]}" --duration "$SECONDS_A" --concurrency 64 --distinct 100 \
        --json "$OUT/a-$who-$round.json" >/dev/null
      echo "a round $round $who: $(summary "$OUT/a-$who-$round.json")  server cpu $(server_cpu "${PID[$who]}" "$before" "$OUT/a-$who-$round.json") ms/quote  (load $(cut -d' ' -f1 /proc/loadavg))"
    done
  done
  misses_after=$(metric "${URL[serve]}" shipmux_cache_misses_total)
  echo "a serve cache misses during the measured runs: $((${misses_after%.*} - ${misses_before%.*}))"
  python3 - "$OUT" "$ROUNDS" <<'EOF'
import json, sys
out, rounds = sys.argv[1], int(sys.argv[2])
q = lambda who, r: json.load(open(f"{out}/a-{who}-{r}.json"))["quotes_per_s"]
for r in range(1, rounds + 1):
    print(f"a round {r}: serve/floor = {q('serve', r):.0f}/{q('floor', r):.0f} = {q('serve', r) / q('floor', r):.2f}; "
          f"quiet serve/floor = {q('quiet', r):.0f}/{q('floor', r):.0f} = {q('quiet', r) / q('floor', r):.2f}")
mean = lambda who: sum(q(who, r) for r in range(1, rounds + 1)) / rounds
print(f"a all rounds: serve {mean('serve'):.0f}/s, quiet serve {mean('quiet'):.0f}/s, floor {mean('floor'):.0f}/s; "
      f"ratio {mean('serve') / mean('floor'):.2f} (quiet {mean('quiet') / mean('floor'):.2f})")
EOF
  kill "$serve_a_PID" "$quiet_a_PID" "$floor_PID"
fi

if [[ " $PARTS " == *" b "* ]]; then
  echo "== b: cache off, sandboxes at 50 ms, c=$CONC_B, $QUOTES_B quotes per run"
  start sandbox_b "$SHIPMUX" sandbox --carriers ups,fedex,usps --latency 50
  sleep 0.2 # the three lines come together; the first is enough to know it listens
  UPS=$(awk '$1 == "ups" {print $2}' "$OUT/sandbox_b.out")
  FEDEX=$(awk '$1 == "fedex" {print $2}' "$OUT/sandbox_b.out")
  USPS=$(awk '$1 == "usps" {print $2}' "$OUT/sandbox_b.out")
  # The load test's zone (plugin-host/src/cli/loadtest/workload.rs): one real-time method per
  # carrier. FedEx gets no rate limit, as in the load test (its default is 1,400 per 10 s).
  cat >"$OUT/zones.json" <<'EOF'
{"zones": [{"id": "us", "name": "United States", "type": "country", "locations": [{"country": "US"}],
  "methods": [{"id": "ups", "name": "ups", "type": "real_time", "carrier": "ups"},
              {"id": "fedex", "name": "fedex", "type": "real_time", "carrier": "fedex"},
              {"id": "usps", "name": "usps", "type": "real_time", "carrier": "usps"}]}]}
EOF
  cat >"$OUT/serve-b.toml" <<EOF
[host]
quote_deadline_ms = 5000

[cache]
enabled = false

[carriers.ups]
client_id = "shipmux-sandbox"
client_secret = "sandbox-secret"
account_number = "A1B2C3"
base_url = "$UPS"

[carriers.fedex]
client_id = "shipmux-sandbox"
client_secret = "sandbox-secret"
account_number = "510087020"
base_url = "$FEDEX"
rate_limit = "1000000/s"

[carriers.usps]
client_id = "shipmux-sandbox"
client_secret = "sandbox-secret"
base_url = "$USPS"

[rules]
file = "zones.json"
EOF
  start serve_b "$SHIPMUX" serve --config "$OUT/serve-b.toml" --listen 127.0.0.1:0
  SERVE=$(url_of serve_b)
  T="ups=$UPS,fedex=$FEDEX,usps=$USPS"
  "$SHIPMUX" loadtest --server "$SERVE" --quotes 2000 --distinct 1000000 --json "$OUT/b-warm.json" >/dev/null
  for round in $(seq 1 "$ROUNDS"); do
    sandbox_before=$(cpu_ticks "$sandbox_b_PID")
    "$SHIPMUX" loadtest --quotes "$QUOTES_B" --concurrency "$CONC_B" --cache off --distinct 1000000 \
      --carriers ups,fedex,usps --target "$T" --connect-first --json "$OUT/b-library-$round.json" >/dev/null
    echo "b round $round library: $(summary "$OUT/b-library-$round.json")  sandbox cpu $(server_cpu "$sandbox_b_PID" "$sandbox_before" "$OUT/b-library-$round.json") ms/quote  (load $(cut -d' ' -f1 /proc/loadavg))"
    logged=$(wc -l <"$OUT/serve_b.err")
    sandbox_before=$(cpu_ticks "$sandbox_b_PID")
    serve_before=$(cpu_ticks "$serve_b_PID")
    "$SHIPMUX" loadtest --server "$SERVE" --quotes "$QUOTES_B" --concurrency "$CONC_B" --distinct 1000000 \
      --json "$OUT/b-serve-$round.json" >/dev/null
    echo "b round $round serve:   $(summary "$OUT/b-serve-$round.json")  server cpu $(server_cpu "$serve_b_PID" "$serve_before" "$OUT/b-serve-$round.json") ms/quote  sandbox cpu $(server_cpu "$sandbox_b_PID" "$sandbox_before" "$OUT/b-serve-$round.json") ms/quote  (load $(cut -d' ' -f1 /proc/loadavg))"
    echo "b round $round serve:   $(served_ms "$OUT/serve_b.err" "$logged")"
  done
  python3 - "$OUT" "$ROUNDS" <<'EOF'
import json, sys
out, rounds = sys.argv[1], int(sys.argv[2])
l = lambda who, r, p: json.load(open(f"{out}/b-{who}-{r}.json"))["latency_ms"][p]
for p in ("p50", "p90", "p99"):
    d = [l("serve", r, p) - l("library", r, p) for r in range(1, rounds + 1)]
    print(f"b {p} serve - library per round: " + ", ".join(f"{x:+.2f} ms" for x in d))
EOF
  kill "$serve_b_PID" "$sandbox_b_PID"
fi

if [[ " $PARTS " == *" c "* ]]; then
  echo "== c: serve's memory with $TENANTS store accounts"
  start serve_c "$SHIPMUX" serve --listen 127.0.0.1:0
  SERVE=$(url_of serve_c)
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$SERVE/readyz")" = 200 ]; do sleep 0.05; done
  echo "c tenants 0: VmRSS $(rss_kb "$serve_c_PID") kB"
  python3 - "$SERVE" "$TENANTS" "$serve_c_PID" <<'EOF'
import http.client, json, sys, time, urllib.parse
base, tenants, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port)
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
marks = {1000, 2500, 5000, 7500, tenants}
invalid = 0
started = time.time()
for n in range(1, tenants + 1):
    body = json.dumps({"connection_options": {"ups_client_id": "shipmux-sandbox",
        "ups_client_secret": "sandbox-secret", "ups_account_number": f"A{n:05}"}})
    conn.request("POST", "/bigcommerce/check_connection_options", body, {"content-type": "application/json"})
    answer = json.loads(conn.getresponse().read())
    invalid += not answer.get("valid")
    if n in marks:
        print(f"c tenants {n}: VmRSS {rss()} kB  ({time.time() - started:.1f} s, {invalid} refused)", flush=True)
EOF
  echo "c tenants held (shipmux_tenants): $(metric "$SERVE" shipmux_tenants)"
  sleep 2
  echo "c after 2 s idle: VmRSS $(rss_kb "$serve_c_PID") kB"
  kill "$serve_c_PID"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
