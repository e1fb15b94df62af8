package logparse

import (
	"encoding/binary"
	"strconv"
)

// Method is how the person was asked for their second factor.
type Method uint8

const (
	MethodOther Method = iota
	MethodPhoneCall
	MethodTextMessage
	MethodMobileApp
	MethodOATHToken
	MethodVoiceprint
	MethodSecurityQuestions
	MethodCache
	MethodBypass
	MethodNone
)

// Methods lists every method, for pre-creating label values.
var Methods = [...]Method{MethodPhoneCall, MethodTextMessage, MethodMobileApp, MethodOATHToken,
	MethodVoiceprint, MethodSecurityQuestions, MethodCache, MethodBypass, MethodNone, MethodOther}

var methodNames = [...]string{"other", "phone_call", "text_message", "mobile_app", "oath_token",
	"voiceprint", "security_questions", "cache", "bypass", "none"}

// String is the metric label value of the method.
func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return "other"
}

// Interactive reports whether the method prompts the person (a call, a text, an app
// notification, a code, a voiceprint or questions), as opposed to a cache hit, a bypass or none.
func (m Method) Interactive() bool {
	switch m {
	case MethodPhoneCall, MethodTextMessage, MethodMobileApp, MethodOATHToken,
		MethodVoiceprint, MethodSecurityQuestions:
		return true
	}
	return false
}

// Result is the outcome of an authentication.
type Result uint8

const (
	ResultUnknown Result = iota
	ResultSuccess
	ResultFailure
	ResultPending
)

// Results lists every result, for pre-creating label values.
var Results = [...]Result{ResultSuccess, ResultFailure, ResultPending, ResultUnknown}

var resultNames = [...]string{"unknown", "success", "failure", "pending"}

// String is the metric label value of the result.
func (r Result) String() string {
	if int(r) < len(resultNames) {
		return resultNames[r]
	}
	return "unknown"
}

// CodeUnknown is the code of a status line whose constant and description are both unknown
// (a Pfauth line has no number to fall back on). Its label value is "unknown".
const CodeUnknown = -1 << 31

// Status is one call status: the three spellings of it and how it is counted.
type Status struct {
	Code        int
	Constant    string // empty where no public source gives one
	Description string
	Method      Method
	Default     Result // for lines that carry no verdict of their own
}

// CodeLabel is the metric label value of the code: its number, or "unknown".
func (s Status) CodeLabel() string { return CodeLabel(s.Code) }

// CodeLabel formats a code as a metric label value.
func CodeLabel(code int) string {
	if code == CodeUnknown {
		return "unknown"
	}
	return strconv.Itoa(code)
}

// Result applies the one result rule: pending codes stay pending; otherwise the line's
// verdict wins; otherwise the table's default.
func (s Status) Result(v Verdict) Result {
	if s.Default == ResultPending {
		return ResultPending
	}
	switch v {
	case VerdictSuccess:
		return ResultSuccess
	case VerdictFailure:
		return ResultFailure
	}
	return s.Default
}

const (
	minCode = -104
	maxCode = 150
)

// statusLookup indexes statusTable by each of its spellings.
type statusLookup struct {
	byCode        [maxCode - minCode + 1]int16 // index+1 into statusTable; 0 = unknown
	byConstant    map[string]int
	byDescription map[string]int // exact spelling, lowest code first
	byLowerDesc   map[string]int // case-folded, for lines that differ in case
}

var lookup = buildStatusLookup()

func buildStatusLookup() *statusLookup {
	l := &statusLookup{
		byConstant:    make(map[string]int),
		byDescription: make(map[string]int),
		byLowerDesc:   make(map[string]int),
	}
	addDesc := func(desc string, i int) {
		if j, ok := l.byDescription[desc]; !ok || statusTable[i].Code < statusTable[j].Code {
			l.byDescription[desc] = i
		}
		low := string(appendLower(nil, []byte(desc)))
		if j, ok := l.byLowerDesc[low]; !ok || statusTable[i].Code < statusTable[j].Code {
			l.byLowerDesc[low] = i
		}
	}
	for i, s := range statusTable {
		l.byCode[s.Code-minCode] = int16(i + 1)
		if s.Constant != "" {
			l.byConstant[s.Constant] = i
		}
		addDesc(s.Description, i)
	}
	for desc, code := range descriptionAliases {
		addDesc(desc, int(l.byCode[code-minCode])-1)
	}
	return l
}

// Statuses returns every known status, in table order.
func Statuses() []Status { return append([]Status(nil), statusTable[:]...) }

// LookupCode returns the status of a number. An unknown number still decodes: method other,
// default result unknown, and ok false.
func LookupCode(code int) (s Status, ok bool) {
	if code >= minCode && code <= maxCode {
		if i := lookup.byCode[code-minCode]; i != 0 {
			return statusTable[i-1], true
		}
	}
	return Status{Code: code, Method: MethodOther, Default: ResultUnknown}, false
}

// LookupConstant returns the status of a constant such as SUCCESS_PHONE_APP_AUTHENTICATED.
func LookupConstant(constant []byte) (Status, bool) {
	if i, ok := lookup.byConstant[string(constant)]; ok {
		return statusTable[i], true
	}
	return unknownStatus(), false
}

// LookupDescription returns the status of a description such as "Mobile App Authenticated".
// A description that several codes share ("Used Cache") maps to the lowest code. Case is ignored.
func LookupDescription(desc []byte) (Status, bool) {
	if i, ok := lookup.byDescription[string(desc)]; ok {
		return statusTable[i], true
	}
	var buf [64]byte
	if len(desc) <= len(buf) {
		if i, ok := lookup.byLowerDesc[string(appendLower(buf[:0], desc))]; ok {
			return statusTable[i], true
		}
	}
	return unknownStatus(), false
}

func unknownStatus() Status {
	return Status{Code: CodeUnknown, Method: MethodOther, Default: ResultUnknown}
}

// appendLower appends b to dst with ASCII letters folded to lower case. The duplicate
// detector folds the user of every request, so it works eight bytes at a time: names mix
// cases, and branching on each byte mispredicts.
func appendLower(dst, b []byte) []byte {
	n := len(dst)
	dst = append(dst, b...)
	f := dst[n:]
	if len(f) < 8 {
		for i, c := range f {
			if 'A' <= c && c <= 'Z' {
				f[i] = c + 'a' - 'A'
			}
		}
		return dst
	}
	for i := 0; i+8 <= len(f); i += 8 {
		lower8(f[i:])
	}
	lower8(f[len(f)-8:]) // the rest, overlapping: folding twice changes nothing
	return dst
}

// lower8 folds the ASCII letters among the eight bytes at the start of b to lower case.
func lower8(b []byte) {
	const ones = 0x0101010101010101
	w := binary.LittleEndian.Uint64(b)
	h := w & (0x7F * ones) // below 0x80, so adding less than 0x80 stays within each byte
	upper := (h + (0x80-'A')*ones) &^ (h + (0x80-'Z'-1)*ones) &^ w & (0x80 * ones)
	binary.LittleEndian.PutUint64(b, w|upper>>2) // 0x80>>2 is 'a'-'A'
}
