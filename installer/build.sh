#!/usr/bin/env bash
# Builds the Windows installer on Linux: installer/build.sh EXE VERSION OUT.msi
#
#   EXE      the windows/amd64 azuremfa_exporter.exe to install
#   VERSION  the product version, numeric (MAJOR.MINOR.PATCH, as Windows Installer compares it)
#   OUT.msi  where to write the package
#
# Needs wixl and msibuild (Debian: apt-get install wixl msitools) and Go (for scripts/reltool).
# SOURCE_DATE_EPOCH (seconds) sets every time inside the package; without it, the commit time.
# The same inputs give the same bytes: the product code is derived from the version, the package
# code from the inputs, and the summary dates and the cabinet's file times from the epoch.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 EXE VERSION OUT.msi" >&2; exit 2; }
exe=$1 version=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "$0: VERSION must be MAJOR.MINOR.PATCH, got '$version'" >&2; exit 2; }
for tool in wixl msibuild; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found (apt-get install wixl msitools)" >&2; exit 2; }
done
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct)}

# The namespace of the product and package codes. Never change it: the product code of a
# version must stay the same from one build to the next (and from the release to a rebuild).
namespace=03283103-4496-41D0-B2CA-3E1CAEFA72E1
reltool=$(mktemp -d)
stage=$(mktemp -d)
trap 'rm -rf "$reltool" "$stage"' EXIT
(cd "$root" && go build -o "$reltool/reltool" ./scripts/reltool)
uuid5() { "$reltool/reltool" uuid5 "$namespace" "$1"; }

# The files go into the cabinet with their modification times: stage copies with the epoch's.
cp "$exe" "$stage/azuremfa_exporter.exe"
cp "$here/flags.txt" "$stage/flags.txt"
touch -d "@$epoch" "$stage/azuremfa_exporter.exe" "$stage/flags.txt"

product_code=$(uuid5 "azuremfa_exporter $version x64")
# A package code names one exact package: derive it from everything that goes into it.
package_code=$(uuid5 "$(cat "$stage/azuremfa_exporter.exe" "$stage/flags.txt" "$here/azuremfa_exporter.wxs" "$0" | sha256sum | cut -d' ' -f1) $version $epoch")

# wixl looks for the sources relative to the folder it runs in.
(cd "$stage" && wixl -a x64 -D Version="$version" -D ProductCode="$product_code" \
  -D ExeSource=azuremfa_exporter.exe -D FlagsSource=flags.txt -o out.msi "$here/azuremfa_exporter.wxs")

# What wixl 0.101 cannot write, or writes otherwise than asked.
secure="WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;LISTEN_ADDRESS;LOG_DIR;POSITIONS_FILE;EXTRA_FLAGS;FIREWALL;INSTALLDIR"
q=(
  # Properties given on the command line reach the elevated part of the install only when secure.
  "UPDATE Property SET Value='$secure' WHERE Property='SecureCustomProperties'"
  # wixl marks immediate set-property actions no-impersonate (2048 + 51): plain 51.
  "UPDATE CustomAction SET Type=51 WHERE Type=2099"
  # Execute=\"rollback\" is ignored: 50 (exe from a property) + 64 (ignore the exit code) +
  # 256 (rollback) + 1024 (in the script) + 2048 (as LocalSystem).
  "UPDATE CustomAction SET Type=3442 WHERE Action='FirewallAddRollback'"
  # Type=\"expandable\" is written as REG_SZ and a leading # is doubled: #% is REG_EXPAND_SZ.
  "UPDATE Registry SET Value='#%%SystemRoot%\\System32\\EventCreate.exe' WHERE Name='EventMessageFile'"
  # flags.txt: 64-bit (256) + permanent (16) + never overwritten (128), so edits survive
  # upgrades, re-runs and uninstall.
  "UPDATE Component SET Attributes=400 WHERE Component='FlagsFile'"
  # ServiceInstall/@Vital is ignored: normal error control (1) + vital (32768), so a service
  # that cannot be registered fails the install instead of being skipped.
  "UPDATE ServiceInstall SET ErrorControl=32769 WHERE ServiceInstall='Service'"
  # Delayed start and recovery (below) are applied by MsiConfigureServices, between
  # InstallServices (5800) and StartServices (5900).
  "INSERT INTO InstallExecuteSequence (Action, Condition, Sequence) VALUES ('MsiConfigureServices', 'VersionNT', 5850)"
)
args=()
for s in "${q[@]}"; do args+=(-q "$s"); done
tab=$'\t'
# Delayed automatic start (3) and failure actions also when the service stops with an error (4),
# on install (1) and reinstall (4): Event 5.
cat > "$stage/MsiServiceConfig.idt" <<EOF
MsiServiceConfig${tab}Name${tab}Event${tab}ConfigType${tab}Argument${tab}Component_
s72${tab}l255${tab}i2${tab}i4${tab}S0${tab}s72
MsiServiceConfig${tab}MsiServiceConfig
DelayedAutoStart${tab}azuremfa_exporter${tab}5${tab}3${tab}1${tab}Exe
FailureActionsOnError${tab}azuremfa_exporter${tab}5${tab}4${tab}1${tab}Exe
EOF
# Restart (1) after 60 s, three times; the failure count resets after a day without failure.
cat > "$stage/MsiServiceConfigFailureActions.idt" <<EOF
MsiServiceConfigFailureActions${tab}Name${tab}Event${tab}ResetPeriod${tab}RebootMessage${tab}Command${tab}Actions${tab}DelayActions${tab}Component_
s72${tab}l255${tab}i2${tab}I4${tab}L255${tab}L255${tab}S0${tab}S0${tab}s72
MsiServiceConfigFailureActions${tab}MsiServiceConfigFailureActions
RestartThreeTimes${tab}azuremfa_exporter${tab}5${tab}86400${tab}${tab}${tab}1[~]1[~]1${tab}60000[~]60000[~]60000${tab}Exe
EOF
# The summary: package code (9) and the two dates (12, 13) that wixl takes from the clock.
stamp=$(TZ=UTC date -d "@$epoch" '+%Y/%m/%d %H:%M:%S')
msiinfo export "$stage/out.msi" _SummaryInformation | tr -d '\r' |
  awk -F'\t' -v OFS='\t' -v pc="$package_code" -v ts="$stamp" \
    'NR > 3 && $1 == 9 { $2 = pc } NR > 3 && ($1 == 12 || $1 == 13) { $2 = ts } { print }' > "$stage/_SummaryInformation.idt"
TZ=UTC msibuild "$stage/out.msi" "${args[@]}" -i "$stage/MsiServiceConfig.idt" \
  -i "$stage/MsiServiceConfigFailureActions.idt" -i "$stage/_SummaryInformation.idt"
mv "$stage/out.msi" "$out"
