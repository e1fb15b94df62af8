#!/bin/sh
# Checks and unit-tests the Prometheus rules in rules/ with promtool.
#   dashboards/test.sh            from anywhere; exits non-zero on any failure
# promtool comes from Debian's prometheus package (apt-get install prometheus). Without it the
# script fails when CI=true and skips, saying so, otherwise.
set -eu
cd "$(dirname "$0")/rules"

PROMTOOL=${PROMTOOL:-promtool}
if ! command -v "$PROMTOOL" >/dev/null 2>&1; then
	if [ "${CI:-}" = "true" ]; then
		echo "dashboards/test.sh: FAIL: promtool not found and CI=true (apt-get install -y prometheus)" >&2
		exit 1
	fi
	echo "dashboards/test.sh: SKIP: promtool not found (apt-get install -y prometheus); rules were not checked" >&2
	exit 0
fi

"$PROMTOOL" --version 2>&1 | head -n 1
rules=$(ls *.yml | grep -v '_test\.yml$')
tests=$(ls *_test.yml)
# shellcheck disable=SC2086 # word splitting of the file lists is intended
"$PROMTOOL" check rules $rules
# shellcheck disable=SC2086
"$PROMTOOL" test rules $tests
