package dashboards

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql/parser"
)

// Sample values of Grafana's interval macros, each distinct so a parsed range tells which
// macro it came from.
const (
	rateIntervalValue = 2 * time.Minute
	intervalValue     = 30 * time.Second
	rangeValue        = 6 * time.Hour
)

// grafanaMacros are Grafana's built-in interval variables, replaced by sample values before
// parsing (as grafana/dashboard-linter does): PromQL has no "$" in durations.
var grafanaMacros = strings.NewReplacer(
	"${__rate_interval}", "2m", "$__rate_interval", "2m",
	"${__interval}", "30s", "$__interval", "30s",
	"${__range}", "6h", "$__range", "6h",
	"${__range_s}", "21600", "$__range_s", "21600",
)

// templateVar is a dashboard variable reference such as $job or ${instance}.
var templateVar = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)

// expandMacros replaces Grafana's interval macros and leaves $variables alone: inside label
// matcher strings they parse as they are, so the matchers can be checked afterwards.
func expandMacros(expr string) string { return grafanaMacros.Replace(expr) }

// expandAll also replaces every $variable by a value, as Grafana does before it sends a query.
func expandAll(expr string) string {
	return templateVar.ReplaceAllString(expandMacros(expr), "azuremfa")
}

var promql = parser.NewParser(parser.Options{})

// selectorUse is one vector selector in an expression and what encloses it.
type selectorUse struct {
	sel *parser.VectorSelector
	// underRate: the selector is the range of rate(), irate() or increase().
	underRate bool
	// rng is the range of the enclosing matrix selector (0 for an instant selector).
	rng time.Duration
}

func (u selectorUse) name() string { return u.sel.Name }

// matcher returns the selector's matcher for label, if any.
func (u selectorUse) matcher(label string) (string, string, bool) {
	for _, m := range u.sel.LabelMatchers {
		if m.Name == label {
			return m.Type.String(), m.Value, true
		}
	}
	return "", "", false
}

// parseSelectors parses expr (after expandMacros) and also checks that the fully expanded
// form parses, and returns every vector selector in it.
func parseSelectors(expr string) ([]selectorUse, error) {
	if _, err := promql.ParseExpr(expandAll(expr)); err != nil {
		return nil, fmt.Errorf("with variables expanded: %w", err)
	}
	ast, err := promql.ParseExpr(expandMacros(expr))
	if err != nil {
		return nil, err
	}
	var uses []selectorUse
	parser.Inspect(ast, func(n parser.Node, path []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		u := selectorUse{sel: vs}
		if len(path) >= 2 {
			if ms, ok := path[len(path)-1].(*parser.MatrixSelector); ok {
				u.rng = ms.Range
				if call, ok := path[len(path)-2].(*parser.Call); ok {
					switch call.Func.Name {
					case "rate", "irate", "increase":
						u.underRate = true
					}
				}
			}
		}
		uses = append(uses, u)
		return nil
	})
	return uses, nil
}

// checkNames reports every selector that names a series the exporter does not publish and
// no recording rule records.
func checkNames(t *testing.T, where string, uses []selectorUse, cat catalogue, recorded map[string]bool) {
	t.Helper()
	for _, u := range uses {
		if u.name() == "" {
			t.Errorf("%s: selector %s has no metric name", where, u.sel)
			continue
		}
		if _, ok := cat[u.name()]; !ok && !recorded[u.name()] {
			t.Errorf("%s: %s is neither exported by the exporter nor recorded by a rule", where, u.name())
		}
	}
}

func TestParseSelectors(t *testing.T) {
	uses, err := parseSelectors(`sum by (log) (rate(a_total{job=~"$job"}[$__rate_interval])) / sum(b_total{job=~"${job}"}) + histogram_quantile(0.5, sum by (le) (increase(c_bucket[$__range])))`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, u := range uses {
		got[u.name()] = u.underRate
	}
	want := map[string]bool{"a_total": true, "b_total": false, "c_bucket": true}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("selectors = %v, want %v", got, want)
	}
	if uses[0].rng != rateIntervalValue || uses[2].rng != rangeValue {
		t.Errorf("ranges = %v, %v; want %v, %v", uses[0].rng, uses[2].rng, rateIntervalValue, rangeValue)
	}
	if _, _, ok := uses[0].matcher("job"); !ok {
		t.Error("job matcher of a_total not found")
	}
	// A variable where PromQL wants a duration or a number must not slip through.
	for _, bad := range []string{`rate(a_total[$window])`, `topk($n, a)`, `rate(a_total[5m]`} {
		if _, err := parseSelectors(bad); err == nil {
			t.Errorf("parseSelectors(%q): no error", bad)
		}
	}
}
