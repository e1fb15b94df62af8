package dashboards

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// grafanaDashboard is the part of a dashboard's JSON the checks read.
type grafanaDashboard struct {
	UID           string          `json:"uid"`
	Title         string          `json:"title"`
	SchemaVersion int             `json:"schemaVersion"`
	Inputs        json.RawMessage `json:"__inputs"`
	Panels        []panel         `json:"panels"`
	Templating    struct {
		List []variable `json:"list"`
	} `json:"templating"`
}

type datasourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type panel struct {
	ID          int                      `json:"id"`
	Type        string                   `json:"type"`
	Title       string                   `json:"title"`
	Description string                   `json:"description"`
	Datasource  *datasourceRef           `json:"datasource"`
	GridPos     struct{ X, Y, W, H int } `json:"gridPos"`
	FieldConfig struct {
		Defaults struct {
			Unit string `json:"unit"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	Targets []struct {
		Expr       string         `json:"expr"`
		RefID      string         `json:"refId"`
		Datasource *datasourceRef `json:"datasource"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // a row's panels (collapsed rows keep them here)
}

type variable struct {
	Type       string          `json:"type"`
	Name       string          `json:"name"`
	Query      json.RawMessage `json:"query"` // a string, or {"query": "..."} in newer Grafana
	Datasource *datasourceRef  `json:"datasource"`
}

// queryText is the variable's query whether Grafana stored it as a string or an object.
func (v variable) queryText() string {
	var s string
	if json.Unmarshal(v.Query, &s) == nil {
		return s
	}
	var o struct {
		Query string `json:"query"`
	}
	if json.Unmarshal(v.Query, &o) == nil {
		return o.Query
	}
	return ""
}

var wantDatasource = datasourceRef{Type: "prometheus", UID: "${datasource}"}

func loadDashboards(t *testing.T) map[string]grafanaDashboard {
	t.Helper()
	files, err := filepath.Glob("*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("found %d dashboards (%v), want the overview and the log health", len(files), files)
	}
	out := map[string]grafanaDashboard{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d grafanaDashboard
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[f] = d
	}
	return out
}

// allPanels flattens rows, collapsed or not.
func allPanels(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, allPanels(p.Panels)...)
	}
	return out
}

// labelValuesQuery matches Grafana's label_values(selector, label) and label_values(label).
var labelValuesQuery = regexp.MustCompile(`^\s*label_values\(\s*(?:(.+?)\s*,\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$`)

// variableSelector turns a variable query into a PromQL expression to check, if it has one.
func variableSelector(q string) (string, bool) {
	if m := labelValuesQuery.FindStringSubmatch(q); m != nil {
		return m[1], m[1] != ""
	}
	if inner, ok := strings.CutPrefix(strings.TrimSpace(q), "query_result("); ok {
		return strings.TrimSuffix(strings.TrimSpace(inner), ")"), true
	}
	return q, q != ""
}

// TestDashboardQueries parses every query of every dashboard and checks it names only what
// the exporter publishes, filters on the job, instance and log variables, and reads counters
// only through rate() or increase().
func TestDashboardQueries(t *testing.T) {
	cat := loadCatalogue(t)
	recorded := recordedNames(t)
	for file, d := range loadDashboards(t) {
		nTargets := 0
		for _, p := range allPanels(d.Panels) {
			for _, tg := range p.Targets {
				nTargets++
				where := fmt.Sprintf("%s: panel %q target %s", file, p.Title, tg.RefID)
				uses, err := parseSelectors(tg.Expr)
				if err != nil {
					t.Errorf("%s: %v\n%s", where, err, tg.Expr)
					continue
				}
				if len(uses) == 0 {
					t.Errorf("%s: no selector in %q", where, tg.Expr)
				}
				checkNames(t, where, uses, cat, recorded)
				for _, u := range uses {
					checkVariableMatchers(t, where, u, cat)
					if cat.isCounter(u.name()) && !u.underRate {
						t.Errorf("%s: counter %s is not under rate() or increase()", where, u.name())
					}
					if u.underRate && u.rng != rateIntervalValue && u.rng != rangeValue {
						t.Errorf("%s: rate()/increase() of %s over a fixed range; use $__rate_interval (or $__range)", where, u.name())
					}
				}
			}
		}
		if nTargets == 0 {
			t.Errorf("%s: no queries", file)
		}
		for _, v := range d.Templating.List {
			if v.Type != "query" {
				continue
			}
			expr, ok := variableSelector(v.queryText())
			if !ok {
				t.Errorf("%s: variable %s has no selector in %q", file, v.Name, v.queryText())
				continue
			}
			uses, err := parseSelectors(expr)
			if err != nil {
				t.Errorf("%s: variable %s: %v", file, v.Name, err)
				continue
			}
			checkNames(t, file+": variable "+v.Name, uses, cat, recorded)
		}
	}
}

// checkVariableMatchers: job=~"$job" and instance=~"$instance" on every selector, and
// log=~"$log" where the series has a log label.
func checkVariableMatchers(t *testing.T, where string, u selectorUse, cat catalogue) {
	t.Helper()
	want := []string{"job", "instance"}
	if s, ok := cat[u.name()]; ok && s.labels["log"] {
		want = append(want, "log")
	}
	for _, l := range want {
		typ, val, ok := u.matcher(l)
		if !ok || typ != "=~" || val != "$"+l {
			t.Errorf("%s: %s lacks %s=~\"$%s\"", where, u.sel, l, l)
		}
	}
}

// TestDashboardConventions checks what makes a dashboard importable as is and readable.
func TestDashboardConventions(t *testing.T) {
	uids := map[string]string{}
	for file, d := range loadDashboards(t) {
		// A stable uid, derived from the file name, so links and provisioning survive edits.
		if want := strings.TrimSuffix(file, ".json"); d.UID != want {
			t.Errorf("%s: uid %q, want %q", file, d.UID, want)
		}
		if other, dup := uids[d.UID]; dup {
			t.Errorf("%s: uid %q also used by %s", file, d.UID, other)
		}
		uids[d.UID] = file
		if d.Title == "" {
			t.Errorf("%s: no title", file)
		}
		if d.SchemaVersion < 39 {
			t.Errorf("%s: schemaVersion %d, want 39 or later", file, d.SchemaVersion)
		}
		// "Export for sharing externally" breaks file provisioning (grafana/grafana#10786).
		if d.Inputs != nil {
			t.Errorf("%s: has __inputs; use the datasource variable instead", file)
		}
		checkVariables(t, file, d)
		checkPanels(t, file, d)
	}
}

func checkVariables(t *testing.T, file string, d grafanaDashboard) {
	t.Helper()
	vars := map[string]variable{}
	nDatasource := 0
	for _, v := range d.Templating.List {
		vars[v.Name] = v
		if v.Type == "datasource" {
			nDatasource++
			var q string
			if v.Name != "datasource" || json.Unmarshal(v.Query, &q) != nil || q != "prometheus" {
				t.Errorf("%s: datasource variable %q must be named datasource with query prometheus", file, v.Name)
			}
			continue
		}
		if v.Datasource == nil || *v.Datasource != wantDatasource {
			t.Errorf("%s: variable %s datasource %v, want %v", file, v.Name, v.Datasource, wantDatasource)
		}
	}
	if nDatasource != 1 {
		t.Errorf("%s: %d datasource variables, want exactly 1", file, nDatasource)
	}
	for _, name := range []string{"job", "instance", "log"} {
		v, ok := vars[name]
		if !ok {
			t.Errorf("%s: no %s variable", file, name)
			continue
		}
		q := v.queryText()
		m := labelValuesQuery.FindStringSubmatch(q)
		if m == nil || m[2] != name {
			t.Errorf("%s: variable %s query %q, want label_values(<selector>, %s)", file, name, q, name)
		}
		if name != "log" && (m == nil || !strings.HasPrefix(m[1], "azuremfa_exporter_build_info")) {
			t.Errorf("%s: variable %s should come from azuremfa_exporter_build_info, which every exporter has", file, name)
		}
	}
}

func checkPanels(t *testing.T, file string, d grafanaDashboard) {
	t.Helper()
	ids := map[int]string{}
	type rect struct {
		title      string
		x, y, w, h int
	}
	var placed []rect
	for _, p := range allPanels(d.Panels) {
		if prev, dup := ids[p.ID]; dup || p.ID == 0 {
			t.Errorf("%s: panel %q id %d (also %q)", file, p.Title, p.ID, prev)
		}
		ids[p.ID] = p.Title
		r := rect{p.Title, p.GridPos.X, p.GridPos.Y, p.GridPos.W, p.GridPos.H}
		if r.w <= 0 || r.h <= 0 || r.x < 0 || r.x+r.w > 24 {
			t.Errorf("%s: panel %q gridPos %+v is off the 24-column grid", file, p.Title, p.GridPos)
		}
		for _, q := range placed {
			if r.x < q.x+q.w && q.x < r.x+r.w && r.y < q.y+q.h && q.y < r.y+r.h {
				t.Errorf("%s: panels %q and %q overlap", file, p.Title, q.title)
			}
		}
		placed = append(placed, r)
		if p.Type == "row" {
			continue
		}
		if p.Title == "" || p.Description == "" {
			t.Errorf("%s: panel %d (%q) needs a title and a description", file, p.ID, p.Title)
		}
		if p.FieldConfig.Defaults.Unit == "" {
			t.Errorf("%s: panel %q has no unit", file, p.Title)
		}
		if p.Datasource == nil || *p.Datasource != wantDatasource {
			t.Errorf("%s: panel %q datasource %v, want %v", file, p.Title, p.Datasource, wantDatasource)
		}
		if len(p.Targets) == 0 {
			t.Errorf("%s: panel %q has no query", file, p.Title)
		}
		for _, tg := range p.Targets {
			if tg.Datasource == nil || *tg.Datasource != wantDatasource {
				t.Errorf("%s: panel %q target %s datasource %v, want %v", file, p.Title, tg.RefID, tg.Datasource, wantDatasource)
			}
		}
	}
}

// TestCorePanels pins the panels the dashboards are built around, so a later edit cannot drop
// one unseen.
func TestCorePanels(t *testing.T) {
	ds := loadDashboards(t)
	want := map[string][]string{
		"azuremfa-overview.json": {
			"Requests and results per second by result", "Failure codes", "Method mix",
			"Answer time p50 / p95 by method", "Answer time heatmap", "Cache-hit ratio",
			"Duplicate requests by handling", "Twice MFA: duplicate-prompt ratio", "In flight and abandoned",
			"Fraud reports", "Primary-auth failures and MFA not performed", "Admin changes",
		},
		"azuremfa-log-health.json": {
			"Lines per second", "Malformed lines", "Reopens", "File open", "Seconds since the last entry", "Read lag",
		},
	}
	for file, titles := range want {
		d, ok := ds[file]
		if !ok {
			t.Errorf("%s is missing", file)
			continue
		}
		have := map[string]panel{}
		for _, p := range allPanels(d.Panels) {
			have[p.Title] = p
		}
		for _, title := range titles {
			if _, ok := have[title]; !ok {
				t.Errorf("%s: no panel %q", file, title)
			}
		}
	}
	// The failure table names codes through the info metric, and the twice-MFA panel tells
	// the reader what to change.
	overview := allPanels(ds["azuremfa-overview.json"].Panels)
	for _, p := range overview {
		switch p.Title {
		case "Failure codes":
			if len(p.Targets) == 0 || !strings.Contains(p.Targets[0].Expr, "group_left") || !strings.Contains(p.Targets[0].Expr, "azuremfa_call_status_info") {
				t.Errorf("Failure codes: want a group_left join with azuremfa_call_status_info")
			}
		case "Twice MFA: duplicate-prompt ratio":
			for _, s := range []string{"caching rule", "RADIUS client", "30-60 s"} {
				if !strings.Contains(p.Description, s) {
					t.Errorf("Twice MFA panel description does not mention %q", s)
				}
			}
		case "Fraud reports":
			if len(p.Targets) == 0 || !strings.Contains(p.Targets[0].Expr, `code=~"112|132"`) {
				t.Errorf("Fraud reports: want codes 112 and 132")
			}
		}
	}
}

// TestWalkers: collapsed rows keep their panels inside the row, and variable queries come in
// several shapes; the checks above must see all of them.
func TestWalkers(t *testing.T) {
	var d grafanaDashboard
	raw := `{"panels": [
		{"id": 1, "type": "row", "collapsed": true, "panels": [
			{"id": 2, "type": "timeseries", "targets": [{"expr": "a"}]},
			{"id": 3, "type": "stat", "targets": [{"expr": "b"}]}]},
		{"id": 4, "type": "timeseries", "targets": [{"expr": "c"}]}]}`
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, p := range allPanels(d.Panels) {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	if got := strings.Join(exprs, ","); got != "a,b,c" {
		t.Errorf("targets found = %s, want a,b,c", got)
	}

	for _, tc := range []struct{ query, expr string }{
		{`label_values(azuremfa_exporter_build_info{job=~"$job"}, instance)`, `azuremfa_exporter_build_info{job=~"$job"}`},
		{`label_values(job)`, ``},
		{`query_result(topk(5, up))`, `topk(5, up)`},
		{`sum(up)`, `sum(up)`},
	} {
		got, _ := variableSelector(tc.query)
		if got != tc.expr {
			t.Errorf("variableSelector(%q) = %q, want %q", tc.query, got, tc.expr)
		}
	}
	for _, q := range []string{`"label_values(up, job)"`, `{"query": "label_values(up, job)", "refId": "A"}`} {
		if got := (variable{Query: json.RawMessage(q)}).queryText(); got != "label_values(up, job)" {
			t.Errorf("queryText(%s) = %q", q, got)
		}
	}
}
