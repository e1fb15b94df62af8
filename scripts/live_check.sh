#!/usr/bin/env bash
# Live check for azuremfa_exporter: the exporter follows a RADIUS log that the generator
# writes at a steady rate and rolls over (rename + create) every few MB; at the end every
# count scraped from /metrics must equal the generator's expected values, exactly as a
# --one-shot replay gives them. Then the exporter is left idle and its CPU use is measured.
#
# Usage: scripts/live_check.sh [lines (default 300000)] [lines per second (default 20000)]
# Environment: BENCH_DIR (default tmp/bench), LIVE_PORT (default 19185, on 127.0.0.1),
#              LIVE_IDLE_SECONDS (default 20).
set -euo pipefail

cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-$PWD/tmp/bench}
lines=${1:-300000}
rate=${2:-20000}
port=${LIVE_PORT:-19185}
idle=${LIVE_IDLE_SECONDS:-20}
dir=$BENCH_DIR/live
rm -rf "$dir"
mkdir -p "$dir" "$BENCH_DIR/bin"

go build -o "$BENCH_DIR/bin/azuremfa_loggen" ./cmd/azuremfa_loggen
go build -o "$BENCH_DIR/bin/azuremfa_exporter" ./cmd/azuremfa_exporter
log=$dir/MultiFactorAuthRadiusSvc.log

# The log does not exist yet: the exporter waits for it and reads it from its beginning.
"$BENCH_DIR/bin/azuremfa_exporter" --mfa.radius-log="$log" --web.listen-address="127.0.0.1:$port" \
	>"$dir/exporter.out" 2>"$dir/exporter.err" &
exporter=$!
trap 'kill "$exporter" 2>/dev/null || true' EXIT

scrape() { curl -fsS "http://127.0.0.1:$port/metrics" >"$dir/scrape.prom" 2>/dev/null; }
deadline=$((SECONDS + 15))
until scrape; do
	[ $SECONDS -lt $deadline ] || { echo "live: the exporter does not answer on port $port" >&2; cat "$dir/exporter.err" >&2; exit 1; }
	sleep 0.1
done

echo "writing $lines lines at $rate lines/s, rolling every 4 MB ..." >&2
"$BENCH_DIR/bin/azuremfa_loggen" --lines "$lines" --rate "$rate" --crlf --malformed 0.0001 \
	--out "$log" --roll-bytes 4000000 --roll-keep 50 --expected "$dir/expected.prom"
written_at=$(date +%s.%N)

deadline=$((SECONDS + 60))
all_counted() {
	awk -v n="$lines" '/^azuremfa_exporter_log_lines_total\{log="radius"\}/ { if ($NF + 0 == n) found = 1 }
		END { exit !found }' "$dir/scrape.prom"
}
until scrape && all_counted; do
	if [ $SECONDS -ge $deadline ]; then
		echo "live: not every line was counted within 60 s:" >&2
		grep '^azuremfa_exporter_log_lines_total' "$dir/scrape.prom" >&2 || true
		break
	fi
	sleep 0.05
done
caught_up=$(date +%s.%N)

status=0
if "$BENCH_DIR/bin/azuremfa_loggen" --expected "$dir/expected.prom" --check "$dir/scrape.prom" >"$dir/diff.txt"; then
	echo "counts: ok ($(ls "$log".* 2>/dev/null | wc -l) rollovers; last line counted $(awk -v a="$written_at" -v b="$caught_up" 'BEGIN{printf "%.0f", (b-a)*1000}') ms after it was written)"
else
	echo "counts differ from the generator's:" >&2
	head -40 "$dir/diff.txt" >&2
	status=1
fi

# Idle CPU: utime+stime of the exporter over $idle seconds with nothing written.
ticks() { awk '{print $14 + $15}' "/proc/$exporter/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks)
sleep "$idle"
t1=$(ticks)
echo "idle CPU: $(awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$idle" 'BEGIN{printf "%.2f", 100*d/hz/s}')% of a core over ${idle}s (resolution $(awk -v hz="$hz" -v s="$idle" 'BEGIN{printf "%.2f", 100/hz/s}')%)"
echo "RSS after the run: $(awk '/VmHWM/ {printf "%.1f MiB peak", $2/1024}' "/proc/$exporter/status")"
exit $status
