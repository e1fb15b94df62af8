#!/usr/bin/env bash
# Checks the tables of a built installer: installer/check_tables.sh FILE.msi VERSION
# wixl accepts some elements and writes them otherwise than asked, so what matters is checked
# in the tables themselves (msiinfo, from msitools). Run by .ci/run on the release build.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 FILE.msi VERSION" >&2; exit 2; }
msi=$1 version=$2
failed=0
checked=0
tab=$'\t'

tables=$(mktemp -d)
trap 'rm -rf "$tables"' EXIT
# rows TABLE: the table's rows, tab-separated, without the three header lines.
rows() {
  [ -f "$tables/$1" ] || msiinfo export "$msi" "$1" | tr -d '\r' | tail -n +4 > "$tables/$1"
  cat "$tables/$1"
}
# has TABLE ROW WHY: the table holds exactly this row (fields joined by |).
has() {
  checked=$((checked + 1))
  if ! rows "$1" | grep -Fxq -- "${2//|/$tab}"; then
    echo "FAIL: $1 lacks the row: $2 ($3)"; failed=1
  fi
}
# hasnt TABLE PATTERN WHY: no row of the table matches the extended regex.
hasnt() {
  checked=$((checked + 1))
  if rows "$1" | grep -Eq -- "$2"; then
    echo "FAIL: $1 has a row matching $2 ($3): $(rows "$1" | grep -E -- "$2" | head -1)"; failed=1
  fi
}
# seq ACTION: the action's sequence number in InstallExecuteSequence.
seq() { rows InstallExecuteSequence | awk -F'\t' -v a="$1" '$1 == a { print $3 }'; }
# before A B WHY: A runs before B in InstallExecuteSequence.
before() {
  checked=$((checked + 1))
  local a b
  a=$(seq "$1") b=$(seq "$2")
  if [ -z "$a" ] || [ -z "$b" ] || [ "$a" -ge "$b" ]; then
    echo "FAIL: $1 (${a:-absent}) must run before $2 (${b:-absent}) ($3)"; failed=1
  fi
}

# The service: own process (16), automatic (2), normal error control and vital (32769),
# LocalSystem, the settings on its command line, flags.txt through kingpin's @file.
has ServiceInstall "Service|azuremfa_exporter|Azure MFA Server exporter|16|2|32769|||LocalSystem||--web.listen-address=[LISTEN_ADDRESS] \"--mfa.log-dir=[LOG_DIR]\" \"--tail.positions-file=[POSITIONS_FILE]\" \"@[CommonAppDataFolder]azuremfa_exporter\\flags.txt\" [SERVICE_EXTRA_FLAGS]|Exe|Prometheus exporter for Azure MFA Server logs: follows its log files and serves metrics over HTTP." \
  "service row and its arguments"
# Stopped on install and uninstall (2 + 32), removed on uninstall (128), waiting for the stop.
has ServiceControl "ServiceStopRemove|azuremfa_exporter|162||1|Exe" "stop before files change, remove at uninstall"
hasnt ServiceControl '^[^\t]*\t[^\t]*\t([0-9]*[13579])\t' "no ServiceControl start: StartServices would roll the install back when the service does not start"

# Delayed automatic start (3) and failure actions on non-crash stops (4), install + reinstall (5).
has MsiServiceConfig "DelayedAutoStart|azuremfa_exporter|5|3|1|Exe" "delayed automatic start"
has MsiServiceConfig "FailureActionsOnError|azuremfa_exporter|5|4|1|Exe" "recovery also when the service stops with an error"
# Restart after 60 s, three times; the count resets after a day.
has MsiServiceConfigFailureActions "RestartThreeTimes|azuremfa_exporter|5|86400|||1[~]1[~]1|60000[~]60000[~]60000|Exe" "recovery actions"
before InstallServices MsiConfigureServices "the service exists before it is configured"
before MsiConfigureServices StartServices "configured before it starts"

# Started by sc.exe, deferred (1024), as LocalSystem (2048), exit code ignored (64): 50 + 3136.
has CustomAction "SetSc|51|SC|[System64Folder]sc.exe|" "sc.exe path"
has CustomAction "StartExporterService|3186|SC|start azuremfa_exporter|" "start without rolling back"
has InstallExecuteSequence "StartExporterService|NOT REMOVE~=\"ALL\"|5910" "start on install, upgrade and re-run, not on uninstall"
before InstallServices StartExporterService "started once registered"
before StartExporterService InstallFinalize "deferred actions run inside the script"

# The event-log source: REG_EXPAND_SZ message file (#%), DWORD types and custom source (#).
evt='SYSTEM\CurrentControlSet\Services\EventLog\Application\azuremfa_exporter'
regrows() { rows Registry | cut -f2-6; }
has_reg() {
  checked=$((checked + 1))
  if ! regrows | grep -Fxq -- "${1//|/$tab}"; then echo "FAIL: Registry lacks: $1 ($2)"; failed=1; fi
}
has_reg "2|$evt|EventMessageFile|#%%SystemRoot%\\System32\\EventCreate.exe|EventSource" "event message file, REG_EXPAND_SZ"
has_reg "2|$evt|TypesSupported|#7|EventSource" "event types, REG_DWORD"
has_reg "2|$evt|CustomSource|#1|EventSource" "custom source, REG_DWORD"

# The settings, written as given (REG_SZ: no leading #) and found again by AppSearch.
for pair in ListenAddress:LISTEN_ADDRESS LogDir:LOG_DIR PositionsFile:POSITIONS_FILE ExtraFlags:EXTRA_FLAGS Firewall:FIREWALL InstallDir:INSTALLDIR; do
  name=${pair%%:*} prop=${pair#*:}
  has_reg "2|SOFTWARE\\azuremfa_exporter|$name|[$prop]|Settings" "remember $prop"
  # RegLocator type 18: raw value (2) from the 64-bit view (16).
  has RegLocator "Find$name|2|SOFTWARE\\azuremfa_exporter|$name|18" "find $prop in the 64-bit registry"
  has AppSearch "$prop|Find$name" "AppSearch sets $prop"
  # The command line wins over what was remembered: kept before AppSearch, put back after it.
  has CustomAction "KeepCmd$name|51|CMDLINE_$prop|[$prop]|" "keep $prop from the command line"
  has CustomAction "UseCmd$name|51|$prop|[CMDLINE_$prop]|" "put $prop back"
  before "KeepCmd$name" AppSearch "$prop kept before AppSearch"
  before AppSearch "UseCmd$name" "$prop put back after AppSearch"
  before "UseCmd$name" LaunchConditions "$prop resolved before the launch conditions"
  # A value in the Property table would be taken for one from the command line.
  hasnt Property "^$prop$tab" "$prop has no Property-table default"
done
for pair in ListenAddress:LISTEN_ADDRESS:':10085' LogDir:LOG_DIR:'[ProgramFiles64Folder]Multi-Factor Authentication Server\Logs' \
  PositionsFile:POSITIONS_FILE:'[CommonAppDataFolder]azuremfa_exporter\positions.json' Firewall:FIREWALL:0 ExtraFlags:EXTRA_FLAGS:none; do
  IFS=: read -r name prop value <<< "$pair"
  has CustomAction "Default$name|51|$prop|$value|" "default $prop"
  has InstallExecuteSequence "Default$name|NOT $prop|$(seq "Default$name")" "default only when unset"
  before "UseCmd$name" "Default$name" "default after the command line and the registry"
done
has CustomAction "SetServiceExtraFlags|51|SERVICE_EXTRA_FLAGS|[EXTRA_FLAGS]|" "EXTRA_FLAGS=none stands for no flags"
has InstallExecuteSequence "SetServiceExtraFlags|NOT (EXTRA_FLAGS ~= \"none\")|66" "EXTRA_FLAGS=none stands for no flags"
# The same resolution when the UI sequence runs first (an install that is not /qn).
for a in KeepCmdListenAddress UseCmdListenAddress DefaultListenAddress SetServiceExtraFlags; do
  checked=$((checked + 1))
  rows InstallUISequence | cut -f1 | grep -Fxq "$a" || { echo "FAIL: InstallUISequence lacks $a"; failed=1; }
done
has Property "SecureCustomProperties|WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;LISTEN_ADDRESS;LOG_DIR;POSITIONS_FILE;EXTRA_FLAGS;FIREWALL;INSTALLDIR" \
  "command-line settings reach the elevated install"

# Re-running the installed version applies new settings.
has CustomAction "ReinstallAll|51|REINSTALL|ALL|" "re-run reinstalls"
has CustomAction "ReinstallMode|51|REINSTALLMODE|amus|" "re-run rewrites files and machine registry values"
has InstallExecuteSequence "ReinstallAll|Installed AND NOT REMOVE AND NOT REINSTALL AND NOT UPGRADINGPRODUCTCODE|67" "only when re-run"
before ReinstallMode CostInitialize "REINSTALL is set before costing"

# Major upgrade: older versions removed first, newer ones refuse this one.
has Property "UpgradeCode|{57A85BC0-9778-40B3-ACAF-B879240DA42E}" "the upgrade code never changes"
has Property "ProductVersion|$version" "product version"
has Upgrade "{57A85BC0-9778-40B3-ACAF-B879240DA42E}||$version||1||WIX_UPGRADE_DETECTED" "older versions are upgraded"
has Upgrade "{57A85BC0-9778-40B3-ACAF-B879240DA42E}|$version|||2||WIX_DOWNGRADE_DETECTED" "newer versions detected"
has LaunchCondition "NOT WIX_DOWNGRADE_DETECTED|A newer version of azuremfa_exporter is already installed. Uninstall it first to install this version." "downgrade refused"
has LaunchCondition "Installed OR (VersionNT64 >= 603)|azuremfa_exporter needs 64-bit Windows Server 2012 R2 / Windows 8.1 or later." "64-bit Windows"
has LaunchCondition "REMOVE~=\"ALL\" OR NOT (LOG_DIR >> \"\\\")|LOG_DIR must not end with a backslash: the service's command line would break there." "no trailing backslash"
before InstallValidate RemoveExistingProducts "old version removed after validation"
before RemoveExistingProducts InstallInitialize "old version removed first, so its settings are read before and written again after"

# Firewall rule, opt-in: deferred netsh as LocalSystem, with a rollback that removes it.
has CustomAction "SetNetsh|51|NETSH|[System64Folder]netsh.exe|" "netsh path"
has CustomAction "FirewallRemove|3186|NETSH|advfirewall firewall delete rule name=\"Azure MFA Server exporter\"|" "rule removed"
has CustomAction "FirewallAddRollback|3442|NETSH|advfirewall firewall delete rule name=\"Azure MFA Server exporter\"|" "rollback: 50 + 64 + 256 + 1024 + 2048"
has CustomAction "FirewallAdd|3186|NETSH|advfirewall firewall add rule name=\"Azure MFA Server exporter\" dir=in action=allow protocol=TCP program=\"[INSTALLDIR]azuremfa_exporter.exe\" profile=any enable=yes description=\"Prometheus scrapes of azuremfa_exporter (installed with FIREWALL=1)\"|" "rule added"
has InstallExecuteSequence "FirewallRemove|FIREWALL=\"1\" OR Installed|5870" "removed at re-run, upgrade and uninstall"
has InstallExecuteSequence "FirewallAdd|FIREWALL=\"1\" AND NOT REMOVE~=\"ALL\"|5872" "added only with FIREWALL=1"
before InstallInitialize FirewallRemove "deferred"
before FirewallRemove FirewallAddRollback "removed, then the rollback is armed"
before FirewallAddRollback FirewallAdd "rollback armed before the add"
before FirewallAdd InstallFinalize "deferred"

# flags.txt: 64-bit (256), permanent (16), never overwritten (128).
has Component "FlagsFile|{10C9F686-210E-451B-B321-8EEEE9ADC38A}|DATADIR|400||flags.txt" "flags.txt kept across upgrades and uninstall"
has Component "Exe|{78EAFF6D-5798-48D7-9143-C82C9748F068}|INSTALLDIR|256||azuremfa_exporter.exe" "64-bit exe component"
has Directory "INSTALLDIR|ProgramFiles64Folder|azuremfa_exporter" "under Program Files"
has Directory "DATADIR|CommonAppDataFolder|azuremfa_exporter" "under ProgramData"
# Immediate actions must not carry the no-impersonate bit wixl sets (2048 without 1024).
hasnt CustomAction "^[^\t]*\t2099\t" "no immediate action marked no-impersonate"

if [ "$failed" != 0 ]; then echo "$msi: some table checks FAILED"; exit 1; fi
echo "$msi: $checked table checks passed"
