package logparse

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

type tsvRow struct {
	code                          int
	constant, description, method string
	result                        string
	aliases                       []string // "(...)" in the sources column: other spellings
}

func readStatusTSV(t *testing.T) []tsvRow {
	t.Helper()
	f, err := os.Open("testdata/call-status.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // read only
	var rows []tsvRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if n == 1 || strings.TrimSpace(sc.Text()) == "" {
			continue // header
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 6 {
			t.Fatalf("call-status.tsv:%d: %d columns, want 6", n, len(cols))
		}
		code, err := strconv.Atoi(cols[0])
		if err != nil {
			t.Fatalf("call-status.tsv:%d: %v", n, err)
		}
		row := tsvRow{code: code, constant: cols[1], description: cols[2], method: cols[3], result: cols[4]}
		for _, src := range strings.Split(cols[5], ",") {
			if i := strings.IndexByte(src, '('); i >= 0 && strings.HasSuffix(src, ")") {
				row.aliases = append(row.aliases, src[i+1:len(src)-1])
			}
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 75 {
		t.Fatalf("call-status.tsv has %d codes; is it truncated?", len(rows))
	}
	return rows
}

// TestStatusTableMatchesTSV checks statusTable against testdata/call-status.tsv, code by
// code, and that each of the three spellings of a status maps back to its code.
func TestStatusTableMatchesTSV(t *testing.T) {
	rows := readStatusTSV(t)
	if got := len(Statuses()); got != len(rows) {
		t.Errorf("statusTable has %d codes, the TSV %d", got, len(rows))
	}
	lowestByDesc := map[string]int{}
	for _, r := range rows {
		if c, ok := lowestByDesc[r.description]; !ok || r.code < c {
			lowestByDesc[r.description] = r.code
		}
	}
	for i, r := range rows {
		s, ok := LookupCode(r.code)
		if !ok {
			t.Errorf("code %d: not in statusTable", r.code)
			continue
		}
		if i < len(statusTable) && statusTable[i].Code != r.code {
			t.Errorf("statusTable[%d] is code %d, the TSV has %d there", i, statusTable[i].Code, r.code)
		}
		if s.Code != r.code || s.Constant != r.constant || s.Description != r.description ||
			s.Method.String() != r.method || s.Default.String() != r.result {
			t.Errorf("code %d: table {%q %q %v %v}, TSV {%q %q %s %s}", r.code,
				s.Constant, s.Description, s.Method, s.Default, r.constant, r.description, r.method, r.result)
		}
		if r.constant != "" {
			if c, ok := LookupConstant([]byte(r.constant)); !ok || c.Code != r.code {
				t.Errorf("LookupConstant(%q) = %d, %v; want %d", r.constant, c.Code, ok, r.code)
			}
		}
		want := lowestByDesc[r.description]
		for _, d := range []string{r.description, strings.ToLower(r.description), strings.ToUpper(r.description)} {
			if c, ok := LookupDescription([]byte(d)); !ok || c.Code != want {
				t.Errorf("LookupDescription(%q) = %d, %v; want %d", d, c.Code, ok, want)
			}
		}
		for _, a := range r.aliases {
			if c, ok := LookupDescription([]byte(a)); !ok || c.Code != r.code {
				t.Errorf("LookupDescription(alias %q) = %d, %v; want %d", a, c.Code, ok, r.code)
			}
		}
	}
	// The description three cache codes share.
	if c, _ := LookupDescription([]byte("Used Cache")); c.Code != 6 {
		t.Errorf(`LookupDescription("Used Cache") = %d, want 6`, c.Code)
	}
}

func TestStatusUnknown(t *testing.T) {
	for _, code := range []int{145, 148, 999, -7, 0, 26, 99, 151, -99, -105} {
		s, ok := LookupCode(code)
		if ok || s.Code != code || s.Method != MethodOther || s.Default != ResultUnknown ||
			s.Constant != "" || s.Description != "" {
			t.Errorf("LookupCode(%d) = %+v, %v; want an unknown status with its code", code, s, ok)
		}
		if got := s.CodeLabel(); got != strconv.Itoa(code) {
			t.Errorf("code %d: label %q", code, got)
		}
		if got := s.Result(VerdictNone); got != ResultUnknown {
			t.Errorf("code %d with no verdict: %v, want unknown", code, got)
		}
	}
	for _, lookup := range []func([]byte) (Status, bool){LookupConstant, LookupDescription} {
		for _, spelling := range []string{"", "SUCCESS_SOMETHING_NEW", "Something New",
			strings.Repeat("Used Cache", 10)} {
			s, ok := lookup([]byte(spelling))
			if ok || s.Code != CodeUnknown || s.Method != MethodOther || s.Default != ResultUnknown {
				t.Errorf("lookup(%q) = %+v, %v; want unknown", spelling, s, ok)
			}
			if s.CodeLabel() != "unknown" {
				t.Errorf("lookup(%q): label %q, want unknown", spelling, s.CodeLabel())
			}
		}
	}
}

// TestStatusResultRule: pending codes stay pending; otherwise the verdict wins; otherwise the
// table's default.
func TestStatusResultRule(t *testing.T) {
	unknown, _ := LookupCode(145)
	tests := []struct {
		code    int
		verdict Verdict
		want    Result
	}{
		{15, VerdictNone, ResultPending},
		{15, VerdictSuccess, ResultPending},
		{15, VerdictFailure, ResultPending},
		{20, VerdictSuccess, ResultPending},
		{20, VerdictFailure, ResultPending},
		{22, VerdictSuccess, ResultPending},
		{22, VerdictNone, ResultPending},
		{21, VerdictNone, ResultSuccess},
		{21, VerdictFailure, ResultFailure}, // the line's verdict beats the table
		{14, VerdictNone, ResultFailure},
		{14, VerdictSuccess, ResultSuccess},
		{1, VerdictFailure, ResultFailure}, // PIN mode: success or denial by the line
		{1, VerdictSuccess, ResultSuccess},
		{6, VerdictNone, ResultSuccess},
		{129, VerdictNone, ResultFailure},
		{-100, VerdictNone, ResultSuccess},
		{-101, VerdictNone, ResultFailure},
		{-101, VerdictSuccess, ResultSuccess},
	}
	for _, tt := range tests {
		s, ok := LookupCode(tt.code)
		if !ok {
			t.Fatalf("code %d unknown", tt.code)
		}
		if got := s.Result(tt.verdict); got != tt.want {
			t.Errorf("code %d verdict %d: %v, want %v", tt.code, tt.verdict, got, tt.want)
		}
	}
	for v, want := range map[Verdict]Result{VerdictNone: ResultUnknown, VerdictSuccess: ResultSuccess,
		VerdictFailure: ResultFailure} {
		if got := unknown.Result(v); got != want {
			t.Errorf("unknown code, verdict %d: %v, want %v", v, got, want)
		}
	}
	// Exactly the codes 15, 20 and 22 are pending by default.
	var pending []int
	for _, s := range Statuses() {
		if s.Default == ResultPending {
			pending = append(pending, s.Code)
		}
	}
	if len(pending) != 3 || pending[0] != 15 || pending[1] != 20 || pending[2] != 22 {
		t.Errorf("pending codes %v, want [15 20 22]", pending)
	}
}

// TestAppendLower: folding eight bytes at a time gives what folding each byte gives, for
// every byte value at every place of names of every length.
func TestAppendLower(t *testing.T) {
	byteByByte := func(b []byte) []byte {
		out := make([]byte, len(b))
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			out[i] = c
		}
		return out
	}
	for n := range 20 {
		for c := range 256 {
			for at := range n {
				b := []byte(strings.Repeat(`CONTOSO\Jivanova6@`, 2)[:n])
				b[at] = byte(c)
				got := appendLower([]byte("x"), b)
				if want := "x" + string(byteByByte(b)); string(got) != want {
					t.Fatalf("appendLower(%q) = %q, want %q", b, got, want)
				}
			}
		}
	}
}
