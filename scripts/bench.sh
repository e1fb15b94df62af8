#!/usr/bin/env bash
# Replay benchmark for azuremfa_exporter, with its own scale (figures in docs/performance.md).
#
# Generates MFA Server logs once (a RADIUS log, and a main service log of a quarter of its
# size; with noise, errors, duplicates, abandoned calls and 1 malformed line in 10,000),
# replays them with `azuremfa_exporter --one-shot`, checks every printed count against the
# generator's expected values, and prints lines per CPU-second (user+sys of the whole process:
# start, read, decode, parse, correlate, count, print, exit) and peak RSS.
#
# Beside each replay, the floor: a plain bufio.Scanner line count of the same files (read 64 KiB
# at a time, as the exporter reads them), CPU time measured the same way, its count checked
# too. "of floor" is the exporter's lines per CPU-second over the floor's, so every figure
# carries its scale: the machine, its load and the page cache move both alike. The Scanner with
# its own 4 KiB reads is shown too (more system calls, so about half as fast).
#
# mtail does the equivalent of the exporter's hot path on the RADIUS log
# (scripts/bench/pfrad.mtail: count rawCallStatus results by code), its counts checked against
# the same values.
#
# Usage: scripts/bench.sh [RADIUS-lines ...]     (default: 2000000 8000000)
# Environment: BENCH_DIR (default tmp/bench in the repository; ignored by git),
#              BENCH_SEED (default 1), BENCH_REPEAT (default 5: each exporter and floor run
#              is repeated and the least CPU time kept; mtail runs once), BENCH_SKIP_MTAIL=1.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$PWD
BENCH_DIR=${BENCH_DIR:-$repo/tmp/bench}
seed=${BENCH_SEED:-1}
repeats=${BENCH_REPEAT:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2000000 8000000)
mkdir -p "$BENCH_DIR/bin" "$BENCH_DIR/runs"

need_pkg() { # need_pkg <command> <debian package>
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "installing $2 ..." >&2
		(apt-get install -y -qq "$2" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2"; }) >&2
	fi
	command -v "$1" >/dev/null 2>&1
}
with_mtail=1
if [ "${BENCH_SKIP_MTAIL:-0}" = 1 ] || ! need_pkg mtail mtail; then
	with_mtail=0
	echo "bench: mtail left out" >&2
fi

echo "building ..." >&2
go build -o "$BENCH_DIR/bin/azuremfa_loggen" ./cmd/azuremfa_loggen
go build -o "$BENCH_DIR/bin/azuremfa_exporter" ./cmd/azuremfa_exporter
go build -o "$BENCH_DIR/bin/measure" ./scripts/bench/measure
loggen=$BENCH_DIR/bin/azuremfa_loggen
exporter=$BENCH_DIR/bin/azuremfa_exporter
measure=$BENCH_DIR/bin/measure

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

results=$BENCH_DIR/results.txt
: >"$results"
row() { printf '%-42s %10s %10s %12s %8s %8s  %s\n' "$@" | tee -a "$results"; }

# measure_best <repeats> <lines> <stdout file> <command...>: runs the command <repeats> times
# and keeps the least CPU time (the run least disturbed by anything else on the machine) and
# the largest peak RSS; sets BEST_CPU, BEST_RATE (lines per CPU-second, in millions), MAX_RSS.
measure_best() {
	local repeats=$1 lines=$2 out=$3
	shift 3
	local i res cpu rss
	BEST_CPU="" MAX_RSS=0
	for ((i = 0; i < repeats; i++)); do
		if ! res=$("$measure" run "$out" "$@" 2>"$out.stderr"); then
			echo "bench: $* failed:" >&2
			tail -20 "$out.stderr" >&2
			exit 1
		fi
		read -r cpu rss <<<"$res"
		if [ -z "$BEST_CPU" ] || awk -v a="$cpu" -v b="$BEST_CPU" 'BEGIN{exit !(a < b)}'; then BEST_CPU=$cpu; fi
		if awk -v a="$rss" -v b="$MAX_RSS" 'BEGIN{exit !(a > b)}'; then MAX_RSS=$rss; fi
	done
	BEST_RATE=$(awk -v l="$lines" -v c="$BEST_CPU" 'BEGIN { if (c > 0) printf "%.2fM", l/c/1e6; else print "inf" }')
}

# of_floor <rate> <floor rate>: the exporter's rate as a fraction of the floor's.
of_floor() { awk -v a="${1%M}" -v b="${2%M}" 'BEGIN { printf "%.2f", a/b }'; }

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

# check_lines <want> <output>: the floor counted every line.
check_lines() { [ "$(cat "$2")" = "$1" ] && echo ok || echo "FAILED (counted $(cat "$2"), want $1)"; }

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
ok() { [ "$1" = ok ] || failed=1; }
echo >&2
row "run" "lines" "user+sys s" "lines/CPU-s" "of floor" "RSS MiB" "counts"
for nr in "${sizes[@]}"; do
	ns=$((nr / 4))
	radius=$(gen radius "$nr")
	service=$(gen service "$ns")
	total=$((nr + ns))
	cat "$radius.prom" "$service.prom" >"$BENCH_DIR/runs/mixed-$total.expected"
	runs=$BENCH_DIR/runs

	# The RADIUS log alone: floor, exporter, mtail.
	measure_best "$repeats" "$nr" "$runs/floor-radius-$nr.out" "$measure" lines "$radius"
	floor=$BEST_RATE
	row "floor: bufio.Scanner, RADIUS log" "$nr" "$BEST_CPU" "$floor" "1.00" "$MAX_RSS" "$(check_lines "$nr" "$runs/floor-radius-$nr.out")"
	measure_best "$repeats" "$nr" "$runs/floor4k-radius-$nr.out" "$measure" lines -defaults "$radius"
	row "  (bufio.Scanner with its 4 KiB reads)" "$nr" "$BEST_CPU" "$BEST_RATE" "$(of_floor "$BEST_RATE" "$floor")" "$MAX_RSS" "$(check_lines "$nr" "$runs/floor4k-radius-$nr.out")"
	out=$runs/exporter-radius-$nr.prom
	measure_best "$repeats" "$nr" "$out" "$exporter" --one-shot --log.level=error --mfa.radius-log="$radius"
	verdict=$(check "$radius.prom" "$out")
	row "exporter --one-shot, RADIUS log" "$nr" "$BEST_CPU" "$BEST_RATE" "$(of_floor "$BEST_RATE" "$floor")" "$MAX_RSS" "$verdict"
	ok "$verdict"
	if [ "$with_mtail" = 1 ]; then
		out=$runs/mtail-radius-$nr.prom
		measure_best 1 "$nr" "$out" mtail --one_shot --one_shot_format=prometheus --address=127.0.0.1 --port=0 \
			--progs "$repo/scripts/bench" --logs "$radius"
		verdict=$(check_mtail "$radius.prom" "$out")
		row "mtail --one_shot (pfrad.mtail), RADIUS log" "$nr" "$BEST_CPU" "$BEST_RATE" "$(of_floor "$BEST_RATE" "$floor")" "$MAX_RSS" "$verdict"
		ok "$verdict"
	fi

	# Both logs at once, as on a server that runs RADIUS.
	measure_best "$repeats" "$total" "$runs/floor-mixed-$total.out" "$measure" lines "$radius" "$service"
	floor=$BEST_RATE
	row "floor: bufio.Scanner, RADIUS + service" "$total" "$BEST_CPU" "$floor" "1.00" "$MAX_RSS" "$(check_lines "$total" "$runs/floor-mixed-$total.out")"
	out=$runs/exporter-mixed-$total.prom
	measure_best "$repeats" "$total" "$out" "$exporter" --one-shot --log.level=error \
		--mfa.radius-log="$radius" --mfa.service-log="$service"
	verdict=$(check "$BENCH_DIR/runs/mixed-$total.expected" "$out")
	row "exporter --one-shot, RADIUS + service" "$total" "$BEST_CPU" "$BEST_RATE" "$(of_floor "$BEST_RATE" "$floor")" "$MAX_RSS" "$verdict"
	ok "$verdict"
done
echo
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'); $(go version | cut -d' ' -f3-4); $(date -u '+%Y-%m-%d %H:%M UTC'); load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CPU time is user+sys of the whole process (all threads), least of $repeats runs (mtail: one run)."
echo "results: $results; outputs: $BENCH_DIR/runs"
exit $failed
