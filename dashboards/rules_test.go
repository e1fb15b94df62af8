package dashboards

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/prometheus/prometheus/promql/parser"
)

// ruleFile is the part of a Prometheus rule file the checks read (a small struct rather
// than model/rulefmt, whose dependencies would dwarf this module).
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []rule `yaml:"rules"`
	} `yaml:"groups"`
}

type rule struct {
	Record      string            `yaml:"record"`
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// ruleTestFile is the part of a promtool test file the coverage check reads.
type ruleTestFile struct {
	RuleFiles []string `yaml:"rule_files"`
	Tests     []struct {
		Name          string `yaml:"name"`
		AlertRuleTest []struct {
			Alertname string `yaml:"alertname"`
			ExpAlerts []struct {
				ExpLabels map[string]string `yaml:"exp_labels"`
			} `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
		PromQLExprTest []struct {
			Expr string `yaml:"expr"`
		} `yaml:"promql_expr_test"`
	} `yaml:"tests"`
}

// runbookBase is where the runbooks (docs/runbooks/<AlertName>.md) are published.
const runbookBase = "https://github.com/azuremfa/azuremfa_exporter/blob/main/docs/runbooks/"

// readYAML decodes path into v; strict rejects fields v does not have (a misspelt "for:"
// would otherwise vanish silently).
func readYAML(t *testing.T, path string, v any, strict bool) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(strict)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// ruleFiles are the rule files (not their tests) in rules/.
func ruleFiles(t *testing.T) map[string]ruleFile {
	t.Helper()
	paths, err := filepath.Glob("rules/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]ruleFile{}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.yml") {
			continue
		}
		var f ruleFile
		readYAML(t, p, &f, true)
		out[p] = f
	}
	if len(out) < 2 {
		t.Fatalf("found rule files %v, want the recording and the alerting rules", paths)
	}
	return out
}

func allRules(t *testing.T) []rule {
	t.Helper()
	var out []rule
	for _, f := range ruleFiles(t) {
		for _, g := range f.Groups {
			out = append(out, g.Rules...)
		}
	}
	return out
}

// recordedNames are the series the recording rules produce; dashboards may read them.
func recordedNames(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, r := range allRules(t) {
		if r.Record != "" {
			out[r.Record] = true
		}
	}
	return out
}

// TestRuleQueries parses every rule expression and checks it names only what the exporter
// publishes (or a recording rule records).
func TestRuleQueries(t *testing.T) {
	cat := loadCatalogue(t)
	recorded := recordedNames(t)
	for _, r := range allRules(t) {
		name := r.Alert + r.Record
		uses, err := parseSelectors(r.Expr)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if strings.Contains(r.Expr, "$") {
			t.Errorf("%s: a Grafana variable in a rule", name)
		}
		checkNames(t, name, uses, cat, recorded)
	}
}

// recordName is level:metric:operations (prometheus.io/docs/practices/rules).
var recordName = regexp.MustCompile(`^log:azuremfa_[a-z_]+:(ratio_)?rate5m$`)

// TestRecordingRules: names follow the convention, and every aggregation keeps job,
// instance and log, so the result stays per log and per exporter.
func TestRecordingRules(t *testing.T) {
	n := 0
	for _, r := range allRules(t) {
		if r.Record == "" {
			continue
		}
		n++
		if !recordName.MatchString(r.Record) {
			t.Errorf("%s: want a name like log:azuremfa_<what>:ratio_rate5m", r.Record)
		}
		ast, err := promql.ParseExpr(r.Expr)
		if err != nil {
			t.Errorf("%s: %v", r.Record, err)
			continue
		}
		parser.Inspect(ast, func(node parser.Node, _ []parser.Node) error {
			if agg, ok := node.(*parser.AggregateExpr); ok {
				if agg.Without || !slices.Contains(agg.Grouping, "job") || !slices.Contains(agg.Grouping, "instance") || !slices.Contains(agg.Grouping, "log") {
					t.Errorf("%s: %s must aggregate by (job, instance, log)", r.Record, agg)
				}
			}
			return nil
		})
	}
	if n == 0 {
		t.Error("no recording rules")
	}
}

// alertName is CamelCase with the shared prefix (monitoring-mixins style guide).
var alertName = regexp.MustCompile(`^AzureMFA[A-Z][A-Za-z]+$`)

// TestAlertConventions: each alert has a severity, a static summary sentence, a templated
// description, and a runbook_url pointing at docs/runbooks/<AlertName>.md.
func TestAlertConventions(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range allRules(t) {
		if r.Alert == "" {
			continue
		}
		a := r.Alert
		if seen[a] {
			t.Errorf("%s: defined twice", a)
		}
		seen[a] = true
		if !alertName.MatchString(a) {
			t.Errorf("%s: want CamelCase starting with AzureMFA", a)
		}
		switch r.Labels["severity"] {
		case "critical", "warning", "info":
		default:
			t.Errorf("%s: severity %q, want critical, warning or info", a, r.Labels["severity"])
		}
		for k := range r.Annotations {
			if k != "summary" && k != "description" && k != "runbook_url" {
				t.Errorf("%s: unexpected annotation %q", a, k)
			}
		}
		sum := r.Annotations["summary"]
		if sum == "" || strings.Contains(sum, "{{") || !strings.HasSuffix(sum, ".") || strings.ToUpper(sum[:1]) != sum[:1] {
			t.Errorf("%s: summary %q, want a static sentence with a capital and a full stop", a, sum)
		}
		desc := r.Annotations["description"]
		if !strings.Contains(desc, "{{ $labels.instance }}") || !strings.Contains(desc, "Check first") {
			t.Errorf("%s: description must name the instance and say what to check first: %q", a, desc)
		}
		if want := runbookBase + a + ".md"; r.Annotations["runbook_url"] != want {
			t.Errorf("%s: runbook_url %q, want %q", a, r.Annotations["runbook_url"], want)
		}
	}
	// The alerts the dashboards and the runbooks are built around.
	for _, a := range []string{"AzureMFAExporterDown", "AzureMFALogNotOpen", "AzureMFALogSilent",
		"AzureMFALogMalformedLines", "AzureMFAFailureRatioHigh", "AzureMFAFraudReported",
		"AzureMFAPhoneUnreachable", "AzureMFAUsersBlocked", "AzureMFALicensesExceeded",
		"AzureMFAInsufficientBalance", "AzureMFAAuthenticationThrottled",
		"AzureMFADuplicatePromptsHigh", "AzureMFAAbandonedAuthentications"} {
		if !seen[a] {
			t.Errorf("alert %s is missing", a)
		}
	}
}

// TestEveryRuleHasAPromtoolTest: every alert has a promtool case where it fires and one
// where it stays silent, and every recording rule is evaluated by a promql_expr_test.
func TestEveryRuleHasAPromtoolTest(t *testing.T) {
	paths, err := filepath.Glob("rules/*_test.yml")
	if err != nil {
		t.Fatal(err)
	}
	fires, silent, evaluated := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, p := range paths {
		var f ruleTestFile
		readYAML(t, p, &f, false)
		for _, tc := range f.Tests {
			for _, at := range tc.AlertRuleTest {
				if len(at.ExpAlerts) > 0 {
					fires[at.Alertname] = true
				} else {
					silent[at.Alertname] = true
				}
			}
			for _, et := range tc.PromQLExprTest {
				evaluated[et.Expr] = true
			}
		}
	}
	for _, r := range allRules(t) {
		switch {
		case r.Alert != "":
			if !fires[r.Alert] {
				t.Errorf("%s: no promtool test where it fires", r.Alert)
			}
			if !silent[r.Alert] {
				t.Errorf("%s: no promtool test where it stays silent", r.Alert)
			}
		case r.Record != "":
			found := false
			for expr := range evaluated {
				if strings.Contains(expr, r.Record) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no promql_expr_test evaluates it", r.Record)
			}
		}
	}
}
