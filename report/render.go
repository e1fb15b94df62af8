package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Formats are the output formats of Write.
var Formats = []string{"text", "json", "csv", "html"}

// Write writes the report in one of Formats.
func Write(w io.Writer, r *Report, format string) error {
	switch format {
	case "text":
		return r.WriteText(w)
	case "json":
		return r.WriteJSON(w)
	case "csv":
		return r.WriteCSV(w)
	case "html":
		return r.WriteHTML(w)
	}
	return fmt.Errorf("unknown format %q (one of %s)", format, strings.Join(Formats, ", "))
}

// WriteJSON writes the report as one indented JSON object, the bytes json.Encoder would
// write with an indent of two blanks. The long lists (users, clients, fraud reports) are
// written element by element rather than built whole in memory first.
func (r *Report) WriteJSON(w io.Writer) error {
	// bw keeps the first write error, which Flush returns: the writes are not checked one by one.
	bw := bufio.NewWriterSize(w, 64<<10)
	put := func(s string) { _, _ = bw.WriteString(s) }
	putBytes := func(b []byte) { _, _ = bw.Write(b) }
	put("{")
	v := reflect.ValueOf(r).Elem()
	first := true
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		if opts == "omitempty" && fv.IsZero() || opts == "omitempty" && (fv.Kind() == reflect.Map || fv.Kind() == reflect.Slice) && fv.Len() == 0 {
			continue
		}
		if !first {
			put(",")
		}
		first = false
		put("\n  ")
		key, _ := json.Marshal(name)
		putBytes(key)
		put(": ")
		if fv.Kind() == reflect.Slice && fv.Len() > 0 {
			put("[")
			var row []byte
			for j := 0; j < fv.Len(); j++ {
				if j > 0 {
					put(",")
				}
				var b []byte
				var err error
				switch e := fv.Index(j).Addr().Interface().(type) {
				case *UserRow:
					row, err = appendRowJSON(row[:0], e.Log, "user", e.User, &e.Counts, e)
					b = row
				case *ClientRow:
					row, err = appendRowJSON(row[:0], e.Log, "client", e.Client, &e.Counts, e)
					b = row
				default:
					b, err = json.MarshalIndent(e, "    ", "  ")
				}
				if err != nil {
					return err
				}
				put("\n    ")
				putBytes(b)
			}
			put("\n  ]")
			continue
		}
		b, err := json.MarshalIndent(fv.Interface(), "  ", "  ")
		if err != nil {
			return err
		}
		putBytes(b)
	}
	put("\n}\n")
	return bw.Flush()
}

// appendRowJSON appends a users or clients row (row, whose log, name and counts are given)
// as json.MarshalIndent(row, "    ", "  ") writes it, without reflection: these tables are
// most of a report's JSON. A row with a time JSON cannot hold is left to MarshalIndent.
func appendRowJSON(b []byte, log, nameKey, name string, c *Counts, row any) ([]byte, error) {
	for _, t := range []*time.Time{c.FirstSeen, c.LastSeen} {
		if t != nil && (t.Year() < 0 || t.Year() > 9999) {
			return json.MarshalIndent(row, "    ", "  ")
		}
	}
	const field = ",\n      \""
	b = append(b, "{\n      \"log\": "...)
	b = appendJSONString(b, log)
	b = append(append(append(b, field...), nameKey...), "\": "...)
	b = appendJSONString(b, name)
	for _, f := range []struct {
		key string
		n   int64
	}{
		{"requests", c.Requests}, {"duplicates", c.Duplicates}, {"prompted_twice", c.PromptedTwice},
		{"failures", c.Failures}, {"fraud", c.Fraud}, {"abandoned", c.Abandoned}, {"not_performed", c.NotPerformed},
	} {
		b = append(append(append(b, field...), f.key...), "\": "...)
		b = strconv.AppendInt(b, f.n, 10)
	}
	for _, f := range []struct {
		key string
		t   *time.Time
	}{{"first_seen", c.FirstSeen}, {"last_seen", c.LastSeen}} {
		if f.t != nil {
			b = append(append(append(b, field...), f.key...), "\": \""...)
			b = append(f.t.AppendFormat(b, time.RFC3339Nano), '"')
		}
	}
	return append(b, "\n    }"...), nil
}

// appendJSONString appends s as encoding/json writes a string: printable ASCII as it is,
// anything else by json.Marshal (which escapes <, > and &, control characters and invalid UTF-8).
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// csvHeader is the users table's columns in CSV.
var csvHeader = []string{"log", "user", "requests", "duplicates", "prompted_twice", "failures",
	"fraud", "abandoned", "not_performed", "first_seen", "last_seen"}

// WriteCSV writes the users table, one row per log and user, with a header line. A cell that
// a spreadsheet would take for a formula (it starts with =, +, -, @, a tab or a carriage
// return: user names are whatever a client sent) is prefixed with a quote mark.
//
// A row whose cells need no quotes (nearly all) is written directly, the bytes encoding/csv
// would write; any other through encoding/csv.
func (r *Report) WriteCSV(w io.Writer) error {
	// bw keeps the first write error, which Flush returns.
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	cw.Flush()
	var line []byte
	for i := range r.Users {
		u := &r.Users[i]
		user := csvSafe(u.User)
		if !plainCSV(u.Log) || !plainCSV(user) {
			if err := cw.Write(UserCSV(*u)); err != nil {
				return err
			}
			cw.Flush()
			continue
		}
		line = append(append(append(line[:0], u.Log...), ','), user...)
		for _, n := range []int64{u.Requests, u.Duplicates, u.PromptedTwice, u.Failures, u.Fraud, u.Abandoned, u.NotPerformed} {
			line = strconv.AppendInt(append(line, ','), n, 10)
		}
		for _, t := range []*time.Time{u.FirstSeen, u.LastSeen} {
			line = append(line, ',')
			if t != nil {
				line = t.UTC().AppendFormat(line, time.RFC3339Nano)
			}
		}
		_, _ = bw.Write(append(line, '\n'))
	}
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// plainCSV reports whether encoding/csv writes s as it is, without quotes: printable ASCII
// without a quote mark or a comma, not starting with a blank, and not \. (for the sake of
// PostgreSQL).
func plainCSV(s string) bool {
	if s == `\.` || s != "" && s[0] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == ',' {
			return false
		}
	}
	return true
}

// UserCSV is the CSV record of a user row.
func UserCSV(u UserRow) []string {
	return []string{u.Log, csvSafe(u.User), itoa(u.Requests), itoa(u.Duplicates), itoa(u.PromptedTwice),
		itoa(u.Failures), itoa(u.Fraud), itoa(u.Abandoned), itoa(u.NotPerformed),
		rfc3339(u.FirstSeen), rfc3339(u.LastSeen)}
}

func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func rfc3339(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// clean makes a string from a log safe to print on a console: control characters and
// invalid UTF-8 become '?', so that a user name cannot move the cursor or recolour a terminal.
func clean(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1, r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0,
			r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}
