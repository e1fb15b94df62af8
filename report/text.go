package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// textWriter writes the text report into a bufio.Writer, which keeps the first write error;
// WriteText returns it from Flush, so the writes are not checked one by one.
type textWriter struct{ b *bufio.Writer }

func (w textWriter) printf(format string, a ...any) { _, _ = fmt.Fprintf(w.b, format, a...) }
func (w textWriter) println(a ...any)               { _, _ = fmt.Fprintln(w.b, a...) }
func (w textWriter) print(a ...any)                 { _, _ = fmt.Fprint(w.b, a...) }
func (w textWriter) str(s string)                   { _, _ = w.b.WriteString(s) }

// textWidth is the width the text report fits in: a console on the MFA server.
const textWidth = 100

// column is one column of a text table.
type column struct {
	head  string
	right bool // numbers: aligned right
	max   int  // the widest it may be (0: as wide as its cells)
	flex  bool // shrunk first when the table is too wide
	wrap  bool // the last column: a long cell goes on over the next lines instead of being cut
}

// textTable is a table of the text report: columns sized to their cells, the flexible ones
// cut (with …) so that a row fits in textWidth.
type textTable struct {
	indent int
	cols   []column
	rows   [][]string
}

func (t *textTable) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *textTable) write(w textWriter) {
	widths := make([]int, len(t.cols))
	for i, c := range t.cols {
		widths[i] = runeLen(c.head)
		for _, r := range t.rows {
			if i < len(r) {
				widths[i] = max(widths[i], runeLen(r[i]))
			}
		}
		if c.max > 0 {
			widths[i] = min(widths[i], c.max)
		}
	}
	total := t.indent + len(widths) - 1
	for _, n := range widths {
		total += n
	}
	for i, c := range t.cols {
		if total <= textWidth {
			break
		}
		if c.flex {
			cut := min(total-textWidth, widths[i]-max(runeLen(c.head), 8))
			if cut > 0 {
				widths[i] -= cut
				total -= cut
			}
		}
	}
	line := func(cells []string) {
		if last := len(t.cols) - 1; t.cols[last].wrap && last < len(cells) && runeLen(cells[last]) > widths[last] {
			// Emit the cell in pieces, the first on this line and the rest on lines of their own.
			for i, piece := range wrapWords(cells[last], widths[last]) {
				row := make([]string, len(t.cols))
				if i == 0 {
					copy(row, cells)
				}
				row[last] = piece
				t.writeLine(w, widths, row)
			}
			return
		}
		t.writeLine(w, widths, cells)
	}
	heads := make([]string, len(t.cols))
	for i, c := range t.cols {
		heads[i] = c.head
	}
	line(heads)
	for _, r := range t.rows {
		line(r)
	}
}

// writeLine writes one row at the given widths.
func (t *textTable) writeLine(w textWriter, widths []int, cells []string) {
	{
		var b strings.Builder
		b.WriteString(strings.Repeat(" ", t.indent))
		for i, c := range t.cols {
			cell := ""
			if i < len(cells) {
				cell = fit(cells[i], widths[i])
			}
			pad := strings.Repeat(" ", widths[i]-runeLen(cell))
			if i > 0 {
				b.WriteByte(' ')
			}
			if c.right {
				b.WriteString(pad + cell)
			} else if i < len(t.cols)-1 {
				b.WriteString(cell + pad)
			} else {
				b.WriteString(cell)
			}
		}
		w.str(strings.TrimRight(b.String(), " ") + "\n")
	}
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// wrapWords cuts s into lines of at most width runes, at blanks where it can.
func wrapWords(s string, width int) []string {
	var lines []string
	rs := []rune(s)
	for len(rs) > width {
		cut := width
		for i := width; i > width/2; i-- {
			if rs[i] == ' ' {
				cut = i
				break
			}
		}
		lines = append(lines, strings.TrimRight(string(rs[:cut]), " "))
		rs = rs[cut:]
		for len(rs) > 0 && rs[0] == ' ' {
			rs = rs[1:]
		}
	}
	if len(rs) > 0 || len(lines) == 0 {
		lines = append(lines, string(rs))
	}
	return lines
}

// fit cuts s to n runes, marking the cut with an ellipsis.
func fit(s string, n int) string {
	if runeLen(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func num(n int64) string { return strconv.FormatInt(n, 10) }

// shortTime is a time in the text report: to the minute, UTC.
func shortTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func longTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

func seconds(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }

// userName is how a user is shown in the text and HTML reports.
func userName(u string) string {
	if u == "" {
		return "(no user)"
	}
	return clean(u)
}

// topN returns the first n rows (all when n is 0).
func topN[T any](rows []T, n int) []T {
	if n > 0 && len(rows) > n {
		return rows[:n]
	}
	return rows
}

// ranked returns the rows with a positive key, largest key first, then as they were.
func ranked[T any](rows []T, key func(T) int64) []T {
	var out []T
	for _, r := range rows {
		if key(r) > 0 {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b T) int {
		ka, kb := key(a), key(b)
		switch {
		case ka > kb:
			return -1
		case ka < kb:
			return 1
		}
		return 0
	})
	return out
}

// WriteText writes the report as aligned tables that fit in 100 columns.
func (r *Report) WriteText(out io.Writer) error {
	bw := bufio.NewWriter(out)
	w := textWriter{bw}
	top := r.Settings.Top
	heading := func(s string) { w.printf("\n== %s ==\n", s) }
	sub := func(s string) { w.printf("\n%s\n", s) }

	w.println("Azure MFA Server log report")
	w.printf("Logs:     %s\n", strings.Join(r.Logs, ", "))
	w.printf("Range:    %s\n", r.rangeText())
	w.printf("Rules:    duplicate window %s, request timeout %s", dur(r.Settings.DuplicateWindowSeconds), dur(r.Settings.AuthTimeoutSeconds))
	if r.Anonymized {
		w.print("; anonymized (user names and clients are pseudonyms)")
	}
	w.println()

	// Coverage.
	heading("Coverage")
	var entries int64
	t := &textTable{cols: []column{{head: "log"}, {head: "lines", right: true}, {head: "malformed", right: true},
		{head: "entries", right: true}, {head: "understood", right: true}, {head: "not understood", right: true},
		{head: "unknown", right: true}, {head: "errors", right: true}}}
	for _, l := range r.Logs {
		c := r.Coverage[l]
		entries += c.Entries
		t.add(l, num(c.Lines), num(c.Malformed), num(c.Entries), num(c.Understood)+pct(c.Understood, c.Entries),
			num(c.NotUnderstood), num(c.Unknown), num(c.Errors))
	}
	t.write(w)
	w.println("Understood: a message the parser decodes (request, result, Pfauth, primary auth, OATH,")
	w.println("audit). Not understood: unknown templates and error lines, listed below.")

	sub("Files read (oldest first)")
	t = &textTable{cols: []column{{head: "log"}, {head: "file", flex: true}, {head: "bytes", right: true},
		{head: "encoding"}, {head: "lines", right: true}, {head: "status"}}}
	for _, l := range r.Logs {
		for _, f := range r.Coverage[l].Files {
			status := f.Status
			if f.Reason != "" {
				status += ": " + f.Reason
			}
			t.add(l, clean(f.Path), num(f.Bytes), f.Encoding, num(f.Lines), clean(status))
		}
	}
	t.write(w)
	for _, l := range r.Logs {
		for _, n := range r.Coverage[l].Notes {
			for _, line := range wrapWords(clean(l+": "+n), textWidth) {
				w.println(line)
			}
		}
	}

	sub("Entries by level and by kind")
	t = &textTable{cols: []column{{head: "log"}, {head: "levels"}, {head: "kinds", flex: true}}}
	for _, l := range r.Logs {
		c := r.Coverage[l]
		t.add(l, mapText(c.Levels), mapText(c.Kinds))
	}
	t.write(w)
	var health []string
	for _, l := range r.Logs {
		c := r.Coverage[l]
		if c.TimeJumps+c.Evicted+c.ForgottenUsers > 0 {
			health = append(health, fmt.Sprintf("%s: clock set back %d times, %d requests evicted by the cap on open requests, %d users forgotten by the cap on remembered users",
				l, c.TimeJumps, c.Evicted, c.ForgottenUsers))
		}
		if len(c.MalformedReasons) > 0 {
			health = append(health, fmt.Sprintf("%s: malformed lines by reason: %s", l, mapText(c.MalformedReasons)))
		}
	}
	for _, h := range health {
		w.println(fit(h, textWidth))
	}

	templates := func(title string, get func(*Coverage) ([]Template, int64), times bool) {
		sub(title)
		t := &textTable{cols: []column{{head: "log"}, {head: "count", right: true}}}
		if times {
			t.cols = append(t.cols, column{head: "first seen"}, column{head: "last seen"})
		}
		t.cols = append(t.cols, column{head: "template / e.g. example", flex: true, wrap: true})
		found := false
		for _, l := range r.Logs {
			list, other := get(r.Coverage[l])
			for _, tp := range topN(list, top) {
				found = true
				row := []string{l, num(tp.Count)}
				if times {
					row = append(row, shortTime(tp.FirstSeen), shortTime(tp.LastSeen))
				}
				t.add(append(row, clean(tp.Template))...)
				if tp.Example != tp.Template {
					ex := make([]string, len(row))
					t.add(append(ex, "e.g. "+clean(tp.Example))...)
				}
			}
			if n := len(list) - len(topN(list, top)); n > 0 || other > 0 {
				row := make([]string, len(t.cols)-1)
				row[0] = l
				t.add(append(row, fmt.Sprintf("… and %d more templates, %d lines beyond the cap", n, other))...)
			}
		}
		if found {
			t.write(w)
		} else {
			w.println("  none")
		}
	}
	templates("Unknown message templates (what the parser does not recognise; most frequent first)",
		func(c *Coverage) ([]Template, int64) { return c.UnknownTemplates, c.UnknownOther }, false)
	templates("Error templates (***** ERROR ***** lines and other lines at level e)",
		func(c *Coverage) ([]Template, int64) { return c.ErrorTemplates, c.ErrorOther }, true)
	templates("Malformed line templates (lines without the log layout)",
		func(c *Coverage) ([]Template, int64) { return c.MalformedTemplates, c.MalformedOther }, false)

	// Summary.
	heading("Summary")
	if entries == 0 {
		w.println("The logs hold no entry" + map[bool]string{true: " in the range", false: ""}[r.Range.Since != nil || r.Range.Until != nil] + ": nothing to count.")
	}
	t = &textTable{cols: []column{{head: "log"}, {head: "requests", right: true}, {head: "success", right: true},
		{head: "failure", right: true}, {head: "pending", right: true}, {head: "unknown", right: true},
		{head: "cache hits", right: true}, {head: "abandoned", right: true}, {head: "orphans", right: true},
		{head: "in flight", right: true}}}
	for _, l := range r.Logs {
		s := r.Summary[l]
		t.add(l, num(s.Requests), num(s.Results["success"]), num(s.Results["failure"]), num(s.Results["pending"]),
			num(s.Results["unknown"]), num(s.CacheHits), num(s.Abandoned), num(s.Orphans), num(s.InFlight))
	}
	t.write(w)

	sub("Duplicate requests (the same user again within the duplicate window), by handling")
	t = &textTable{cols: []column{{head: "log"}, {head: "duplicates", right: true}, {head: "prompted again", right: true},
		{head: "cached", right: true}, {head: "rejected (101)", right: true}, {head: "other", right: true},
		{head: "not performed", right: true}}}
	for _, l := range r.Logs {
		s := r.Summary[l]
		d := s.Duplicates
		t.add(l, num(d["prompted"]+d["cached"]+d["rejected"]+d["other"]), num(d["prompted"]), num(d["cached"]),
			num(d["rejected"]), num(d["other"]), num(s.NotPerformed))
	}
	t.write(w)

	sub("Results by code, per log")
	t = &textTable{cols: []column{{head: "code", right: true}, {head: "method"}, {head: "result"}}}
	for _, l := range r.Logs {
		t.cols = append(t.cols, column{head: l, right: true})
	}
	t.cols = append(t.cols, column{head: "description (constant)", flex: true})
	for _, c := range r.codeRows() {
		row := []string{codeText(c.Code), c.Method, c.Result}
		for _, n := range c.Counts {
			row = append(row, num(n))
		}
		t.add(append(row, codeDescription(c.Code))...)
	}
	t.write(w)

	sub("Answer time in seconds, by method (exact nearest-rank percentiles of every answer)")
	t = &textTable{cols: []column{{head: "log"}, {head: "method"}, {head: "answers", right: true},
		{head: "p50", right: true}, {head: "p90", right: true}, {head: "p99", right: true}, {head: "max", right: true}, {head: ""}}}
	for _, l := range r.Logs {
		for _, a := range r.Summary[l].AnswerTimes {
			note := ""
			if !a.Exact {
				note = "(from a sample)"
			}
			t.add(l, a.Method, num(a.Count), seconds(a.P50Seconds), seconds(a.P90Seconds), seconds(a.P99Seconds), seconds(a.MaxSeconds), note)
		}
	}
	t.write(w)

	sub("Other messages")
	t = &textTable{cols: []column{{head: "log"}, {head: "primary auth ok/failed"}, {head: "OATH validations by code", flex: true}, {head: "admin changes"}}}
	for _, l := range r.Logs {
		s := r.Summary[l]
		var oath []string
		for _, c := range s.OATH {
			oath = append(oath, codeText(c)+"="+num(c.Count))
		}
		t.add(l, num(s.PrimaryAuth["success"])+"/"+num(s.PrimaryAuth["failure"]), orDash(strings.Join(oath, " ")),
			fmt.Sprintf("%d changed %d added %d deleted", s.AdminChanges["changed"], s.AdminChanges["added"], s.AdminChanges["deleted"]))
	}
	t.write(w)

	// Users.
	heading("Users")
	w.printf("%d users over %d logs (names that differ only in case are one user); top %s by requests (reqs).\n",
		len(r.Users), len(r.Logs), topText(top))
	w.println("dups: duplicate requests; twice: those that prompted again; aband: abandoned; n/p: not performed.")
	r.beyondText(w, r.UsersBeyondCap, "users")
	userTable := func(rows []UserRow) {
		t := &textTable{cols: userColumns("user")}
		for _, u := range rows {
			t.add(countCells(u.Log, userName(u.User), &u.Counts)...)
		}
		if len(rows) == 0 {
			w.println("  none")
			return
		}
		t.write(w)
	}
	userTable(topN(r.Users, top))
	sub("Most prompted twice (a duplicate request that asked the person again)")
	userTable(topN(ranked(r.Users, func(u UserRow) int64 { return u.PromptedTwice }), top))
	sub("Most failures")
	userTable(topN(ranked(r.Users, func(u UserRow) int64 { return u.Failures }), top))
	sub("Fraud reports (every one: codes 112 and 132)")
	if len(r.FraudReports) == 0 {
		w.println("  none")
	} else {
		t = &textTable{cols: []column{{head: "time"}, {head: "log"}, {head: "user", flex: true}, {head: "client"},
			{head: "code", right: true}, {head: "description"}}}
		for _, f := range r.FraudReports {
			t.add(longTime(f.Time), f.Log, userName(f.User), orDash(clean(f.Client)), strconv.Itoa(f.Code), f.Description)
		}
		t.write(w)
		if r.FraudReportsLeftOut > 0 {
			w.printf("… and %d more fraud reports beyond the cap on the list.\n", r.FraudReportsLeftOut)
		}
	}

	// Clients.
	heading("Clients")
	w.printf("%d client addresses (from lines that name one: Pfauth and \"not performed\"); top %s by requests.\n",
		len(r.Clients), topText(top))
	r.beyondText(w, r.ClientsBeyondCap, "clients")
	if len(r.Clients) == 0 {
		w.println("  none")
	} else {
		t = &textTable{cols: userColumns("client")}
		for _, c := range topN(r.Clients, top) {
			t.add(countCells(c.Log, clean(c.Client), &c.Counts)...)
		}
		t.write(w)
	}

	// Timeline.
	heading("Timeline")
	if len(r.Timeline.Points) == 0 {
		w.println("  no requests")
	} else {
		w.printf("%d intervals of %s (UTC), all logs.\n", len(r.Timeline.Points), dur(float64(r.Timeline.StepSeconds)))
		var peak int64
		for _, p := range r.Timeline.Points {
			peak = max(peak, p.Requests)
		}
		t = &textTable{cols: []column{{head: "start"}, {head: "requests", right: true}, {head: "failures", right: true},
			{head: "duplicates", right: true}, {head: "fraud", right: true}, {head: "requests"}}}
		for _, p := range r.Timeline.Points {
			t.add(shortTime(&p.Start), num(p.Requests), num(p.Failures), num(p.Duplicates), num(p.Fraud), bar(p.Requests, peak, 40))
		}
		t.write(w)
	}
	return bw.Flush()
}

func userColumns(name string) []column {
	return []column{{head: "log"}, {head: name, flex: true, max: 40}, {head: "reqs", right: true},
		{head: "dups", right: true}, {head: "twice", right: true}, {head: "fail", right: true},
		{head: "fraud", right: true}, {head: "aband", right: true}, {head: "n/p", right: true},
		{head: "first seen"}, {head: "last seen"}}
}

func countCells(log, name string, c *Counts) []string {
	return []string{log, name, num(c.Requests), num(c.Duplicates), num(c.PromptedTwice), num(c.Failures),
		num(c.Fraud), num(c.Abandoned), num(c.NotPerformed), shortTime(c.FirstSeen), shortTime(c.LastSeen)}
}

func (r *Report) beyondText(w textWriter, b map[string]*Beyond, what string) {
	for _, l := range r.Logs {
		if x := b[l]; x != nil {
			w.printf("%s: the table is full (%d rows): %d events of further %s (%d requests, %d failures, %d fraud) are in the totals only.\n",
				l, r.Settings.MaxRows, x.Events, what, x.Requests, x.Failures, x.Fraud)
		}
	}
}

func (r *Report) rangeText() string {
	var b strings.Builder
	if r.Range.FirstEntry == nil {
		b.WriteString("no entries")
	} else {
		fmt.Fprintf(&b, "entries from %s to %s", longTime(*r.Range.FirstEntry), longTime(*r.Range.LastEntry))
	}
	switch {
	case r.Range.Since != nil && r.Range.Until != nil:
		fmt.Fprintf(&b, " (asked: %s to %s)", longTime(*r.Range.Since), longTime(*r.Range.Until))
	case r.Range.Since != nil:
		fmt.Fprintf(&b, " (asked: since %s)", longTime(*r.Range.Since))
	case r.Range.Until != nil:
		fmt.Fprintf(&b, " (asked: until %s)", longTime(*r.Range.Until))
	default:
		b.WriteString(" (all)")
	}
	return b.String()
}

func dur(sec float64) string {
	d := time.Duration(sec * float64(time.Second))
	switch {
	case d >= 7*24*time.Hour && d%(7*24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(7*24*time.Hour)), 10) + "w"
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func pct(n, of int64) string {
	if of == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d%%)", n*100/of)
}

func mapText(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		if m[k] != 0 {
			parts = append(parts, k+"="+num(m[k]))
		}
	}
	return orDash(strings.Join(parts, " "))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func codeText(c Code) string {
	if c.Code == nil {
		return "unknown"
	}
	return strconv.Itoa(*c.Code)
}

func codeName(c Code) string {
	switch {
	case c.Constant != "" && c.Description != "":
		return c.Constant + " " + c.Description
	case c.Description != "":
		return c.Description
	case c.Constant != "":
		return c.Constant
	case c.Code == nil:
		return "(a status the table does not know)"
	}
	return "(not in the status table)"
}

// codeDescription is a code's description with its constant after it, for the text report
// (where a cut then takes the constant, not the description).
func codeDescription(c Code) string {
	if c.Description != "" && c.Constant != "" {
		return c.Description + " (" + c.Constant + ")"
	}
	return codeName(c)
}

func topText(top int) string {
	if top <= 0 {
		return "all"
	}
	return strconv.Itoa(top)
}

// bar is n of peak as a bar of at most width blocks.
func bar(n, peak int64, width int) string {
	if peak <= 0 || n <= 0 {
		return ""
	}
	k := int((n*int64(width) + peak - 1) / peak)
	return strings.Repeat("█", k)
}

// codeRow is one code and result with its count in every log.
type codeRow struct {
	Code   Code // Count is the total
	Method string
	Result string
	Counts []int64 // by r.Logs
}

// codeRows pivots the logs' codes: one row per code, method and result, with a count per
// log, most frequent first.
func (r *Report) codeRows() []codeRow {
	type key struct {
		code           int
		method, result string
	}
	index := map[key]int{}
	var rows []codeRow
	for li, l := range r.Logs {
		for _, c := range r.Summary[l].Codes {
			k := key{codeNum(c), c.Method, c.Result}
			i, ok := index[k]
			if !ok {
				i = len(rows)
				index[k] = i
				cc := c
				cc.Count = 0
				rows = append(rows, codeRow{Code: cc, Method: c.Method, Result: c.Result, Counts: make([]int64, len(r.Logs))})
			}
			rows[i].Counts[li] += c.Count
			rows[i].Code.Count += c.Count
		}
	}
	slices.SortStableFunc(rows, func(a, b codeRow) int {
		switch {
		case a.Code.Count != b.Code.Count:
			if a.Code.Count > b.Code.Count {
				return -1
			}
			return 1
		case codeNum(a.Code) != codeNum(b.Code):
			if codeNum(a.Code) < codeNum(b.Code) {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Result, b.Result)
	})
	return rows
}
