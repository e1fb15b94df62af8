package logparse

import "time"

// Format says which layout a line was written in.
type Format uint8

const (
	// FormatPipe is MFA Server's own layout: time|level|pid|tid|tag|[request-id|]message.
	FormatPipe Format = iota + 1
	// FormatSyslog3164 is "Mmm dd hh:mm:ss host tag: message" (no year).
	FormatSyslog3164
	// FormatSyslog3339 is "2026-11-23T17:22:14.516730+00:00 host tag: message".
	FormatSyslog3339
)

// Kind is the shape of a line's message.
type Kind uint8

const (
	// KindOther is any well-formed line whose message has no shape of its own.
	KindOther Kind = iota
	// KindCall is "Calling pfAuthUser('<user>', '<x>', <n>)": a request starts.
	KindCall
	// KindAuthResult is "authResult = <n>".
	KindAuthResult
	// KindRawCallStatus is "rawCallStatus = <n>": the request completes.
	KindRawCallStatus
	// KindPfauth is "Pfauth succeeded|failed for user ... Call status: CONST - "Desc"."
	KindPfauth
	// KindNotPerformed is "Pfauth not performed for user '<user>' from <ip>".
	KindNotPerformed
	// KindPrimaryAuth is "Primary auth succeeded|failed for user '<user>'".
	KindPrimaryAuth
	// KindOATH is "validate_oath_code: user <user> updated authentication result. ... callStatus = <Desc>".
	KindOATH
	// KindAudit is an admin change: changed, added or deleted user.
	KindAudit
	// KindError is a message that starts with "***** ERROR *****".
	KindError
)

var kindNames = [...]string{"other", "call", "auth_result", "raw_call_status", "pfauth",
	"not_performed", "primary_auth", "oath", "audit", "error"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// Verdict is what a line itself says of the outcome, before the status table is consulted.
type Verdict uint8

const (
	VerdictNone Verdict = iota
	VerdictSuccess
	VerdictFailure
)

// AuditAction is what an administrator did to a user record.
type AuditAction uint8

const (
	AuditNone AuditAction = iota
	AuditChanged
	AuditAdded
	AuditDeleted
)

var auditNames = [...]string{"none", "changed", "added", "deleted"}

func (a AuditAction) String() string {
	if int(a) < len(auditNames) {
		return auditNames[a]
	}
	return "invalid"
}

// Entry is one well-formed line. Every []byte field is a view into the line that was
// parsed: it is valid only until that buffer is reused. Copy what must outlive it.
type Entry struct {
	Format Format
	Time   time.Time // from the line, UTC
	Level  []byte    // "i", "e", "0", ...; empty for syslog lines
	PID    uint32    // 0 when the line has none (syslog)
	TID    uint32    // 0 when the line has none (syslog)
	Host   []byte    // syslog only
	Tag    []byte    // "pfrad", "pfsvc", ...
	// RequestID is the optional GUID field of newer builds; empty when absent.
	RequestID []byte
	Message   []byte

	Kind Kind
	// User: KindCall, KindPfauth, KindNotPerformed, KindPrimaryAuth, KindOATH, and the
	// target user of KindAudit. As written in the line (quote escapes are not undone).
	User []byte
	// Admin: KindAudit, the administrator who made the change.
	Admin []byte
	// Field: KindAudit with AuditChanged, the value that changed.
	Field []byte
	// Action: KindAudit.
	Action AuditAction
	// Number: the value of KindAuthResult and KindRawCallStatus, and the third argument of KindCall.
	Number int64
	// Verdict: KindPfauth and KindPrimaryAuth (succeeded/failed), KindAuthResult (1 is success).
	Verdict Verdict
	// Status: KindRawCallStatus, KindPfauth and KindOATH, decoded through the status table.
	// StatusKnown is false when the line named no status the table knows.
	Status      Status
	StatusKnown bool
	// Constant and Description: KindPfauth ("CONST", "Desc") and KindOATH (Description) as written.
	Constant    []byte
	Description []byte
	// Addr: KindPfauth and KindNotPerformed, the client address when the line has one.
	Addr []byte

	minute isoMinute // kept by ParseLine from one line to the next (see ParseLine)
	pid    pidMemo   // likewise
	// reuse: ParseLine left a pipe-layout line here (no Host, message fields only those of
	// Kind), so a pipe line after it overwrites the header instead of clearing everything.
	reuse bool
}

// ThreadKey is the (pid, tid) pair that ties a call to its result lines.
func (e *Entry) ThreadKey() uint64 { return uint64(e.PID)<<32 | uint64(e.TID) }
