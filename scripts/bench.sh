#!/usr/bin/env bash
# Replay benchmark for azuremfa_exporter, with its own scale (figures in docs/performance.md).
#
# Generates MFA Server logs once (a RADIUS log, and a main service log of a quarter of its
# size; with noise, errors, duplicates, abandoned calls and 1 malformed line in 10,000),
# replays them with `azuremfa_exporter --one-shot`, checks every printed count against the
# generator's expected values, and prints lines per CPU-second (user+sys of the whole process:
# start, read, decode, parse, correlate, count, print, exit) and peak RSS.
#
# Beside each replay, the floor: a plain bufio.Scanner line count of the same files
# (bufio.NewScanner as it comes, reading 4 KiB at a time), CPU time measured the same way,
# its count checked too. "of floor" is the exporter's lines per CPU-second over the floor's, so
# every figure carries its scale: the machine, its load and the page cache move both alike.
# A stricter scale beside it, "of 64K": the same Scanner reading 64 KiB at a time, as the
# exporter's follower reads (fewer system calls: about twice as fast).
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
row() { printf '%-42s %10s %10s %12s %8s %8s %8s  %s\n' "$@" | tee -a "$results"; }

# measure_round <repeats> <name>:<lines>:<stdout file>:<command...> ...: runs each command once
# per round, in turn, for <repeats> rounds (so that a change in the machine's load falls on
# all of them alike), and keeps for each the least CPU time (the run least disturbed by
# anything else on the machine) and the largest peak RSS, in CPU[name], RATE[name] (lines
# per CPU-second, in millions) and RSS[name]. Arguments are separated by "|" in <command>.
declare -A CPU RATE RSS
measure_round() {
	local repeats=$1 i spec name lines out cmd res cpu rss
	shift
	for spec in "$@"; do
		IFS=: read -r name lines out cmd <<<"$spec"
		CPU[$name]="" RSS[$name]=0
	done
	for ((i = 0; i < repeats; i++)); do
		for spec in "$@"; do
			IFS=: read -r name lines out cmd <<<"$spec"
			IFS='|' read -r -a argv <<<"$cmd"
			if ! res=$("$measure" run "$out" "${argv[@]}" 2>"$out.stderr"); then
				echo "bench: ${argv[*]} failed:" >&2
				tail -20 "$out.stderr" >&2
				exit 1
			fi
			read -r cpu rss <<<"$res"
			if [ -z "${CPU[$name]}" ] || awk -v a="$cpu" -v b="${CPU[$name]}" 'BEGIN{exit !(a < b)}'; then CPU[$name]=$cpu; fi
			if awk -v a="$rss" -v b="${RSS[$name]}" 'BEGIN{exit !(a > b)}'; then RSS[$name]=$rss; fi
			RATE[$name]=$(awk -v l="$lines" -v c="${CPU[$name]}" 'BEGIN { if (c > 0) printf "%.2fM", l/c/1e6; else print "inf" }')
		done
	done
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
row "run" "lines" "user+sys s" "lines/CPU-s" "of floor" "of 64K" "RSS MiB" "counts"
for nr in "${sizes[@]}"; do
	ns=$((nr / 4))
	radius=$(gen radius "$nr")
	service=$(gen service "$ns")
	total=$((nr + ns))
	runs=$BENCH_DIR/runs
	cat "$radius.prom" "$service.prom" >"$runs/mixed-$total.expected"

	for set in radius mixed; do
		if [ "$set" = radius ]; then
			what="RADIUS log" n=$nr files=("$radius") logs=("--mfa.radius-log=$radius") expected=$radius.prom
		else
			what="RADIUS + service" n=$total files=("$radius" "$service")
			logs=("--mfa.radius-log=$radius" "--mfa.service-log=$service") expected=$runs/mixed-$total.expected
		fi
		fl=$(IFS='|'; echo "${files[*]}") lg=$(IFS='|'; echo "${logs[*]}")
		measure_round "$repeats" \
			"floor:$n:$runs/floor-$set-$n.out:$measure|lines|-defaults|$fl" \
			"floor64k:$n:$runs/floor64k-$set-$n.out:$measure|lines|$fl" \
			"exporter:$n:$runs/exporter-$set-$n.prom:$exporter|--one-shot|--log.level=error|$lg"
		f=${RATE[floor]} f64=${RATE[floor64k]}
		row "floor: bufio.Scanner, $what" "$n" "${CPU[floor]}" "$f" "1.00" "$(of_floor "$f" "$f64")" "${RSS[floor]}" "$(check_lines "$n" "$runs/floor-$set-$n.out")"
		row "  (the Scanner reading 64 KiB at a time)" "$n" "${CPU[floor64k]}" "$f64" "$(of_floor "$f64" "$f")" "1.00" "${RSS[floor64k]}" "$(check_lines "$n" "$runs/floor64k-$set-$n.out")"
		verdict=$(check "$expected" "$runs/exporter-$set-$n.prom")
		row "exporter --one-shot, $what" "$n" "${CPU[exporter]}" "${RATE[exporter]}" "$(of_floor "${RATE[exporter]}" "$f")" "$(of_floor "${RATE[exporter]}" "$f64")" "${RSS[exporter]}" "$verdict"
		ok "$verdict"
		if [ "$set" = radius ] && [ "$with_mtail" = 1 ]; then
			out=$runs/mtail-radius-$nr.prom
			measure_round 1 "mtail:$nr:$out:mtail|--one_shot|--one_shot_format=prometheus|--address=127.0.0.1|--port=0|--progs|$repo/scripts/bench|--logs|$radius"
			verdict=$(check_mtail "$radius.prom" "$out")
			row "mtail --one_shot (pfrad.mtail), RADIUS log" "$nr" "${CPU[mtail]}" "${RATE[mtail]}" "$(of_floor "${RATE[mtail]}" "$f")" "$(of_floor "${RATE[mtail]}" "$f64")" "${RSS[mtail]}" "$verdict"
			ok "$verdict"
		fi
	done
done
echo
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'); $(go version | cut -d' ' -f3-4); $(date -u '+%Y-%m-%d %H:%M UTC'); load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CPU time is user+sys of the whole process (all threads), least of $repeats runs taken in turn with the floor's (mtail: one run)."
echo "results: $results; outputs: $BENCH_DIR/runs"
exit $failed
