#!/usr/bin/env bash
# Runs the Windows build of the exporter under wine, as evidence of what works on Windows.
# Optional: not called by .ci/run. Needs wine64 (Debian: apt-get install wine64) and, for a
# wine older than 9 (Debian 12 ships 8.0), binutils-mingw-w64-x86-64 to build a one-line
# bcryptprimitives.dll shim: Go >= 1.24 needs its ProcessPrng, which wine 8 lacks.
#
#   scripts/wine_check.sh            # all steps
#   KEEP=1 scripts/wine_check.sh     # keep the work folder (printed at the end)
#   SKIP_TESTS=1 scripts/wine_check.sh   # steps 2-4 only
#
# Steps: 1. build the .exe and the test binaries, run these under wine and sort each failure
# by cause; 2. --one-shot under wine must print exactly what the Linux build prints; 3. a live
# exporter under wine follows a rollover done with Windows calls (its handle must not block
# the rename or delete) and stops on Ctrl+C with its positions saved; 4. the service shim under
# wine's service manager: start, scrape, stop (waiting for STOPPED, as Windows' net stop does). Steps 2-4 decide the exit status; step 1 is a
# report (many tests cannot pass under wine; the reasons are printed).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start_s=$(date +%s)

WINE=${WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}
WINESERVER=${WINESERVER:-$(command -v wineserver || echo /usr/lib/wine/wineserver)}
[ -x "$WINE" ] || { echo "wine64 not found: apt-get install wine64" >&2; exit 2; }
work=$(mktemp -d /tmp/azuremfa-wine.XXXXXX)
export WINEPREFIX=${WINEPREFIX:-$work/prefix} WINEDEBUG=${WINEDEBUG:--all}
keeper= keeper_sleep=
cleanup() {
  [ -n "$keeper" ] && kill "$keeper" "$keeper_sleep" 2>/dev/null
  [ -n "${exporter_pid:-}" ] && kill "$exporter_pid" 2>/dev/null
  "$WINESERVER" -k 2>/dev/null
  if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "work folder kept: $work"; fi
}
trap cleanup EXIT
failed=0
step() { printf '\n== %s (%ss)\n' "$*" $(( $(date +%s) - start_s )); }
fail() { echo "FAIL: $*"; failed=1; }
winpath() { echo "Z:${1//\//\\}"; }

step "wine prefix"
"$WINE" wineboot -i >/dev/null 2>&1
sys32=$WINEPREFIX/drive_c/windows/system32
if [ ! -e "$sys32/bcryptprimitives.dll" ]; then
  command -v x86_64-w64-mingw32-ld >/dev/null || { echo "wine lacks bcryptprimitives.dll: apt-get install binutils-mingw-w64-x86-64" >&2; exit 2; }
  # A DLL with one forwarded export: ProcessPrng -> advapi32.SystemFunction036 (RtlGenRandom).
  printf '.text\n' > "$work/empty.s"
  printf 'LIBRARY bcryptprimitives.dll\nEXPORTS\nProcessPrng = advapi32.SystemFunction036\n' > "$work/shim.def"
  x86_64-w64-mingw32-as -o "$work/empty.o" "$work/empty.s" &&
    x86_64-w64-mingw32-ld -shared -o "$sys32/bcryptprimitives.dll" "$work/empty.o" "$work/shim.def" || exit 2
  echo "installed the bcryptprimitives.dll shim"
fi

step "1. build for windows/amd64"
bin=$work/bin && mkdir -p "$bin"
ovl=$work/overlay && mkdir -p "$ovl"
# exporter/follow's test writer opens its file with os.OpenFile(O_APPEND|O_TRUNC): on Windows
# that handle lacks FILE_SHARE_DELETE (so the test's own rename fails) and keeps
# FILE_WRITE_DATA (so after a truncate it writes at its old offset). The overlay swaps in a
# writer that opens as a Windows log writer does; the repository is not touched.
sed 's#os.OpenFile(w.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND|os.O_TRUNC, 0o644)#wineOpenWriter(w.path)#' \
  exporter/follow/helpers_test.go > "$ovl/helpers_test.go"
cat > "$ovl/wine_writer_windows_test.go" <<'EOF'
package follow

import (
	"os"
	"syscall"
)

// wineOpenWriter: append-only (writes land at the end even after a truncate) and sharing
// read, write and delete, as a Windows log writer opens its log.
func wineOpenWriter(path string) (*os.File, error) {
	if err := os.Truncate(path, 0); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := syscall.CreateFile(p, syscall.FILE_APPEND_DATA|syscall.SYNCHRONIZE,
		syscall.FILE_SHARE_READ|syscall.FILE_SHARE_WRITE|syscall.FILE_SHARE_DELETE,
		nil, syscall.OPEN_ALWAYS, syscall.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}
EOF
printf '{"Replace":{"%s":"%s","%s":"%s"}}\n' \
  "$root/exporter/follow/helpers_test.go" "$ovl/helpers_test.go" \
  "$root/exporter/follow/wine_writer_windows_test.go" "$ovl/wine_writer_windows_test.go" > "$ovl/follow.json"
grep -q wineOpenWriter "$ovl/helpers_test.go" || echo "note: the follow test writer changed; overlay not applied"
# Wine runs services in session 1, so svc.IsWindowsService (parent services.exe in session 0)
# says false there; a second .exe is built with it forced true for step 4 only.
sed 's|return err == nil \&\& ok|_, _ = ok, err\n\treturn true // wine_check.sh: wine runs services in session 1|' \
  cmd/azuremfa_exporter/service_windows.go > "$ovl/service_windows.go"
printf '{"Replace":{"%s":"%s"}}\n' "$root/cmd/azuremfa_exporter/service_windows.go" "$ovl/service_windows.go" > "$ovl/svc.json"
export GOOS=windows GOARCH=amd64
go build -o "$bin/azuremfa_exporter.exe" ./cmd/azuremfa_exporter &&
  go build -overlay "$ovl/svc.json" -o "$bin/azuremfa_exporter_svc.exe" ./cmd/azuremfa_exporter &&
  go test -c -o "$bin/logparse.test.exe" ./logparse/ &&
  go test -c -o "$bin/exporter.test.exe" ./exporter/ &&
  go test -c -o "$bin/cmd.test.exe" ./cmd/azuremfa_exporter/ &&
  go test -c -overlay "$ovl/follow.json" -o "$bin/follow.test.exe" ./exporter/follow/ || exit 2
unset GOOS GOARCH
go build -o "$bin/azuremfa_exporter" ./cmd/azuremfa_exporter || exit 2

# classify sorts failed tests by cause, from `go tool test2json` events.
mkdir -p "$work/classify"
cat > "$work/classify/main.go" <<'EOF'
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

type event struct{ Action, Test, Output string }

var noise = regexp.MustCompile(`^(=== |\s*--- (PASS|FAIL|SKIP)|PASS$|FAIL$|ok\s|\s*\w+_test.go:\d+: time=\S+ level=|\s*shutdown_test.go:\d+: Run returned)`)

func reason(out []string) string {
	var real []string
	for _, l := range out {
		if !strings.Contains(l, "TempDir RemoveAll cleanup") {
			real = append(real, strings.TrimSpace(l))
		}
	}
	all := strings.Join(real, "\n")
	switch {
	case len(real) == 0:
		return "wine: only t.TempDir's cleanup failed (wine 8 lacks FileDispositionInformationEx)"
	case strings.Contains(all, "Sharing violation"):
		return "test writer: its own handle lacks FILE_SHARE_DELETE"
	}
	if len(real[0]) > 160 {
		real[0] = real[0][:160] + "..."
	}
	return real[0]
}

func main() {
	out, result, parent := map[string][]string{}, map[string]string{}, map[string]bool{}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Test == "" {
			continue
		}
		if i := strings.LastIndex(e.Test, "/"); i > 0 {
			parent[e.Test[:i]] = true
		}
		switch e.Action {
		case "output":
			if l := strings.TrimRight(e.Output, "\n"); !noise.MatchString(l) {
				out[e.Test] = append(out[e.Test], l)
			}
		case "pass", "fail", "skip":
			result[e.Test] = e.Action
		}
	}
	type group struct{ n, why map[string]int }
	groups := map[string]*group{}
	for t, r := range result {
		if parent[t] {
			continue
		}
		key := t
		if p := strings.Split(t, "/"); len(p) >= 3 {
			key = p[0] + "/" + p[1]
		} else if len(p) == 2 && !strings.HasPrefix(p[0], "TestMatrix") {
			key = p[0]
		}
		g := groups[key]
		if g == nil {
			g = &group{map[string]int{}, map[string]int{}}
			groups[key] = g
		}
		g.n[r]++
		if r == "fail" {
			g.why[reason(out[t])]++
		}
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		g := groups[k]
		fmt.Printf("  %-42s pass %2d  skip %2d  fail %2d\n", k, g.n["pass"], g.n["skip"], g.n["fail"])
		whys := make([]string, 0, len(g.why))
		for w := range g.why {
			whys = append(whys, w)
		}
		sort.Strings(whys)
		for _, w := range whys {
			fmt.Printf("      %2d x %s\n", g.why[w], w)
		}
	}
}
EOF
(cd "$work/classify" && printf 'module classify\n\ngo 1.24\n' > go.mod && go build -o "$bin/classify" .) || exit 2
# holdexcl PATH SECONDS: a Windows process that holds PATH open with no sharing at all.
mkdir -p "$work/holdexcl"
cat > "$work/holdexcl/main.go" <<'EOF2'
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

func main() {
	p, _ := syscall.UTF16PtrFromString(os.Args[1])
	h, err := syscall.CreateFile(p, syscall.GENERIC_READ|syscall.GENERIC_WRITE, 0, nil, syscall.OPEN_EXISTING, 0, 0)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	fmt.Println("holding")
	secs, _ := strconv.Atoi(os.Args[2])
	time.Sleep(time.Duration(secs) * time.Second)
	syscall.CloseHandle(h)
}
EOF2
(cd "$work/holdexcl" && printf 'module holdexcl\n\ngo 1.24\n' > go.mod && GOOS=windows GOARCH=amd64 go build -o "$bin/holdexcl.exe" .) || exit 2

# svcwatch NAME SECONDS: polls the service's status every 5 ms and prints each change (state,
# checkpoint, wait hint), timed from the first change, until STOPPED.
mkdir -p "$work/svcwatch"
cat > "$work/svcwatch/main.go" <<'EOF3'
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
	"unsafe"
)

type serviceStatus struct {
	ServiceType, CurrentState, ControlsAccepted, Win32ExitCode, ServiceSpecificExitCode, CheckPoint, WaitHint uint32
}

var states = map[uint32]string{1: "STOPPED", 2: "START_PENDING", 3: "STOP_PENDING", 4: "RUNNING"}

func main() {
	advapi := syscall.NewLazyDLL("advapi32.dll")
	openSCM, openSvc, query := advapi.NewProc("OpenSCManagerW"), advapi.NewProc("OpenServiceW"), advapi.NewProc("QueryServiceStatus")
	scm, _, err := openSCM.Call(0, 0, 0x0001) // SC_MANAGER_CONNECT
	if scm == 0 {
		fmt.Println("OpenSCManager:", err)
		os.Exit(1)
	}
	name, _ := syscall.UTF16PtrFromString(os.Args[1])
	svc, _, err := openSvc.Call(scm, uintptr(unsafe.Pointer(name)), 0x0004) // SERVICE_QUERY_STATUS
	if svc == 0 {
		fmt.Println("OpenService:", err)
		os.Exit(1)
	}
	secs, _ := strconv.Atoi(os.Args[2])
	start := time.Now()
	var last serviceStatus
	var changed time.Time // when the first status after the initial one was seen
	for i := 0; time.Since(start) < time.Duration(secs)*time.Second; i++ {
		var st serviceStatus
		if ok, _, err := query.Call(svc, uintptr(unsafe.Pointer(&st))); ok == 0 {
			fmt.Println("QueryServiceStatus:", err)
			os.Exit(1)
		}
		if i == 0 || st != last {
			if i > 0 && changed.IsZero() {
				changed = time.Now()
			}
			at := "initially"
			if !changed.IsZero() {
				at = fmt.Sprintf("+%dms", time.Since(changed).Milliseconds())
			}
			fmt.Printf("%s %s checkpoint=%d wait_hint=%dms exit=%d\n", at, states[st.CurrentState], st.CheckPoint, st.WaitHint, st.Win32ExitCode)
			last = st
		}
		if st.CurrentState == 1 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Println("still not STOPPED after", secs, "s")
	os.Exit(1)
}
EOF3
(cd "$work/svcwatch" && printf 'module svcwatch\n\ngo 1.24\n' > go.mod && GOOS=windows GOARCH=amd64 go build -o "$bin/svcwatch.exe" .) || exit 2

step "1. test binaries under wine (-test.short)"
# Left out, each for a reason that is not the exporter's:
#  - cmd TestFlagErrors/no_log_configured: on Windows no flags means the default MFA folder,
#    so run() serves for ever; TestSIGTERM: Windows has no SIGTERM to send.
#  - follow delete+create cells and the tests that delete a held file: wine keeps a deleted
#    file's name until its last handle closes and lets it be opened again (no delete-pending
#    error), so the follower cannot see the delete; each such test waits out a 20 s timeout.
#  - follow rename+create|two-rollovers/poll/partial: under wine a handle's volume serial reads 0
#    once the file's name is gone, so a stat racing the rename sees "another file"; 20 s timeout.
run_tests() { # name dir binary [args...]
  local name=$1 dir=$2 exe=$3; shift 3
  (cd "$dir" && timeout 300 "$WINE" "$exe" -test.short -test.v "$@" > "$work/$name.out" 2>&1)
  echo "$name: exit $? ($(grep -c '^--- PASS' "$work/$name.out") top-level passed)"
  go tool test2json < "$work/$name.out" | "$bin/classify"
}
if [ -n "${SKIP_TESTS:-}" ]; then
  echo "skipped (SKIP_TESTS is set)"
else
  run_tests logparse logparse "$bin/logparse.test.exe"
  run_tests exporter exporter "$bin/exporter.test.exe"
  run_tests cmd cmd/azuremfa_exporter "$bin/cmd.test.exe" -test.skip 'TestFlagErrors/no_log_configured|TestSIGTERM'
  run_tests follow exporter/follow "$bin/follow.test.exe" \
    -test.skip 'TestMatrixOwn/delete\+create|TestMissingFile|TestReplacedByEmptyFile|TestMatrixOwn/(rename\+create|two-rollovers)/poll/partial'
fi

step "2. --one-shot: windows build under wine against the linux build"
sample=$root/testdata/sample
"$WINE" "$bin/azuremfa_exporter.exe" --one-shot --mfa.log-dir="$(winpath "$sample")" \
  --mfa.syslog-log="$(winpath "$sample/syslog.log")" > "$work/oneshot.win" 2> "$work/oneshot.win.err" || fail "one-shot under wine exited $?"
"$bin/azuremfa_exporter" --one-shot --mfa.log-dir="$sample" --mfa.syslog-log="$sample/syslog.log" > "$work/oneshot.linux" 2>/dev/null
if cmp -s "$work/oneshot.win" "$work/oneshot.linux" && [ -s "$work/oneshot.linux" ]; then
  echo "identical: $(wc -l < "$work/oneshot.linux") lines"
else
  fail "one-shot outputs differ"; diff "$work/oneshot.win" "$work/oneshot.linux" | head -20
fi

# auths FIRST N prints N RADIUS authentications (3 lines each) that end in code 21.
auths() {
  local i at
  for ((i = $1; i < $1 + $2; i++)); do
    at=$(printf '2026-11-23T%02d:%02d:00.000000Z' $((8 + i / 60)) $((i % 60)))
    printf "%s|0|1412|%d|pfrad|Calling pfAuthUser('CONTOSO\\\\user%d', '', 1)\n" "$at" "$i" "$i"
    printf '%s|0|1412|%d|pfrad|authResult = 1\n%s|0|1412|%d|pfrad|rawCallStatus = 21\n' "$at" "$i" "$at" "$i"
  done
}
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v s="$1" 'index($0, s" ") == 1 { print $2 }'; }
results='azuremfa_auth_results_total{code="21",log="radius",method="mobile_app",result="success"}'
lines='azuremfa_exporter_log_lines_total{log="radius"}'
rotated='azuremfa_exporter_log_reopens_total{log="radius",reason="rotated"}'
malformed='azuremfa_exporter_log_malformed_lines_total{log="radius"}'
# wait_metric SERIES VALUE: poll for up to 20 s (a script, not a test: polling is fine here).
wait_metric() {
  local i v
  for ((i = 0; i < 200; i++)); do
    v=$(metric "$1")
    [ "$v" = "$2" ] && return 0
    sleep 0.1
  done
  fail "$1 is ${v:-absent}, want $2"
  return 1
}

step "3. live under wine: a rollover done with Windows calls"
live=$work/live && mkdir -p "$live"
log=$live/MultiFactorAuthRadiusSvc.log
port=$(shuf -i 20000-40000 -n 1)
auths 0 5 > "$log"
"$WINE" "$bin/azuremfa_exporter.exe" --mfa.log-dir="$(winpath "$live")" --tail.from-start \
  --tail.poll-interval=50ms --tail.positions-file="$(winpath "$live/positions.json")" \
  --web.listen-address="127.0.0.1:$port" 2> "$live/exporter.err" &
exporter_pid=$!
wait_metric "$results" 5 && echo "5 authentications present at start: counted"
auths 5 3 >> "$log"
wait_metric "$results" 8 && echo "3 appended from Linux: counted"
# The rename and the delete go through wine (MoveFileEx/DeleteFile), so Windows sharing rules
# apply against the exporter's open handle; a Linux mv would bypass them.
"$WINE" cmd /c move /Y "$(winpath "$log")" "$(winpath "$log.1")" > "$live/move.out" 2>&1
if [ -e "$log.1" ] && [ ! -e "$log" ]; then echo "MoveFileEx while the exporter holds the file: not blocked"; else fail "rename blocked: $(cat "$live/move.out")"; fi
auths 8 2 >> "$log.1"  # the writer finishes through its old handle
auths 10 3 > "$log"    # then starts a new file
wait_metric "$results" 13 && wait_metric "$lines" 39 && wait_metric "$rotated" 1 && wait_metric "$malformed" 0 &&
  echo "rollover: 2 late lines of the old file and 3 of the new one counted once (39 lines, 1 rotation)"
# Once switched, the follower closes the old file (3 polls without growth); then deleting it
# removes it at once (wine unlinks at the last close, so a held file would stay visible).
for ((i = 0; i < 100; i++)); do
  "$WINE" cmd /c del "$(winpath "$log.1")" > /dev/null 2>&1
  [ -e "$log.1" ] || break
  sleep 0.1
done
if [ -e "$log.1" ]; then fail "old file still held after the switch"; else echo "old file released: deleted from Windows, gone"; fi
auths 13 1 >> "$log"
wait_metric "$results" 14
kill -INT "$exporter_pid" 2>/dev/null || fail "the exporter had already exited: $(tail -3 "$live/exporter.err")" # wine delivers it as Ctrl+C
wait "$exporter_pid"; rc=$?
exporter_pid=
size=$(stat -c %s "$log")
if [ "$rc" = 0 ] && grep -q "\"offset\": $size," "$live/positions.json"; then
  echo "Ctrl+C: exit 0, positions saved at the end of the file ($size)"
else
  fail "stop: exit $rc, positions $(tr -d '\n ' < "$live/positions.json" 2>/dev/null), file size $size"
fi

step "3b. live under wine: the log held with no sharing by another process at start"
lock=$work/lock && mkdir -p "$lock"
port=$(shuf -i 20000-40000 -n 1)
auths 0 3 > "$lock/MultiFactorAuthRadiusSvc.log"
"$WINE" "$bin/holdexcl.exe" "$(winpath "$lock/MultiFactorAuthRadiusSvc.log")" 3 > "$lock/hold.out" 2>&1 &
holder=$!
for ((i = 0; i < 100; i++)); do grep -qs holding "$lock/hold.out" && break; sleep 0.1; done
"$WINE" "$bin/azuremfa_exporter.exe" --mfa.log-dir="$(winpath "$lock")" --tail.from-start --tail.poll-interval=50ms \
  --web.listen-address="127.0.0.1:$port" 2> "$lock/exporter.err" &
exporter_pid=$!
if wait_metric 'azuremfa_exporter_log_read_errors_total{log="radius"}' 1; then echo "sharing violation: one read error while held"; fi
wait "$holder"
wait_metric "$results" 3 && echo "released: read from the start, 3 authentications counted" &&
  [ "$(metric 'azuremfa_exporter_log_read_errors_total{log="radius"}')" = 1 ] && echo "still one read error (retries are not errors)"
if ! kill -INT "$exporter_pid" 2>/dev/null; then
  fail "the exporter had already exited: $(tail -3 "$lock/exporter.err")"
fi
wait "$exporter_pid"; exporter_pid=

step "4. the service shim under wine's service manager"
svcdir=$work/svc && mkdir -p "$svcdir"
port=$(shuf -i 20000-40000 -n 1)
auths 0 4 > "$svcdir/MultiFactorAuthRadiusSvc.log"
# Wine stops all services once no other wine process runs: keep one waiting.
mkfifo "$work/keep"
sleep 120 > "$work/keep" 2> /dev/null &
keeper_sleep=$!
"$WINE" cmd /c pause < "$work/keep" > /dev/null 2>&1 &
keeper=$!
"$WINE" sc create azuremfa_exporter binPath= "$(winpath "$bin/azuremfa_exporter_svc.exe") --mfa.log-dir=$(winpath "$svcdir") --tail.from-start --tail.positions-file=$(winpath "$svcdir/positions.json") --web.listen-address=127.0.0.1:$port --log.file=$(winpath "$svcdir/exporter.log")" > /dev/null 2>&1
"$WINE" net start azuremfa_exporter > "$svcdir/start.out" 2>&1
if wait_metric "$results" 4; then echo "started by the service manager; 4 authentications counted"; fi
auths 4 2 >> "$svcdir/MultiFactorAuthRadiusSvc.log"
wait_metric "$results" 6
# Wine's net stop sends the control and returns at once (Windows' waits for the service to
# stop), so the service may still be STOP_PENDING when it returns. svcwatch, started first,
# records every status the service reports until STOPPED, with the time since the stop.
"$WINE" "$bin/svcwatch.exe" azuremfa_exporter 30 > "$svcdir/watch.out" 2>&1 &
watcher=$!
for ((i = 0; i < 100; i++)); do [ -s "$svcdir/watch.out" ] && break; sleep 0.1; done # RUNNING seen
"$WINE" net stop azuremfa_exporter > "$svcdir/stop.out" 2>&1
wait "$watcher" || fail "the service did not reach STOPPED: $(tail -1 "$svcdir/watch.out")"
echo "statuses from the stop request on: $(sed 1d "$svcdir/watch.out" | tr -d '\r' | paste -sd';' | sed 's/;/; /g')"
echo "the exporter's own account: $(grep -o 'msg=Stopped .*' "$svcdir/exporter.log")"
state=$("$WINE" sc query azuremfa_exporter 2>/dev/null | tr -s ' ' | grep -E 'STATE|WIN32_EXIT_CODE' | tr -d '\r' | tr '\n' ' ')
size=$(stat -c %s "$svcdir/MultiFactorAuthRadiusSvc.log")
if [[ $state == *STOPPED*"WIN32_EXIT_CODE : 0 "* ]] && grep -q "\"offset\": $size," "$svcdir/positions.json" && grep -q 'msg=Stopping' "$svcdir/exporter.log"; then
  echo "Stop: STOPPED with exit code 0, positions saved at the end of the file ($size)"
else
  fail "service stop: $state; $(tail -2 "$svcdir/exporter.log")"
fi
"$WINE" sc delete azuremfa_exporter > /dev/null 2>&1

step "done"
[ "$failed" = 0 ] && echo "steps 2-4 passed" || echo "some of steps 2-4 FAILED"
exit "$failed"
