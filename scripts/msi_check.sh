#!/usr/bin/env bash
# Installs, upgrades, downgrades and removes the Windows installer under wine, headless, and
# checks what each step leaves: the registered service and its command line, the remembered
# settings, the event-log source, /metrics from the running service, the files kept at uninstall.
# Optional: not called by .ci/run (about two minutes). Needs wine64, wixl, msitools and
# binutils-mingw-w64-x86-64 (Debian: apt-get install wine64 wixl msitools binutils-mingw-w64-x86-64).
#
#   scripts/msi_check.sh           # all steps
#   KEEP=1 scripts/msi_check.sh    # keep the work folder (wine prefix, MSIs, install logs)
#
# It builds two packages from this checkout, version V (the VERSION file) and V+1 (patch + 1),
# with an exporter that skips svc.IsWindowsService: wine runs services in session 1, where that
# check says "not a service". Everything else in the package is what `make msi` builds.
# What wine cannot show (recovery actions, delayed start, a real firewall rule, re-running the
# installed version to change a setting) is checked on Windows by .github/workflows/ci.yml.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start_s=$(date +%s)

WINE=${WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}
WINESERVER=${WINESERVER:-$(command -v wineserver || echo /usr/lib/wine/wineserver)}
[ -x "$WINE" ] || { echo "wine64 not found: apt-get install wine64" >&2; exit 2; }
for tool in wixl msibuild x86_64-w64-mingw32-ld; do
  command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install wixl msitools binutils-mingw-w64-x86-64" >&2; exit 2; }
done
work=$(mktemp -d /tmp/azuremfa-msi.XXXXXX)
export WINEPREFIX=$work/prefix WINEDEBUG=-all
keeper= keeper_sleep=
cleanup() {
  [ -n "$keeper" ] && kill "$keeper" "$keeper_sleep" 2>/dev/null
  "$WINESERVER" -k 2>/dev/null
  if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "work folder kept: $work"; fi
}
trap cleanup EXIT
failed=0
step() { printf '\n== %s (%ss)\n' "$*" $(( $(date +%s) - start_s )); }
fail() { echo "FAIL: $*"; failed=1; }
ok() { echo "ok: $*"; }
winpath() { echo "Z:${1//\//\\}"; }
# check WHAT GOT WANT
check() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got '$2', want '$3'"; fi; }

step "build: the exporter and two packages"
v1=$(tr -d '[:space:]' < VERSION)
v2=${v1%.*}.$(( ${v1##*.} + 1 ))
mkdir -p "$work/ovl" "$work/bin"
sed 's|return err == nil \&\& ok|_, _ = ok, err\n\treturn true // msi_check.sh: wine runs services in session 1|' \
  cmd/azuremfa_exporter/service_windows.go > "$work/ovl/service_windows.go"
grep -q 'msi_check.sh: wine' "$work/ovl/service_windows.go" || { echo "service_windows.go changed: the overlay no longer applies" >&2; exit 2; }
printf '{"Replace":{"%s":"%s"}}\n' "$root/cmd/azuremfa_exporter/service_windows.go" "$work/ovl/service_windows.go" > "$work/ovl/svc.json"
for v in "$v1" "$v2"; do
  GOOS=windows GOARCH=amd64 go build -trimpath -overlay "$work/ovl/svc.json" \
    -ldflags "-X github.com/prometheus/common/version.Version=$v" -o "$work/bin/$v/azuremfa_exporter.exe" ./cmd/azuremfa_exporter &&
    installer/build.sh "$work/bin/$v/azuremfa_exporter.exe" "$v" "$work/azuremfa_exporter-$v.msi" || exit 2
done
echo "built $v1 and $v2"

step "wine prefix (Windows 10, bcryptprimitives shim)"
"$WINE" wineboot -i >/dev/null 2>&1
"$WINE" winecfg -v win10 >/dev/null 2>&1
sys32=$WINEPREFIX/drive_c/windows/system32
if [ ! -e "$sys32/bcryptprimitives.dll" ]; then
  # Go >= 1.24 needs ProcessPrng, which wine 8 lacks: forward it to advapi32's RtlGenRandom.
  printf '.text\n' > "$work/empty.s"
  printf 'LIBRARY bcryptprimitives.dll\nEXPORTS\nProcessPrng = advapi32.SystemFunction036\n' > "$work/shim.def"
  x86_64-w64-mingw32-as -o "$work/empty.o" "$work/empty.s" &&
    x86_64-w64-mingw32-ld -shared -o "$sys32/bcryptprimitives.dll" "$work/empty.o" "$work/shim.def" || exit 2
fi
"$WINESERVER" -w  # otherwise the first install can race the service manager's shutdown
# Wine ends its services once no other wine process runs: keep one waiting.
mkfifo "$work/keep"
sleep 600 > "$work/keep" 2>/dev/null &
keeper_sleep=$!
"$WINE" cmd /c pause < "$work/keep" > /dev/null 2>&1 &
keeper=$!

svc_key='HKLM\System\CurrentControlSet\Services\azuremfa_exporter'
src_key='HKLM\System\CurrentControlSet\Services\EventLog\Application\azuremfa_exporter'
set_key='HKLM\Software\azuremfa_exporter'
# msi NAME ARGS...: msiexec, headless, with a verbose log; prints the Windows Installer code.
msi() {
  local name=$1; shift
  "$WINE" msiexec "$@" /qn /l*v "$(winpath "$work/$name.log")" > /dev/null 2>&1
  local rc=$?
  case $rc in 0) echo 0 ;; 67) echo 1603 ;; 91) echo 1627 ;; *) echo "exit $rc" ;; esac
}
regval() { "$WINE" reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' | awk -v n="$2" '$1 == n { $1 = ""; sub(/^ +/, ""); print }'; }
state() { "$WINE" sc query azuremfa_exporter 2>/dev/null | tr -d '\r' | awk '/STATE/ { print $4 }'; }
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v s="$1" 'index($0, s" ") == 1 { print $2 }'; }
build_version() { curl -s "http://127.0.0.1:$port/metrics" | sed -n 's/^azuremfa_exporter_build_info{.*version="\([^"]*\)".*/\1/p'; }
# wait_for CMD WANT: poll for up to 30 s (a script, not a test: polling is fine here).
wait_for() {
  local i got
  for ((i = 0; i < 300; i++)); do
    got=$(eval "$1")
    [ "$got" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
# auths FIRST N prints N RADIUS authentications (3 lines each) that end in code 21.
auths() {
  local i at
  for ((i = $1; i < $1 + $2; i++)); do
    at=$(printf '2026-11-23T%02d:%02d:00.000000Z' $((8 + i / 60)) $((i % 60)))
    printf "%s|0|1412|%d|pfrad|Calling pfAuthUser('CONTOSO\\\\user%d', '', 1)\n" "$at" "$i" "$i"
    printf '%s|0|1412|%d|pfrad|authResult = 1\n%s|0|1412|%d|pfrad|rawCallStatus = 21\n' "$at" "$i" "$at" "$i"
  done
}
requests='azuremfa_auth_requests_total{log="radius"}'

logs="$work/mfa logs"  # a space, as in C:\Program Files\Multi-Factor Authentication Server\Logs
mkdir -p "$logs"
auths 0 5 > "$logs/MultiFactorAuthRadiusSvc.log"
port=$(shuf -i 20000-40000 -n 1)
data=$WINEPREFIX/drive_c/ProgramData/azuremfa_exporter
installdir='C:\Program Files\azuremfa exporter test\'
args_v1="--web.listen-address=127.0.0.1:$port \"--mfa.log-dir=$(winpath "$logs")\" \"--tail.positions-file=C:\\ProgramData\\azuremfa_exporter\\positions.json\" \"@C:\\ProgramData\\azuremfa_exporter\\flags.txt\" --tail.from-start --tail.poll-interval=50ms"

step "1. install $v1 with settings"
check "msiexec exit" "$(msi install-1 /i "$(winpath "$work/azuremfa_exporter-$v1.msi")" LISTEN_ADDRESS=127.0.0.1:$port \
  "LOG_DIR=$(winpath "$logs")" "EXTRA_FLAGS=--tail.from-start --tail.poll-interval=50ms" FIREWALL=1 "INSTALLDIR=$installdir")" 0
image=$(regval "$svc_key" ImagePath)
check "service command line" "${image#*azuremfa_exporter.exe }" "$args_v1"
image=${image#REG_SZ }
case $image in 'C:\Program Files\azuremfa exporter test\azuremfa_exporter.exe '* | '"C:\Program Files\azuremfa exporter test\azuremfa_exporter.exe" '*)
  ok "installed in INSTALLDIR: ${image%% --*}" ;; *) fail "ImagePath: $image" ;; esac
check "start type (2: automatic)" "$(regval "$svc_key" Start)" "REG_DWORD 0x2"
check "service type (0x10: own process)" "$(regval "$svc_key" Type)" "REG_DWORD 0x10"
check "account" "$(regval "$svc_key" ObjectName)" "REG_SZ LocalSystem"
check "event source message file" "$(regval "$src_key" EventMessageFile)" 'REG_EXPAND_SZ %SystemRoot%\System32\EventCreate.exe'
check "event source types" "$(regval "$src_key" TypesSupported)" "REG_DWORD 0x7"
check "remembered EXTRA_FLAGS" "$(regval "$set_key" ExtraFlags)" "REG_SZ --tail.from-start --tail.poll-interval=50ms"
check "remembered FIREWALL" "$(regval "$set_key" Firewall)" "REG_SZ 1"
if wait_for 'state' RUNNING; then ok "service RUNNING"; else fail "service state $(state)"; fi
if wait_for "metric '$requests'" 5; then ok "scraped from the service: 5 RADIUS requests (--tail.from-start from EXTRA_FLAGS)"; else fail "$requests = $(metric "$requests")"; fi
check "build_info version" "$(build_version)" "$v1"
[ -f "$data/flags.txt" ] && ok "flags.txt installed" || fail "no $data/flags.txt"
grep -q 'Action start .*: FirewallAdd\.' "$work/install-1.log" && ok "FIREWALL=1: the firewall action ran (wine's netsh has no advfirewall: its result is ignored, as on a Windows without the firewall service)" ||
  fail "FirewallAdd did not run"

step "2. flags.txt: a flag with a space in its value, no quotes; restart"
printf -- '# edited by msi_check.sh\n--log.file=C:\\ProgramData\\azuremfa_exporter\\exporter log.txt\n' > "$data/flags.txt"
"$WINE" net stop azuremfa_exporter > /dev/null 2>&1
"$WINE" net start azuremfa_exporter > /dev/null 2>&1
if wait_for 'grep -c "msg=\"Starting azuremfa_exporter\"" "$data/exporter log.txt" 2>/dev/null' 1; then ok "the service logs to 'exporter log.txt', as flags.txt says"; else fail "no exporter log.txt"; fi
auths 5 2 >> "$logs/MultiFactorAuthRadiusSvc.log"
if wait_for "metric '$requests'" 2; then ok "restarted from the positions file: only the 2 new requests counted"; else fail "$requests = $(metric "$requests") after the restart"; fi

step "3. major upgrade to $v2, no settings given"
check "msiexec exit" "$(msi upgrade /i "$(winpath "$work/azuremfa_exporter-$v2.msi")")" 0
image=$(regval "$svc_key" ImagePath)
check "service command line kept" "${image#*azuremfa_exporter.exe }" "$args_v1"
case $image in *'azuremfa exporter test\azuremfa_exporter.exe'*) ok "INSTALLDIR kept" ;; *) fail "ImagePath: $image" ;; esac
if wait_for build_version "$v2"; then ok "build_info version $v2: the new exporter runs"; else fail "build_info version $(build_version)"; fi
grep -q '^# edited by msi_check.sh' "$data/flags.txt" && ok "flags.txt kept as edited" || fail "flags.txt replaced: $(head -1 "$data/flags.txt")"
auths 7 1 >> "$logs/MultiFactorAuthRadiusSvc.log"
if wait_for "metric '$requests'" 1; then ok "positions kept across the upgrade: only the 1 new request counted"; else fail "$requests = $(metric "$requests") after the upgrade"; fi
check "installed versions (uninstall entries)" "$("$WINE" reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s /v DisplayVersion 2>/dev/null | tr -d '\r' | awk '/DisplayVersion/ { print $3 }' | sort | tr '\n' ' ')" "$v2 "

step "4. downgrade to $v1: refused"
check "msiexec exit" "$(msi downgrade /i "$(winpath "$work/azuremfa_exporter-$v1.msi")")" 1603
grep -q 'WIX_DOWNGRADE_DETECTED = {' "$work/downgrade.log" && ok "the newer version was detected (launch condition NOT WIX_DOWNGRADE_DETECTED)" || fail "no WIX_DOWNGRADE_DETECTED in the log"
check "still running $v2" "$(build_version)" "$v2"

step "5. re-run $v2 with a new LISTEN_ADDRESS (reconfigure in place)"
port2=$(shuf -i 40001-50000 -n 1)
rc=$(msi rerun /i "$(winpath "$work/azuremfa_exporter-$v2.msi")" LISTEN_ADDRESS=127.0.0.1:$port2)
image=$(regval "$svc_key" ImagePath)
if [ "$rc" = 0 ] && [[ $image == *"--web.listen-address=127.0.0.1:$port2 "* ]]; then
  ok "re-run applied LISTEN_ADDRESS"; port=$port2
  wait_for 'state' RUNNING && ok "service RUNNING again" || fail "service state $(state) after the re-run"
  [[ $image == *"--tail.from-start --tail.poll-interval=50ms" ]] && ok "the other settings kept" || fail "ImagePath after the re-run: $image"
else
  echo "not shown under wine (msiexec $rc; ImagePath ${image#*azuremfa_exporter.exe }): the Windows job checks it"
fi

step "6. uninstall"
check "msiexec exit" "$(msi uninstall /x "$(winpath "$work/azuremfa_exporter-$v2.msi")")" 0
"$WINE" reg query "$svc_key" > /dev/null 2>&1 && fail "service still registered" || ok "service removed"
"$WINE" reg query "$src_key" > /dev/null 2>&1 && fail "event source still registered: $("$WINE" reg query "$src_key" 2>&1 | tr -d '\r')" || ok "event source removed"
"$WINE" reg query "$set_key" > /dev/null 2>&1 && fail "settings still in the registry" || ok "settings removed from the registry"
if [ -e "$WINEPREFIX/drive_c/Program Files/azuremfa exporter test/azuremfa_exporter.exe" ]; then
  fail "exe still installed; exporter processes: $(pgrep -fa 'azuremfa_exporter.exe' | head -3)"
else
  ok "exe removed"
fi
[ -d "$WINEPREFIX/drive_c/Program Files/azuremfa exporter test" ] && fail "install folder left" || ok "install folder removed"
[ -f "$data/positions.json" ] && ok "positions.json left behind" || fail "positions.json removed"
[ -f "$data/exporter log.txt" ] && ok "the exporter's log left behind" || fail "exporter log removed"
grep -q '^# edited by msi_check.sh' "$data/flags.txt" 2>/dev/null && ok "flags.txt left behind" || fail "flags.txt removed"
curl -s -o /dev/null "http://127.0.0.1:$port/metrics" && fail "something still answers on $port" || ok "nothing listens on $port"

step "7. a bad flag in EXTRA_FLAGS: installed, not rolled back"
rm -f "$data/flags.txt"  # a fresh install puts the template back
rc=$(msi badflag /i "$(winpath "$work/azuremfa_exporter-$v1.msi")" LISTEN_ADDRESS=127.0.0.1:$port "LOG_DIR=$(winpath "$logs")" EXTRA_FLAGS=--no-such-flag)
check "msiexec exit" "$rc" 0
"$WINE" reg query "$svc_key" > /dev/null 2>&1 && ok "service registered; state $(state)" || fail "service not registered"
[ -f "$data/flags.txt" ] && grep -q '^# Extra flags' "$data/flags.txt" && ok "flags.txt template installed again" || fail "no flags.txt template"
check "msiexec /x exit" "$(msi badflag-uninstall /x "$(winpath "$work/azuremfa_exporter-$v1.msi")")" 0

step "done"
[ "$failed" = 0 ] && echo "all steps passed" || echo "some steps FAILED"
exit "$failed"
