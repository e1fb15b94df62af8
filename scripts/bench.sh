#!/usr/bin/env bash
# Replay benchmark for azuremfa_exporter (figures in docs/performance.md).
#
# Generates mixed MFA Server logs once (80% RADIUS log, 20% main service log, with noise,
# errors, duplicates, abandoned calls and 1 malformed line in 10,000), replays them with
# `azuremfa_exporter --one-shot` under /usr/bin/time -v, checks every printed count against
# the generator's expected values, and prints lines per CPU-second (user+sys) and peak RSS.
# Side by side, mtail does the equivalent work on the RADIUS log (scripts/bench/pfrad.mtail:
# count rawCallStatus results by code), and its counts are checked against the same values.
#
# Usage: scripts/bench.sh [total-lines ...]     (default: 10000000 1000000)
# Environment: BENCH_DIR (default tmp/bench in the repository; ignored by git),
#              BENCH_SEED (default 1), BENCH_REPEAT (default 3: each exporter run is
#              repeated and the least CPU time kept; mtail runs once), BENCH_SKIP_MTAIL=1.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$PWD
BENCH_DIR=${BENCH_DIR:-$repo/tmp/bench}
seed=${BENCH_SEED:-1}
repeats=${BENCH_REPEAT:-3}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000000 1000000)
mkdir -p "$BENCH_DIR/bin" "$BENCH_DIR/runs"

need_pkg() { # need_pkg <command> <debian package>
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "installing $2 ..." >&2
		(apt-get install -y -qq "$2" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2"; }) >&2
	fi
	command -v "$1" >/dev/null 2>&1
}
need_pkg /usr/bin/time time || { echo "bench: /usr/bin/time is missing (Debian package time)" >&2; exit 1; }
with_mtail=1
if [ "${BENCH_SKIP_MTAIL:-0}" = 1 ] || ! need_pkg mtail mtail; then
	with_mtail=0
	echo "bench: mtail left out" >&2
fi

echo "building ..." >&2
go build -o "$BENCH_DIR/bin/azuremfa_loggen" ./cmd/azuremfa_loggen
go build -o "$BENCH_DIR/bin/azuremfa_exporter" ./cmd/azuremfa_exporter
loggen=$BENCH_DIR/bin/azuremfa_loggen
exporter=$BENCH_DIR/bin/azuremfa_exporter

# The generated logs are kept and reused while the generator's source (tests aside) is
# unchanged; logs of an older generator are removed.
stamp=$(ls loggen/*.go cmd/azuremfa_loggen/*.go | grep -v '_test\.go$' | xargs cat | sha256sum | cut -c1-16)
find "$BENCH_DIR" -maxdepth 1 -type f \( -name 'radius-*-s*-*.log*' -o -name 'service-*-s*-*.log*' \) \
	! -name "*-$stamp.log*" -delete

# gen <kind> <lines>: prints the path of the log; its expected values are beside it (.prom).
gen() {
	local log=$BENCH_DIR/$1-$2-s$seed-$stamp.log
	if [ ! -s "$log" ] || [ ! -s "$log.prom" ]; then
		echo "generating $2 lines of the $1 log ..." >&2
		"$loggen" --kind "$1" --lines "$2" --seed "$seed" --malformed 0.0001 --crlf \
			--out "$log.tmp" --expected "$log.prom.tmp"
		mv "$log.prom.tmp" "$log.prom"
		mv "$log.tmp" "$log"
	fi
	echo "$log"
}

# measure <repeats> <name> <lines> <stdout file> <command...>: runs it under time -v
# <repeats> times and keeps the least CPU time (the run least disturbed by anything else on
# the machine) and the largest peak RSS; sets LAST_ROW.
results=$BENCH_DIR/results.txt
: >"$results"
row() { printf '%-34s %11s %10s %13s %9s  %s\n' "$@" | tee -a "$results"; }
measure() {
	local repeats=$1 name=$2 lines=$3 out=$4
	shift 4
	local tv=$out.time best_cpu="" max_rss=0 i cpu rss
	for ((i = 0; i < repeats; i++)); do
		/usr/bin/time -v -o "$tv" "$@" >"$out" 2>"$out.stderr" || {
			echo "bench: $name failed:" >&2
			tail -20 "$out.stderr" >&2
			exit 1
		}
		cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$tv")
		rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$tv")
		if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN{exit !(a < b)}'; then best_cpu=$cpu; fi
		if awk -v a="$rss" -v b="$max_rss" 'BEGIN{exit !(a > b)}'; then max_rss=$rss; fi
	done
	local rate
	rate=$(awk -v l="$lines" -v c="$best_cpu" 'BEGIN { if (c > 0) printf "%.2fM", l/c/1e6; else print "inf" }')
	LAST_ROW=("$name" "$lines" "$best_cpu" "$rate" "$max_rss")
}

# check <expected> <scrape>: every expected sample exact, nothing extra.
check() {
	if "$loggen" --expected "$1" --check "$2" >"$2.diff"; then
		echo ok
	else
		echo "counts differ from the generator's ($(wc -l <"$2.diff") differences):" >&2
		head -40 "$2.diff" >&2
		echo FAILED
	fi
}

# check_mtail <radius expected> <mtail output>: mtail's count per code must equal the
# exporter's expected results per code (summed over method and result).
check_mtail() {
	diff <(awk '/^azuremfa_auth_results_total\{/ && /log="radius"/ {
			match($0, /code="[^"]*"/); c = substr($0, RSTART+6, RLENGTH-7); n[c] += $NF }
			END { for (c in n) print c, n[c] }' "$1" | sort) \
		<(awk '/^pfrad_raw_call_status_total\{/ {
			match($0, /code="[^"]*"/); c = substr($0, RSTART+6, RLENGTH-7); print c, $NF + 0 }' "$2" | sort) \
		>"$2.diff" && echo ok || { echo "mtail's counts differ:" >&2; head -20 "$2.diff" >&2; echo FAILED; }
}

failed=0
echo >&2
row "run" "lines" "user+sys s" "lines/CPU-s" "RSS MiB" "counts"
for total in "${sizes[@]}"; do
	nr=$((total * 8 / 10))
	ns=$((total - nr))
	radius=$(gen radius "$nr")
	service=$(gen service "$ns")
	cat "$radius.prom" "$service.prom" >"$BENCH_DIR/runs/mixed-$total.expected"

	out=$BENCH_DIR/runs/exporter-mixed-$total.prom
	measure "$repeats" "exporter, RADIUS + service logs" "$total" "$out" \
		"$exporter" --one-shot --mfa.radius-log="$radius" --mfa.service-log="$service"
	verdict=$(check "$BENCH_DIR/runs/mixed-$total.expected" "$out")
	row "${LAST_ROW[@]}" "$verdict"
	[ "$verdict" = ok ] || failed=1

	out=$BENCH_DIR/runs/exporter-radius-$nr.prom
	measure "$repeats" "exporter, RADIUS log" "$nr" "$out" "$exporter" --one-shot --mfa.radius-log="$radius"
	verdict=$(check "$radius.prom" "$out")
	row "${LAST_ROW[@]}" "$verdict"
	[ "$verdict" = ok ] || failed=1

	if [ "$with_mtail" = 1 ]; then
		out=$BENCH_DIR/runs/mtail-radius-$nr.prom
		measure 1 "mtail, RADIUS log (pfrad.mtail)" "$nr" "$out" \
			mtail --one_shot --one_shot_format=prometheus --address=127.0.0.1 --port=0 \
			--progs "$repo/scripts/bench" --logs "$radius"
		verdict=$(check_mtail "$radius.prom" "$out")
		row "${LAST_ROW[@]}" "$verdict"
		[ "$verdict" = ok ] || failed=1
	fi
done
echo
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'); load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CPU time is user+sys of all threads; the exporter's least of $repeats runs, mtail's one run."
echo "results: $results; outputs and /usr/bin/time -v reports: $BENCH_DIR/runs"
exit $failed
