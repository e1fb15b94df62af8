package loggen

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// This file reads a generated log back with regular expressions written from MFA Server's line
// layouts, independently of the generator's formatting code, and replays it into a tracker.
// If the generator wrote anything other than what it counted, the two disagree.

var (
	rePipe   = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})Z\|([^|]+)\|(\d+)\|(\d+)\|(pfrad|pfisapi|pfsvc)\|(?:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\|)?(.+)$`)
	reSyslog = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})\+00:00 (\S+) (pfsvc): (.+)$`)

	reCall     = regexp.MustCompile(`^Calling pfAuthUser\('(.*)', '', 1\)$`)
	reAuth     = regexp.MustCompile(`^authResult = (-?\d+)$`)
	reRaw      = regexp.MustCompile(`^rawCallStatus = (-?\d+)$`)
	rePfauth   = regexp.MustCompile(`^Pfauth (succeeded|failed) for user '(.*)'(?: \(distinguishedName format\))?(?: from ([0-9a-f.:]+))?\. Call status: ([A-Z_]+) - "([^"]+)"\.$`)
	reNotPerf  = regexp.MustCompile(`^Pfauth not performed for user '(.*)' from ([0-9a-f.:]+)$`)
	rePrimary  = regexp.MustCompile(`^Primary auth (succeeded|failed) for user '(.*)'$`)
	reOATH     = regexp.MustCompile(`^validate_oath_code: user (.*) updated authentication result\. .*callStatus = (.+)$`)
	reAudit    = regexp.MustCompile(`^User "[^"]+" (changed user|added new user|deleted user record) "[^"]+"`)
	auditNames = map[string]logparse.AuditAction{"changed user": logparse.AuditChanged,
		"added new user": logparse.AuditAdded, "deleted user record": logparse.AuditDeleted}
)

// replay feeds every line of log into tr, as the exporter would see them.
func replay(log []byte, tr *tracker) error {
	sc := bufio.NewScanner(bytes.NewReader(log))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := string(bytes.TrimSuffix(sc.Bytes(), []byte("\r")))
		var ts, level, msg string
		var thread uint64
		if m := rePipe.FindStringSubmatch(line); m != nil {
			ts, level, msg = m[1], m[2], m[7]
			pid, _ := strconv.ParseUint(m[3], 10, 32)
			tid, _ := strconv.ParseUint(m[4], 10, 32)
			thread = pid<<32 | tid
		} else if m := reSyslog.FindStringSubmatch(line); m != nil {
			ts, msg = m[1], m[4]
		} else {
			tr.malformedLine()
			continue
		}
		tm, err := time.Parse("2006-01-02T15:04:05.000000", ts)
		if err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		t := tm.UnixMicro()
		tr.entry(t, level)
		switch {
		case reCall.MatchString(msg):
			tr.call(thread, reCall.FindStringSubmatch(msg)[1], t)
		case reAuth.MatchString(msg):
			v, _ := strconv.Atoi(reAuth.FindStringSubmatch(msg)[1])
			tr.authResult(thread, v)
		case reRaw.MatchString(msg):
			v, _ := strconv.Atoi(reRaw.FindStringSubmatch(msg)[1])
			tr.rawCallStatus(thread, v, t)
		case rePfauth.MatchString(msg):
			m := rePfauth.FindStringSubmatch(msg)
			st, ok := logparse.LookupConstant([]byte(m[4]))
			if !ok || st.Description != m[5] {
				return fmt.Errorf("line %d: status %s - %q is not in the table", n, m[4], m[5])
			}
			tr.pfauth(m[2], m[3], st.Code, m[1] == "succeeded", t)
		case reNotPerf.MatchString(msg):
			m := reNotPerf.FindStringSubmatch(msg)
			tr.notPerformedLine(m[1], m[2], t)
		case rePrimary.MatchString(msg):
			res := logparse.ResultFailure
			if rePrimary.FindStringSubmatch(msg)[1] == "succeeded" {
				res = logparse.ResultSuccess
			}
			tr.primary[res]++
		case reOATH.MatchString(msg):
			st, ok := logparse.LookupDescription([]byte(reOATH.FindStringSubmatch(msg)[2]))
			if !ok {
				return fmt.Errorf("line %d: OATH status not in the table: %q", n, msg)
			}
			tr.oath[st.Code]++
		case reAudit.MatchString(msg):
			tr.admin[auditNames[reAudit.FindStringSubmatch(msg)[1]]]++
		}
	}
	return sc.Err()
}
