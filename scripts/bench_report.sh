#!/usr/bin/env bash
# Benchmark of `azuremfa_exporter report` (figures in docs/performance.md, "Report").
#
# Generates a month of MFA Server logs once (by default 10M lines: 4M of RADIUS log, 2M of
# IIS log, 3M of main service log, 1M of syslog, each spread over 30 days of log time, with
# noise, errors, duplicates, abandoned calls and 1 malformed line in 10,000), then measures
# under /usr/bin/time -v, in one run:
#   floor    a plain bufio.Scanner line count of the same files (scripts/bench/linecount)
#   one-shot azuremfa_exporter --one-shot on the same files (the metrics' reading)
#   report   azuremfa_exporter report --format json, and --format csv, whose users table is
#            checked row by row against the generator's (azuremfa_loggen --users-table)
# and prints CPU seconds (user+sys), wall seconds, peak RSS, and each run's CPU time as a
# multiple of the floor's.
#
# Usage: scripts/bench_report.sh [radius-lines iis-lines service-lines syslog-lines]
# Environment: BENCH_DIR (default tmp/bench in the repository; ignored by git), BENCH_SEED
#              (default 1), BENCH_DAYS (default 30), BENCH_REPEAT (default 3: each run is
#              repeated and the least CPU time kept, with its wall time; the largest RSS).
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

if ! command -v /usr/bin/time >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		(apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; }) >&2
	fi
	command -v /usr/bin/time >/dev/null 2>&1 || { echo "bench: /usr/bin/time is missing (Debian package time)" >&2; exit 1; }
fi

echo "building ..." >&2
go build -o "$BENCH_DIR/bin/azuremfa_loggen" ./cmd/azuremfa_loggen
go build -o "$BENCH_DIR/bin/azuremfa_exporter" ./cmd/azuremfa_exporter
go build -o "$BENCH_DIR/bin/linecount" ./scripts/bench/linecount
loggen=$BENCH_DIR/bin/azuremfa_loggen
exporter=$BENCH_DIR/bin/azuremfa_exporter

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
total=$(( ${lines[radius]} + ${lines[iis]} + ${lines[service]} + ${lines[syslog]} ))
bytes=$(cat "${files[@]}" | wc -c)

results=$BENCH_DIR/report-results.txt
: >"$results"
row() { printf '%-34s %10s %8s %8s %9s %8s  %s\n' "$@" | tee -a "$results"; }
floor_cpu=""
# measure <name> <stdout file> <command...>: least CPU time of $repeats runs (with its wall
# time) and the largest peak RSS.
measure() {
	local name=$1 out=$2
	shift 2
	local tv=$out.time best_cpu="" best_wall="" max_rss=0 i cpu wall rss
	for ((i = 0; i < repeats; i++)); do
		/usr/bin/time -v -o "$tv" "$@" >"$out" 2>"$out.stderr" || {
			echo "bench: $name failed:" >&2
			tail -20 "$out.stderr" >&2
			exit 1
		}
		cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$tv")
		wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2, p, ":"); s=0; for (i=1;i<=n;i++) s=s*60+p[i]; printf "%.2f", s}' "$tv")
		rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$tv")
		if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN{exit !(a < b)}'; then best_cpu=$cpu; best_wall=$wall; fi
		if awk -v a="$rss" -v b="$max_rss" 'BEGIN{exit !(a > b)}'; then max_rss=$rss; fi
	done
	[ -n "$floor_cpu" ] || floor_cpu=$best_cpu
	local times
	times=$(awk -v c="$best_cpu" -v f="$floor_cpu" 'BEGIN { if (f > 0) printf "%.1f×", c/f; else print "-" }')
	LAST_ROW=("$name" "$total" "$best_cpu" "$best_wall" "$max_rss" "$times")
}

echo >&2
echo "$total lines, $(awk -v b="$bytes" 'BEGIN{printf "%.2f", b/1e9}') GB, $days days of log time, 4 logs read in parallel" | tee -a "$results"
row "run" "lines" "CPU s" "wall s" "RSS MiB" "× floor" "check"
measure "floor: bufio.Scanner line count" "$BENCH_DIR/runs/linecount.out" "$BENCH_DIR/bin/linecount" "${files[@]}"
if [ "$(cat "$BENCH_DIR/runs/linecount.out")" = "$total" ]; then verdict=ok; else verdict="FAILED: $(cat "$BENCH_DIR/runs/linecount.out") lines"; fi
row "${LAST_ROW[@]}" "$verdict"
failed=0
[ "$verdict" = ok ] || failed=1

measure "exporter --one-shot" "$BENCH_DIR/runs/oneshot.prom" "$exporter" --one-shot --log.level=error "${flags[@]}"
row "${LAST_ROW[@]}" ""

measure "report --format json" "$BENCH_DIR/runs/report.json" "$exporter" report --format json "${flags[@]}"
row "${LAST_ROW[@]}" ""

measure "report --format csv (users)" "$BENCH_DIR/runs/report.csv" "$exporter" report --format csv "${flags[@]}"
if diff <(tail -n +2 "$BENCH_DIR/runs/report.csv" | LC_ALL=C sort) \
	<(for f in "${files[@]}"; do tail -n +2 "$f.users.csv"; done | LC_ALL=C sort) >"$BENCH_DIR/runs/report.csv.diff"; then
	verdict="ok: $(($(wc -l <"$BENCH_DIR/runs/report.csv") - 1)) user rows as generated"
else
	verdict="FAILED: $(wc -l <"$BENCH_DIR/runs/report.csv.diff") lines differ ($BENCH_DIR/runs/report.csv.diff)"
	failed=1
fi
row "${LAST_ROW[@]}" "$verdict"

echo
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'); load average now: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "CPU time is user+sys of all threads, the least of $repeats runs; wall time is that run's."
echo "results: $results; outputs and /usr/bin/time -v reports: $BENCH_DIR/runs"
exit $failed
