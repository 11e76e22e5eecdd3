#!/usr/bin/env bash
# Footprint of the built appliance (docs/operations.md, "Footprint"):
#   1. boot to ready, RUNS times from a fresh unpack (first start: key generation, feature
#      resolution) and RUNS times as a restart of that copy: seconds from bin/start until
#      'layerswap:status' lists every LayerSwap bundle Active and every pipeline service registered;
#   2. steady heap with FUNCTIONS functions and DAYS days of history: the seeded synthetic fleet
#      (bundles/workload SyntheticWorkload) written as a JSON-lines log ending now (tools/FootprintTrace.java)
#      and dropped into the ingest folder (data/ingest, the drop-folder route); once the file is
#      committed (moved to data/ingest/.done) and a minute has passed, a full GC (jcmd GC.run) and
#      the heap in use after it (jcmd GC.heap_info), the heap committed, and the process's RSS.
#
#   tools/footprint.sh [--tarball assembly/target/layerswap-assembly-<v>.tar.gz] [--runs 3]
#                      [--functions 10000] [--days 7] [--no-history] [--keep] [--variant NAME=OPTS ...]
#
# --variant (repeatable) compares JVM options instead: one unpack and first start, then RUNS rounds of
# restarts of that copy, each round one restart per variant in the given order with
# EXTRA_JAVA_OPTS=OPTS ('base=' for none), so the variants alternate under the same load; no history.
#
# Ports are chosen free (nothing else on the machine is disturbed); the appliance runs as shipped
# (built-in demo on). The trace is cached in target/footprint/ (2.3 GB for 10 k functions x 7 days).
# Needs: the built tarball, JDK 17 (java, jcmd), OpenSSH (bin/layerswap-client), python3 is not needed.
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
VERSION=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
TARBALL=assembly/target/layerswap-assembly-$VERSION.tar.gz
RUNS=3 FUNCTIONS=10000 DAYS=7 HISTORY=true KEEP=false VARIANTS=()
INGEST_TIMEOUT=${INGEST_TIMEOUT:-7200} READY_TIMEOUT=${READY_TIMEOUT:-600}
while (($#)); do
  case $1 in
    --tarball) TARBALL=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --functions) FUNCTIONS=$2; shift 2 ;;
    --days) DAYS=$2; shift 2 ;;
    --no-history) HISTORY=false; shift ;;
    --keep) KEEP=true; shift ;;
    --variant) [[ $2 == *=* ]] || { echo "footprint: --variant wants NAME=OPTS, got '$2'" >&2; exit 2; }
               VARIANTS+=("$2"); shift 2 ;;
    *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
[[ -f $TARBALL ]] || { echo "footprint: no built appliance $TARBALL (./layerswap build)" >&2; exit 1; }
if [[ -z ${JAVA_HOME:-} ]]; then
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")"); export JAVA_HOME
fi
WORK=$TOP/target/footprint
mkdir -p "$WORK"
log() { printf '%s footprint: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}

HOME_DIR=""
unpack() {
  rm -rf "$WORK/run"; mkdir -p "$WORK/run"
  tar -xzf "$TARBALL" -C "$WORK/run"
  HOME_DIR=$(find "$WORK/run" -mindepth 1 -maxdepth 1 -type d | head -1)
  local etc=$HOME_DIR/etc
  printf '\norg.osgi.service.http.port = %s\norg.osgi.service.http.port.secure = %s\n' "$(free_port)" "$(free_port)" >> "$etc/org.ops4j.pax.web.cfg"
  printf '\nsshPort = %s\n' "$(free_port)" >> "$etc/org.apache.karaf.shell.cfg"
  printf '\nrmiRegistryPort = %s\nrmiServerPort = %s\n' "$(free_port)" "$(free_port)" >> "$etc/org.apache.karaf.management.cfg"
  printf '\nhttpPort = %s\n' "$(free_port)" >> "$etc/org.layerswap.routes.cfg"
}

karaf_pid() { pgrep -f -- "-Dkaraf.base=$HOME_DIR " | head -1 || true; }

# ready: every LayerSwap bundle Active, every pipeline contract with a registered service
ready() {
  local out
  out=$("$HOME_DIR/bin/layerswap-client" layerswap:status 2>/dev/null) || return 1
  grep -q '(none registered)' <<< "$out" && return 1
  local n a
  read -r n a < <(sed -n 's/^LayerSwap bundles (\([0-9]*\), \([0-9]*\) active).*/\1 \2/p' <<< "$out")
  [[ -n ${n:-} && $n -gt 0 && $n == "$a" ]] || return 1
  for c in LayerSource LayerStore Predictor BehavioralProfiler FilesystemBackend SwapManager FeedbackLoop; do
    grep -q "^$c " <<< "$out" || return 1
  done
}

boot() { # prints the seconds from bin/start to ready; $1: EXTRA_JAVA_OPTS for this start
  local t0 t1
  t0=$(date +%s.%N)
  EXTRA_JAVA_OPTS="${1:-${EXTRA_JAVA_OPTS:-}}" "$HOME_DIR/bin/start" > /dev/null
  until ready; do
    if (( $(date +%s) - ${t0%.*} > READY_TIMEOUT )); then log "not ready after $READY_TIMEOUT s (see $HOME_DIR/data/log/karaf.log)"; return 1; fi
    sleep 0.5
  done
  t1=$(date +%s.%N)
  # and the CPU time the appliance's JVM used until then (utime + stime): on a shared machine the
  # wall time mostly measures the others' load
  local cpu; cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$(karaf_pid)/stat")
  awk -v a="$t0" -v b="$t1" -v c="$cpu" 'BEGIN { printf "%.1f s (JVM CPU %s s)\n", b - a, c }'
}

halt() {
  local pid; pid=$(karaf_pid)
  [[ -n $pid ]] || return 0
  "$HOME_DIR/bin/stop" > /dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
  kill -9 "$pid" 2>/dev/null || true
}
trap 'halt' EXIT

log "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(free -g | awk '/Mem:/ {print $2 " GB RAM"}')"
if ((${#VARIANTS[@]})); then
  unpack
  s=$(boot); log "first start: ready in $s"; echo "first start: $s"
  for i in $(seq "$RUNS"); do
    for v in "${VARIANTS[@]}"; do
      halt
      s=$(boot "${v#*=}"); log "round $i ${v%%=*}: ready in $s"; echo "round $i ${v%%=*} (${v#*=}): $s"
    done
  done
  exit 0
fi
first=() restart=()
for i in $(seq "$RUNS"); do
  unpack
  s=$(boot); first+=("$s"); log "first start $i: ready in $s"
  halt
  s=$(boot); restart+=("$s"); log "restart $i: ready in $s"
  if ((i < RUNS)) || ! $HISTORY; then halt; fi
done
echo "boot to ready, first start: $(IFS=';'; echo "${first[*]}")"
echo "boot to ready, restart:     $(IFS=';'; echo "${restart[*]}")"

heap() { # used-after-full-GC and committed heap (MB), RSS (MB)
  local pid; pid=$(karaf_pid)
  "$JAVA_HOME/bin/jcmd" "$pid" GC.run > /dev/null
  local info; info=$("$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info)
  local used total
  total=$(sed -n 's/.*heap *total \([0-9]*\)K, used \([0-9]*\)K.*/\1/p' <<< "$info" | head -1)
  used=$(sed -n 's/.*heap *total \([0-9]*\)K, used \([0-9]*\)K.*/\2/p' <<< "$info" | head -1)
  printf 'heap used after full GC %d MB, committed %d MB, RSS %d MB\n' $((used / 1024)) $((total / 1024)) \
    $(( $(ps -o rss= -p "$pid") / 1024 ))
}

if $HISTORY; then
  echo "idle (demo only): $(heap)"
  trace=$WORK/synthetic-d$DAYS-f$FUNCTIONS.jsonl
  S=$HOME_DIR/system
  CP=$(find "$S/org/layerswap/layerswap-workload" "$S/org/layerswap/layerswap-api" -name '*.jar' | tr '\n' ':')
  CP=$CP$(find "$S/com/fasterxml/jackson/core" -name '*.jar' | sort -V | awk -F/ '{v[$(NF-2)]=$0} END {for (k in v) print v[k]}' | tr '\n' ':')
  log "writing $DAYS days of $FUNCTIONS functions to $trace"
  "$JAVA_HOME/bin/java" -cp "$CP" "$TOP/tools/FootprintTrace.java" "days=$DAYS,functions=$FUNCTIONS,seed=1" "$trace.tmp" >&2
  mv "$trace.tmp" "$HOME_DIR/data/ingest/history.jsonl"
  log "ingesting $(du -h "$HOME_DIR/data/ingest/history.jsonl" | cut -f1) through the drop folder"
  t0=$(date +%s)
  until [[ -n $(find "$HOME_DIR/data/ingest/.done" "$HOME_DIR/data/ingest/.failed" -name '*history.jsonl' 2>/dev/null) ]]; do
    if (( $(date +%s) - t0 > INGEST_TIMEOUT )); then log "ingest not committed after $INGEST_TIMEOUT s"; break; fi
    sleep 10
  done
  log "ingest took $(( $(date +%s) - t0 )) s; $(find "$HOME_DIR/data/ingest" -name '*history.jsonl' | sed "s:$HOME_DIR/::")"
  rm -f "$(find "$HOME_DIR/data/ingest" -name '*history.jsonl' | head -1)"
  sleep 60 # the profiler's rescoring (30 s) and the writer settle
  echo "after $DAYS days x $FUNCTIONS functions: $(heap)"
  "$HOME_DIR/bin/layerswap-client" layerswap:status --bundles-only | head -1
fi
if $KEEP; then trap - EXIT; log "left running: $HOME_DIR"; fi
