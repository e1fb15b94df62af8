package logparse

import "bytes"

// parseMessage sets e.Kind and the fields of that kind from e.Message. A message that
// starts like a known shape but does not finish like it stays KindOther with none of the
// message fields set: the shape parsers fill e only once the whole shape matched.
func parseMessage(e *Entry) {
	m := e.Message
	if len(m) == 0 {
		return
	}
	switch m[0] {
	case 'C':
		parseCall(e, m)
	case 'a':
		parseNumber(e, m, "authResult", KindAuthResult)
	case 'r':
		parseNumber(e, m, "rawCallStatus", KindRawCallStatus)
	case 'P':
		if hasPrefix(m, "Pfauth ") {
			parsePfauth(e, m[len("Pfauth "):])
		} else if hasPrefix(m, "Primary auth ") {
			parsePrimaryAuth(e, m[len("Primary auth "):])
		}
	case 'v':
		parseOATH(e, m)
	case 'U':
		parseAudit(e, m)
	case '*':
		if hasPrefix(m, "***** ERROR *****") {
			e.Kind = KindError
		}
	}
}

// parseCall parses "Calling pfAuthUser('<user>', '<x>', <n>)". The user may hold any byte,
// quotes included (doubled or backslash-escaped), so the line is read from both ends: the
// number and the closing quote of <x> from the right, then the user up to the first "', '".
func parseCall(e *Entry, m []byte) {
	const prefix = "Calling pfAuthUser('"
	if !hasPrefix(m, prefix) {
		return
	}
	b := m[len(prefix):]
	end := trimSpacesRight(b)
	if end == 0 || b[end-1] != ')' {
		return
	}
	end = trimSpacesRight(b[:end-1])
	start := end
	for start > 0 && isDigit(b[start-1]) {
		start--
	}
	if start > 0 && b[start-1] == '-' {
		start--
	}
	n, ok := parseInt32(b[start:end])
	if !ok {
		return
	}
	k := trimSpacesRight(b[:start])
	if k < 2 || b[k-1] != ',' || b[k-2] != '\'' {
		return
	}
	argEnd := k - 2 // the quote that closes <x>
	sep := bytes.Index(b[:argEnd], []byte("', '"))
	if sep < 0 {
		return
	}
	e.Kind = KindCall
	e.User = b[:sep]
	e.Number = n
}

// parseNumber parses "<name> = <n>" (blanks around '=' optional, n may be negative).
func parseNumber(e *Entry, m []byte, name string, kind Kind) {
	if !hasPrefix(m, name) {
		return
	}
	b := m[len(name):]
	n, ok := int64(0), false
	if len(b) > 3 && len(b) < 3+10 && b[0] == ' ' && b[1] == '=' && b[2] == ' ' {
		// As MFA Server writes it: " = " and up to 9 digits, nothing after them.
		n, ok = digitsValue(b[3:])
	}
	if !ok {
		b = b[trimSpacesLeft(b):]
		if len(b) == 0 || b[0] != '=' {
			return
		}
		b = b[1:]
		b = b[trimSpacesLeft(b):]
		if n, ok = parseInt32(b[:trimSpacesRight(b)]); !ok {
			return
		}
	}
	e.Kind = kind
	e.Number = n
	if kind == KindAuthResult {
		// Only 1 is known to mean success (it goes with success codes in the public samples);
		// every other value is taken as a denial.
		if n == 1 {
			e.Verdict = VerdictSuccess
		} else {
			e.Verdict = VerdictFailure
		}
		return
	}
	e.Status, e.StatusKnown = LookupCode(int(n))
}

// parsePfauth parses what follows "Pfauth ":
//
//	succeeded for user '<user>'[ (distinguishedName format)][ from <addr>]. Call status: <CONSTANT> - "<Description>".
//	failed for user '<user>'[ (distinguishedName format)][ from <addr>]. Call status: <CONSTANT> - "<Description>".
//	not performed for user '<user>' from <addr>
func parsePfauth(e *Entry, b []byte) {
	const (
		succeeded    = "succeeded for user '"
		failed       = "failed for user '"
		notPerformed = "not performed for user '"
	)
	var verdict Verdict
	switch {
	case hasPrefix(b, succeeded):
		verdict, b = VerdictSuccess, b[len(succeeded):]
	case hasPrefix(b, failed):
		verdict, b = VerdictFailure, b[len(failed):]
	case hasPrefix(b, notPerformed):
		b = b[len(notPerformed):]
		b = b[:trimSpacesRight(b)]
		if len(b) > 0 && b[len(b)-1] == '.' {
			b = b[:len(b)-1]
		}
		user, addr, ok := splitUserFrom(b)
		if !ok {
			return
		}
		e.Kind = KindNotPerformed
		e.User, e.Addr = user, addr
		return
	default:
		return
	}
	head, constant, desc, ok := splitCallStatus(b)
	if !ok {
		return
	}
	user, addr, ok := splitUserFrom(head)
	if !ok {
		return
	}
	e.Kind = KindPfauth
	e.Verdict = verdict
	e.User, e.Addr = user, addr
	e.Constant, e.Description = constant, desc
	e.Status, e.StatusKnown = decodeStatus(constant, desc)
}

// splitUserFrom splits "<user>'[ (distinguishedName format)][ from <addr>]" (the opening
// quote already consumed). The address is given without port and brackets.
func splitUserFrom(b []byte) (user, addr []byte, ok bool) {
	// The address is the last word, after " from " and the closing quote (a " from " inside
	// the user name has no quote before it).
	if sp := bytes.LastIndexByte(b, ' '); sp > 0 && sp+1 < len(b) && hasSuffix(b[:sp], " from") {
		head := trimDNSuffix(b[:sp-len(" from")])
		if len(head) > 0 && head[len(head)-1] == '\'' {
			return head[:len(head)-1], addrHost(b[sp+1:]), true
		}
	}
	b = trimDNSuffix(b)
	if len(b) == 0 || b[len(b)-1] != '\'' {
		return nil, nil, false
	}
	return b[:len(b)-1], nil, true
}

func trimDNSuffix(b []byte) []byte {
	const dn = " (distinguishedName format)"
	if hasSuffix(b, dn) {
		return b[:len(b)-len(dn)]
	}
	return b
}

// addrHost strips the port and brackets of "1.2.3.4:5", "[::1]:5" or "[::1]". A bare IPv6
// address (two colons or more) has no port.
func addrHost(a []byte) []byte {
	if a[0] == '[' {
		if j := bytes.IndexByte(a, ']'); j > 0 {
			return a[1:j]
		}
		return a
	}
	if i := bytes.IndexByte(a, ':'); i >= 0 && bytes.IndexByte(a[i+1:], ':') < 0 {
		return a[:i]
	}
	return a
}

// splitCallStatus splits `<head>. Call status: <CONSTANT> - "<Description>".` at its last
// ". Call status: ". The description part may be absent (`. Call status: <CONSTANT>.`).
func splitCallStatus(b []byte) (head, constant, desc []byte, ok bool) {
	const callStatus = ". Call status: "
	b = b[:trimSpacesRight(b)]
	if len(b) > 0 && b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	// The usual line, read from the right with byte searches over a few bytes: cheaper than a
	// substring search over the whole line.
	if n := len(b); n > 0 && b[n-1] == '"' {
		if q := bytes.LastIndexByte(b[:n-1], '"'); q >= 3 && string(b[q-3:q]) == " - " {
			c := b[:q-3]
			if sp := bytes.LastIndexByte(c, ' '); sp >= 0 && hasSuffix(c[:sp+1], callStatus) {
				return c[:sp+1-len(callStatus)], c[sp+1:], b[q+1 : n-1], true
			}
		}
	}
	i := bytes.LastIndex(b, []byte(callStatus))
	if i < 0 {
		return nil, nil, nil, false
	}
	head, b = b[:i], b[i+len(callStatus):]
	j := bytes.Index(b, []byte(` - "`))
	if j < 0 {
		return head, b, nil, len(b) > 0
	}
	constant, desc = b[:j], b[j+len(` - "`):]
	if len(desc) == 0 || desc[len(desc)-1] != '"' {
		return nil, nil, nil, false
	}
	return head, constant, desc[:len(desc)-1], true
}

// decodeStatus finds the status of a Pfauth line: by constant first (several codes share
// the description "Used Cache"), then by a number written in its place, then by description.
func decodeStatus(constant, desc []byte) (Status, bool) {
	if len(constant) > 0 {
		if s, ok := LookupConstant(constant); ok {
			return s, true
		}
	}
	num, isNum := parseInt32(constant)
	if len(desc) > 0 {
		if s, ok := LookupDescription(desc); ok && (!isNum || s.Code == int(num)) {
			return s, true
		}
	}
	if isNum {
		return LookupCode(int(num))
	}
	return unknownStatus(), false
}

// parsePrimaryAuth parses what follows "Primary auth ": "succeeded|failed for user '<user>'".
func parsePrimaryAuth(e *Entry, b []byte) {
	var verdict Verdict
	switch {
	case hasPrefix(b, "succeeded for user '"):
		verdict, b = VerdictSuccess, b[len("succeeded for user '"):]
	case hasPrefix(b, "failed for user '"):
		verdict, b = VerdictFailure, b[len("failed for user '"):]
	default:
		return
	}
	b = b[:trimSpacesRight(b)]
	if len(b) > 0 && b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	if len(b) == 0 || b[len(b)-1] != '\'' {
		return
	}
	e.Kind = KindPrimaryAuth
	e.Verdict = verdict
	e.User = b[:len(b)-1]
}

// parseOATH parses "validate_oath_code: user <user> updated authentication result. ...
// callStatus = <Description>". The user is not quoted: it ends at " updated authentication result".
func parseOATH(e *Entry, m []byte) {
	const (
		prefix  = "validate_oath_code: user "
		updated = " updated authentication result"
		status  = "callStatus = "
	)
	if !hasPrefix(m, prefix) {
		return
	}
	b := m[len(prefix):]
	i := bytes.Index(b, []byte(updated))
	if i < 0 {
		return
	}
	user, rest := b[:i], b[i+len(updated):]
	// Usually the last '=' of the line is the one of "callStatus = ": a byte search is much
	// cheaper than a backwards substring search.
	j := bytes.LastIndexByte(rest, '=') - len("callStatus ")
	if j < 0 || j+len(status) > len(rest) || string(rest[j:j+len(status)]) != status {
		if j = bytes.LastIndex(rest, []byte(status)); j < 0 {
			return
		}
	}
	desc := rest[j+len(status):]
	desc = desc[:trimSpacesRight(desc)]
	if len(desc) > 0 && desc[len(desc)-1] == '.' {
		desc = desc[:len(desc)-1]
	}
	if len(desc) >= 2 && desc[0] == '"' && desc[len(desc)-1] == '"' {
		desc = desc[1 : len(desc)-1]
	}
	if len(desc) == 0 {
		return
	}
	e.Kind = KindOATH
	e.User = user
	e.Description = desc
	if s, ok := LookupDescription(desc); ok {
		e.Status, e.StatusKnown = s, true
	} else if n, ok := parseInt32(desc); ok {
		e.Status, e.StatusKnown = LookupCode(int(n))
	} else {
		e.Status, e.StatusKnown = LookupConstant(desc)
	}
}

// parseAudit parses the administrator's changes to user records:
//
//	User "<admin>" changed user "<target>" value <Field> from "<old>" to "<new>".
//	User "<admin>" added new user "<target>"
//	User "<admin>" deleted user record "<target>"
//
// The old and new values are not kept: they may be phone numbers.
func parseAudit(e *Entry, m []byte) {
	const (
		prefix  = `User "`
		changed = `" changed user "`
		added   = `" added new user "`
		deleted = `" deleted user record "`
		value   = `" value `
		from    = ` from "`
	)
	if !hasPrefix(m, prefix) {
		return
	}
	b := m[len(prefix):]
	for off := 0; ; {
		i := bytes.IndexByte(b[off:], '"')
		if i < 0 {
			return
		}
		q := off + i
		admin, rest := b[:q], b[q:]
		switch {
		case hasPrefix(rest, changed):
			rest = rest[len(changed):]
			v := bytes.Index(rest, []byte(value))
			if v < 0 {
				return
			}
			target, fieldAndValues := rest[:v], rest[v+len(value):]
			f := bytes.Index(fieldAndValues, []byte(from))
			if f <= 0 {
				return
			}
			e.Kind, e.Action = KindAudit, AuditChanged
			e.Admin, e.User, e.Field = admin, target, fieldAndValues[:f]
			return
		case hasPrefix(rest, added):
			if target, ok := quotedTail(rest[len(added):]); ok {
				e.Kind, e.Action = KindAudit, AuditAdded
				e.Admin, e.User = admin, target
			}
			return
		case hasPrefix(rest, deleted):
			if target, ok := quotedTail(rest[len(deleted):]); ok {
				e.Kind, e.Action = KindAudit, AuditDeleted
				e.Admin, e.User = admin, target
			}
			return
		}
		off = q + 1
	}
}

// quotedTail returns b up to its closing quote, which must end it (a final '.' allowed).
func quotedTail(b []byte) ([]byte, bool) {
	b = b[:trimSpacesRight(b)]
	if len(b) > 0 && b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	if len(b) == 0 || b[len(b)-1] != '"' {
		return nil, false
	}
	return b[:len(b)-1], true
}

// digitsValue is the value of b if it is 1 to 9 decimal digits and nothing else.
func digitsValue(b []byte) (int64, bool) {
	var n int64
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, len(b) > 0 && len(b) <= 9
}

// parseInt32 parses an optionally negative decimal number in (-2^31, 2^31); -2^31 is left
// out because it is CodeUnknown.
func parseInt32(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	u, ok := parseUint32(b)
	if !ok || u > 1<<31-1 {
		return 0, false
	}
	if neg {
		return -int64(u), true
	}
	return int64(u), true
}

func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}

func hasSuffix(b []byte, suffix string) bool {
	return len(b) >= len(suffix) && string(b[len(b)-len(suffix):]) == suffix
}

// trimSpacesLeft returns the index of the first byte of b that is not a space.
func trimSpacesLeft(b []byte) int {
	i := 0
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}

// trimSpacesRight returns the length of b without its trailing spaces.
func trimSpacesRight(b []byte) int {
	n := len(b)
	for n > 0 && b[n-1] == ' ' {
		n--
	}
	return n
}
