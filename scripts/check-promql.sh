#!/usr/bin/env bash
# Evaluates every PromQL expression of the Grafana dashboards and of the Prometheus rules against a real
# Prometheus that scrapes a running demo of identity-audit (docs/dashboards.md, "How the queries are checked").
#
#   scripts/check-promql.sh            # after ./mvnw -q package -DskipTests
#
# Needs java, python3 (standard library only) and Debian's prometheus (apt-get install prometheus). Starts, on
# 127.0.0.1 only: the demo with --inject-attack, so that the anomaly panels and alerts have data (embedded Kafka,
# simulated Okta orgs, the pipeline, /metrics on a free port) and a
# Prometheus scraping it every second with prometheus/recording-rules.yml and prometheus/alerts.yml loaded and its
# storage in a temporary directory. Stops both, whatever happens.
#
# Environment:
#   IDENTITY_AUDIT_JAR    the shaded jar (default target/identity-audit.jar)
#   CHECK_EVENTS          demo events (default 1200); CHECK_RATE events per second (default 20)
#   PROMETHEUS            the prometheus binary (default: prometheus on PATH)
#   CHECK_PROMQL_COMMAND  run this instead of the demo (a shell command; $METRICS_PORT, $EVENTS, $RATE and $JAR
#                         are set). It must serve identity-audit's /metrics on 127.0.0.1:$METRICS_PORT and
#                         judge exactly $EVENTS events.
#   KEEP_WORK=1           keep the temporary directory (logs, Prometheus data) for a look afterwards
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

JAR=${IDENTITY_AUDIT_JAR:-target/identity-audit.jar}
EVENTS=${CHECK_EVENTS:-1200}
RATE=${CHECK_RATE:-20}
PROMETHEUS=${PROMETHEUS:-prometheus}

fail() { echo "check-promql: $*" >&2; exit 2; }
command -v java >/dev/null || fail "java not found"
command -v python3 >/dev/null || fail "python3 not found"
command -v "$PROMETHEUS" >/dev/null || fail "prometheus not found: apt-get install prometheus (or set PROMETHEUS)"
[[ -n ${CHECK_PROMQL_COMMAND:-} || -f $JAR ]] || fail "$JAR not found: build it with ./mvnw -q package -DskipTests"
grep -q '^  - job_name: identity-audit$' prometheus/prometheus.yml \
  || fail "prometheus/prometheus.yml has no job named identity-audit, which the rules and this check expect"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/check-promql.XXXXXX")
PIDS=()

CHECK_PID=
cleanup() {
  local status=$? pid
  if [[ -n $CHECK_PID ]] && kill -0 "$CHECK_PID" 2>/dev/null; then
    kill -TERM "$CHECK_PID" 2>/dev/null || true
    wait "$CHECK_PID" 2>/dev/null || true
  fi
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    # The demo closes Streams, the broker and the orgs on SIGTERM; give it time, then insist.
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "check-promql: process $pid did not stop in 30 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  if [[ $status -ne 0 ]]; then
    for log in "$WORK/demo.log" "$WORK/prometheus.log"; do
      [[ -s $log ]] && { echo "--- last lines of $log"; tail -n 25 "$log"; } >&2
    done
  fi
  if [[ ${KEEP_WORK:-0} == 1 ]]; then
    echo "check-promql: kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

METRICS_PORT=$(free_port)
PROMETHEUS_PORT=$(free_port)
STARTED=$(date +%s)

echo "check-promql: starting the demo ($EVENTS events at $RATE/s, metrics on 127.0.0.1:$METRICS_PORT)"
if [[ -n ${CHECK_PROMQL_COMMAND:-} ]]; then
  export METRICS_PORT EVENTS RATE JAR
  bash -c "exec $CHECK_PROMQL_COMMAND" >"$WORK/demo.log" 2>&1 &
else
  java -jar "$JAR" demo --keep-running --embedded-port 0 \
    --metrics-host 127.0.0.1 --metrics-port "$METRICS_PORT" \
    --events "$EVENTS" --rate "$RATE" --inject-attack >"$WORK/demo.log" 2>&1 &
fi
PIDS+=($!)
DEMO_PID=$!

# The same rule files as the real configuration, with absolute paths; the same job name; a one-second scrape.
{
  echo "global:"
  echo "  scrape_interval: 1s"
  echo "  evaluation_interval: 1s"
  echo "rule_files:"
  sed -n '/^rule_files:/,/^[^ #]/p' prometheus/prometheus.yml | sed -n 's|^  - \(.*\)$|  - "'"$ROOT"'/prometheus/\1"|p'
  echo "scrape_configs:"
  echo "  - job_name: identity-audit"
  echo "    static_configs:"
  echo "      - targets: [\"127.0.0.1:$METRICS_PORT\"]"
} >"$WORK/prometheus.yml"
grep -q 'alerts.yml' "$WORK/prometheus.yml" || fail "could not read rule_files from prometheus/prometheus.yml"

echo "check-promql: starting Prometheus on 127.0.0.1:$PROMETHEUS_PORT ($("$PROMETHEUS" --version 2>&1 | head -n 1))"
"$PROMETHEUS" --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --log.level=warn >"$WORK/prometheus.log" 2>&1 &
PIDS+=($!)
PROMETHEUS_PID=$!

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" >/dev/null 2>&1 && break
  kill -0 "$PROMETHEUS_PID" 2>/dev/null || fail "Prometheus exited; see $WORK/prometheus.log"
  sleep 0.5
done

# In the background, so that a signal reaches the traps at once (bash runs them only after a foreground child).
python3 scripts/check_promql.py --prometheus "http://127.0.0.1:$PROMETHEUS_PORT" \
  --events "$EVENTS" --since "$STARTED" --timeout $((EVENTS / RATE + 240)) \
  --watch-pid "$DEMO_PID" --watch-pid "$PROMETHEUS_PID" &
CHECK_PID=$!
wait "$CHECK_PID"
