#!/usr/bin/env bash
# Benchmark of `azuremfa_exporter report` (figures in docs/performance.md, "Report").
#
# Generates a month of MFA Server logs once (by default 10M lines: 4M of RADIUS log, 2M of
# IIS log, 3M of main service log, 1M of syslog, each spread over 30 days of log time, with
# noise, errors, duplicates, abandoned calls and 1 malformed line in 10,000), then measures,
# in turn and BENCH_REPEAT times (keeping each one's least CPU time, with that run's wall
# time, and its largest peak RSS), with scripts/bench.sh's yardstick (scripts/bench/measure):
#   floor     a plain bufio.Scanner line count of the same files, as it comes (4 KiB reads)
#   floor64k  the same Scanner reading 64 KiB at a time, as the follower reads: the stricter scale
#   one-shot  azuremfa_exporter --one-shot on the same files (the metrics' reading)
#   report    azuremfa_exporter report --format json, and --format csv, whose users table is
#             checked row by row against the generator's (azuremfa_loggen --users-table)
# and prints CPU seconds (user+sys of the whole process), wall seconds, peak RSS, and each
# run's CPU time as a multiple of the floor's and of the 64K floor's.
#
# Usage: scripts/bench_report.sh [radius-lines iis-lines service-lines syslog-lines]
# Environment: BENCH_DIR (default tmp/bench in the repository; ignored by git), BENCH_SEED
#              (default 1), BENCH_DAYS (default 30), BENCH_REPEAT (default 3).
set -euo pipefail

cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-$PWD/tmp/bench}
seed=${BENCH_SEED:-1}
days=${BENCH_DAYS:-30}
repeats=${BENCH_REPEAT:-3}
declare -A lines=([radius]=${1:-4000000} [iis]=${2:-2000000} [service]=${3:-3000000} [syslog]=${4:-1000000})
# Lines per request of each kind in the generator's default mix (measured on 200,000-line
# logs): the request rate that spreads the lines over the days.
declare -A per_request=([radius]=6.36 [iis]=6.37 [service]=2.06 [syslog]=2.06)
mkdir -p "$BENCH_DIR/bin" "$BENCH_DIR/runs"

echo "building ..." >&2
go build -o "$BENCH_DIR/bin/azuremfa_loggen" ./cmd/azuremfa_loggen
go build -o "$BENCH_DIR/bin/azuremfa_exporter" ./cmd/azuremfa_exporter
go build -o "$BENCH_DIR/bin/measure" ./scripts/bench/measure
loggen=$BENCH_DIR/bin/azuremfa_loggen
exporter=$BENCH_DIR/bin/azuremfa_exporter
measure=$BENCH_DIR/bin/measure

# The month is kept and reused while the generator's source (tests aside) is unchanged.
stamp=$(ls loggen/*.go cmd/azuremfa_loggen/*.go | grep -v '_test\.go$' | xargs cat | sha256sum | cut -c1-16)
month=$BENCH_DIR/month-s$seed-d$days-${lines[radius]}-${lines[iis]}-${lines[service]}-${lines[syslog]}-$stamp
find "$BENCH_DIR" -maxdepth 1 -type d -name 'month-*' ! -name "*-$stamp" -exec rm -rf {} +
start=$(date -u -d "2026-11-23T00:00:00Z - $days days" +%Y-%m-%dT%H:%M:%SZ)
files=()
flags=()
for kind in radius iis service syslog; do
	log=$month/$kind.log
	if [ ! -s "$log" ] || [ ! -s "$log.users.csv" ]; then
		mkdir -p "$month"
		rate=$(awk -v l="${lines[$kind]}" -v p="${per_request[$kind]}" -v d="$days" 'BEGIN { printf "%.6f", l / p / (d * 86400) }')
		echo "generating ${lines[$kind]} lines of the $kind log ($rate requests/s over $days days) ..." >&2
		crlf=--crlf
		[ "$kind" = syslog ] && crlf=
		"$loggen" --kind "$kind" --lines "${lines[$kind]}" --seed "$seed" --malformed 0.0001 $crlf \
			--start "$start" --requests-per-second "$rate" \
			--out "$log.tmp" --users-table "$log.users.csv.tmp"
		mv "$log.users.csv.tmp" "$log.users.csv"
		mv "$log.tmp" "$log"
	fi
	files+=("$log")
	flags+=("--mfa.$kind-log=$log")
done
total=$((${lines[radius]} + ${lines[iis]} + ${lines[service]} + ${lines[syslog]}))
bytes=$(cat "${files[@]}" | wc -c)
runs=$BENCH_DIR/runs

# The runs, in the order they are taken in each round: name, stdout file, command.
names=(floor floor64k oneshot json csv)
declare -A OUT=([floor]=$runs/report-floor.out [floor64k]=$runs/report-floor64k.out
	[oneshot]=$runs/report-oneshot.prom [json]=$runs/report.json [csv]=$runs/report.csv)
command_of() {
	case $1 in
	floor) echo "$measure" lines -defaults "${files[@]}" ;;
	floor64k) echo "$measure" lines "${files[@]}" ;;
	oneshot) echo "$exporter" --one-shot --log.level=error "${flags[@]}" ;;
	json) echo "$exporter" report --format json "${flags[@]}" ;;
	csv) echo "$exporter" report --format csv "${flags[@]}" ;;
	esac
}
declare -A CPU WALL RSS
for name in "${names[@]}"; do CPU[$name]="" RSS[$name]=0; done
for ((i = 0; i < repeats; i++)); do
	for name in "${names[@]}"; do
		read -r -a argv <<<"$(command_of "$name")"
		t0=$(date +%s.%N)
		if ! res=$("$measure" run "${OUT[$name]}" "${argv[@]}" 2>"${OUT[$name]}.stderr"); then
			echo "bench: ${argv[*]} failed:" >&2
			tail -20 "${OUT[$name]}.stderr" >&2
			exit 1
		fi
		t1=$(date +%s.%N)
		read -r cpu rss <<<"$res"
		if [ -z "${CPU[$name]}" ] || awk -v a="$cpu" -v b="${CPU[$name]}" 'BEGIN{exit !(a < b)}'; then
			CPU[$name]=$cpu
			WALL[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
		fi
		if awk -v a="$rss" -v b="${RSS[$name]}" 'BEGIN{exit !(a > b)}'; then RSS[$name]=$rss; fi
	done
done

results=$BENCH_DIR/report-results.txt
: >"$results"
row() { printf '%-36s %10s %8s %8s %8s %8s %8s  %s\n' "$@" | tee -a "$results"; }
times() { awk -v c="$1" -v f="$2" 'BEGIN { if (f > 0) printf "%.1f", c/f; else print "-" }'; }
failed=0
check_lines() { [ "$(cat "$1")" = "$total" ] && echo ok || { failed=1; echo "FAILED (counted $(cat "$1"), want $total)"; }; }

echo >&2
echo "$total lines, $(awk -v b="$bytes" 'BEGIN{printf "%.2f", b/1e9}') GB, $days days of log time, 4 logs" | tee -a "$results"
row "run" "lines" "CPU s" "wall s" "RSS MiB" "× floor" "× 64K" "check"
for name in "${names[@]}"; do
	case $name in
	floor) label="floor: bufio.Scanner, as it comes" check=$(check_lines "${OUT[floor]}") ;;
	floor64k) label="  (the Scanner reading 64 KiB)" check=$(check_lines "${OUT[floor64k]}") ;;
	oneshot) label="exporter --one-shot" check="" ;;
	json) label="report --format json" check="" ;;
	csv)
		label="report --format csv (users)"
		if diff <(tail -n +2 "${OUT[csv]}" | LC_ALL=C sort) \
			<(for f in "${files[@]}"; do tail -n +2 "$f.users.csv"; done | LC_ALL=C sort) >"${OUT[csv]}.diff"; then
			check="ok: $(($(wc -l <"${OUT[csv]}") - 1)) user rows as generated"
		else
			check="FAILED: $(wc -l <"${OUT[csv]}.diff") lines differ (${OUT[csv]}.diff)"
			failed=1
		fi
		;;
	esac
	row "$label" "$total" "${CPU[$name]}" "${WALL[$name]}" "${RSS[$name]}" "$(times "${CPU[$name]}" "${CPU[floor]}")" "$(times "${CPU[$name]}" "${CPU[floor64k]}")" "$check"
done
echo
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'); $(go version | cut -d' ' -f3-4); $(date -u '+%Y-%m-%d %H:%M UTC'); load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CPU time is user+sys of the whole process (all threads), least of $repeats runs taken in turn; wall time is that run's."
echo "results: $results; outputs: $runs"
exit $failed
