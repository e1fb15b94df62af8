package loggen

import (
	"encoding/csv"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// Truth is what `azuremfa_exporter report` must show for a generated log, beside the metric
// values: one row per user and per client address of the log, and the counts per minute of
// log time. Like the metric values, it is counted by the tracker from what was written,
// with the exporter's rules.
type Truth struct {
	Log string
	// Users are keyed as the report keys them: ASCII case folded. Name is the user as first
	// written; "" holds results with no request line (orphans).
	Users []TruthRow
	// Clients are the addresses of Pfauth and "not performed" lines, without their port.
	Clients []TruthRow
	// Minutes count by the minute in which the request started, in order.
	Minutes []TruthMinute
}

// TruthRow is what one user (or client) did in the log.
type TruthRow struct {
	Name                                                                          string
	Requests, Duplicates, PromptedTwice, Failures, Fraud, Abandoned, NotPerformed int
	// FirstSeen and LastSeen: the first and last request (or not performed line, or orphan
	// result).
	FirstSeen, LastSeen time.Time
}

// TruthMinute counts the requests of one minute and how they ended.
type TruthMinute struct {
	Start                                 time.Time
	Requests, Failures, Duplicates, Fraud int
}

// truthRow is a TruthRow while counting, with times in µs.
type truthRow struct {
	TruthRow
	first, last int64
	seenAny     bool
}

// truthTables counts the truth of one log.
type truthTables struct {
	users, clients map[string]*truthRow
	minutes        map[int64]*TruthMinute
}

func newTruthTables() truthTables {
	return truthTables{users: map[string]*truthRow{}, clients: map[string]*truthRow{}, minutes: map[int64]*TruthMinute{}}
}

func getRow(m map[string]*truthRow, name string) *truthRow {
	k := foldUser(name)
	r := m[k]
	if r == nil {
		r = &truthRow{TruthRow: TruthRow{Name: name}}
		m[k] = r
	}
	return r
}

func (r *truthRow) seen(t int64) {
	if !r.seenAny || t < r.first {
		r.first = t
	}
	if !r.seenAny || t > r.last {
		r.last = t
	}
	r.seenAny = true
}

func (tt *truthTables) minute(t int64) *TruthMinute {
	k := t / 60e6
	if t < 0 && t%60e6 != 0 {
		k--
	}
	m := tt.minutes[k]
	if m == nil {
		m = &TruthMinute{Start: time.UnixMicro(k * 60e6).UTC()}
		tt.minutes[k] = m
	}
	return m
}

// clientHost is the address of "from <addr>" as the exporter keeps it: an IPv4 address or a
// host without its port; a bare IPv6 address as it is.
func clientHost(addr string) string {
	if i := strings.IndexByte(addr, ':'); i >= 0 && strings.IndexByte(addr[i+1:], ':') < 0 {
		return addr[:i]
	}
	return addr
}

// request counts a request (a call or a Pfauth line) of user from client ("" if none) at t.
func (tt *truthTables) request(user, client string, t int64) {
	r := getRow(tt.users, user)
	r.Requests++
	r.seen(t)
	if client != "" {
		c := getRow(tt.clients, clientHost(client))
		c.Requests++
		c.seen(t)
	}
	tt.minute(t).Requests++
}

// seen marks user seen at t (an orphan result).
func (tt *truthTables) seen(user, client string, t int64) {
	getRow(tt.users, user).seen(t)
	if client != "" {
		getRow(tt.clients, clientHost(client)).seen(t)
	}
}

// ended counts how a request of user (from client) that started at start ended.
func (tt *truthTables) ended(user, client string, start int64, st logparse.Status, res logparse.Result, duplicate bool) {
	count := func(r *truthRow) {
		if res == logparse.ResultFailure {
			r.Failures++
		}
		if st.Code == 112 || st.Code == 132 {
			r.Fraud++
		}
		if duplicate {
			r.Duplicates++
			if handlingOf(st) == logparse.HandlingPrompted {
				r.PromptedTwice++
			}
		}
	}
	count(getRow(tt.users, user))
	if client != "" {
		count(getRow(tt.clients, clientHost(client)))
	}
	m := tt.minute(start)
	if res == logparse.ResultFailure {
		m.Failures++
	}
	if st.Code == 112 || st.Code == 132 {
		m.Fraud++
	}
	if duplicate {
		m.Duplicates++
	}
}

// abandoned counts a request of user (folded) that never got its result.
func (tt *truthTables) abandoned(user string, start int64, duplicate bool) {
	r := getRow(tt.users, user)
	r.Abandoned++
	if duplicate {
		r.Duplicates++
		tt.minute(start).Duplicates++
	}
}

// notPerformed counts a "Pfauth not performed" line.
func (tt *truthTables) notPerformed(user, client string, t int64) {
	r := getRow(tt.users, user)
	r.NotPerformed++
	r.seen(t)
	c := getRow(tt.clients, clientHost(client))
	c.NotPerformed++
	c.seen(t)
}

func (tt *truthTables) result(log string) *Truth {
	t := &Truth{Log: log}
	rows := func(m map[string]*truthRow) []TruthRow {
		out := make([]TruthRow, 0, len(m))
		for _, r := range m {
			row := r.TruthRow
			if r.seenAny {
				row.FirstSeen, row.LastSeen = time.UnixMicro(r.first).UTC(), time.UnixMicro(r.last).UTC()
			}
			out = append(out, row)
		}
		sort.Slice(out, func(i, j int) bool { return foldUser(out[i].Name) < foldUser(out[j].Name) })
		return out
	}
	t.Users, t.Clients = rows(tt.users), rows(tt.clients)
	for _, m := range tt.minutes {
		t.Minutes = append(t.Minutes, *m)
	}
	sort.Slice(t.Minutes, func(i, j int) bool { return t.Minutes[i].Start.Before(t.Minutes[j].Start) })
	return t
}

// UsersCSVHeader is the header of WriteUsersCSV, the columns of `azuremfa_exporter report
// --format csv`.
var UsersCSVHeader = []string{"log", "user", "requests", "duplicates", "prompted_twice", "failures",
	"fraud", "abandoned", "not_performed", "first_seen", "last_seen"}

// WriteUsersCSV writes the users as `azuremfa_exporter report --format csv` writes them (rows
// in another order: sort both to compare), a header line first unless header is false.
func (t *Truth) WriteUsersCSV(w io.Writer, header bool) error {
	cw := csv.NewWriter(w)
	if header {
		if err := cw.Write(UsersCSVHeader); err != nil {
			return err
		}
	}
	for _, u := range t.Users {
		name := u.Name
		if name != "" && strings.ContainsRune("=+-@\t\r", rune(name[0])) {
			name = "'" + name // as the report guards a cell a spreadsheet would take for a formula
		}
		rec := []string{t.Log, name}
		for _, n := range []int{u.Requests, u.Duplicates, u.PromptedTwice, u.Failures, u.Fraud, u.Abandoned, u.NotPerformed} {
			rec = append(rec, strconv.Itoa(n))
		}
		for _, tm := range []time.Time{u.FirstSeen, u.LastSeen} {
			s := ""
			if !tm.IsZero() {
				s = tm.Format(time.RFC3339Nano)
			}
			rec = append(rec, s)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
