package dashboards

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runbookDir holds one runbook per alert, named after it.
const runbookDir = "../docs/runbooks"

// runbookSections are the headings every runbook has, in this order.
var runbookSections = []string{"## Meaning", "## Impact", "## Diagnosis", "## Mitigation"}

// TestRunbooks: every alert has docs/runbooks/<AlertName>.md, every runbook belongs to an
// alert, and each runbook is titled with its alert and has the four sections in order.
func TestRunbooks(t *testing.T) {
	alerts := map[string]bool{}
	for _, r := range allRules(t) {
		if r.Alert != "" {
			alerts[r.Alert] = true
		}
	}
	paths, err := filepath.Glob(filepath.Join(runbookDir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	runbooks := map[string]bool{}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".md")
		runbooks[name] = true
		if !alerts[name] {
			t.Errorf("%s: no alert %s in rules/", p, name)
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, problem := range runbookProblems(name, string(raw)) {
			t.Errorf("%s: %s", p, problem)
		}
	}
	for a := range alerts {
		if !runbooks[a] {
			t.Errorf("%s: no runbook %s", a, filepath.Join(runbookDir, a+".md"))
		}
	}
}

// runbookProblems says what a runbook of the alert lacks; nothing when it is complete.
func runbookProblems(alert, text string) []string {
	var problems []string
	lines := strings.Split(text, "\n")
	if lines[0] != "# "+alert {
		problems = append(problems, fmt.Sprintf("first line %q, want %q", lines[0], "# "+alert))
	}
	next := 0
	for _, l := range lines {
		if next < len(runbookSections) && strings.TrimRight(l, " ") == runbookSections[next] {
			next++
		}
	}
	if next < len(runbookSections) {
		problems = append(problems, fmt.Sprintf("missing the heading %q (want %s, in this order)",
			runbookSections[next], strings.Join(runbookSections, ", ")))
	}
	return problems
}

func TestRunbookProblems(t *testing.T) {
	good := "# AzureMFAX\n\nIntro.\n\n## Meaning\n\nm\n\n## Impact\n\ni\n\n## Diagnosis\n\nd\n\n## Mitigation\n\nx\n"
	for name, tc := range map[string]struct {
		text string
		ok   bool
	}{
		"complete":      {good, true},
		"wrong title":   {strings.Replace(good, "# AzureMFAX", "# AzureMFAY", 1), false},
		"no impact":     {strings.Replace(good, "## Impact", "## Effect", 1), false},
		"out of order":  {"# AzureMFAX\n## Impact\n## Meaning\n## Diagnosis\n## Mitigation\n", false},
		"h3 not enough": {strings.Replace(good, "## Mitigation", "### Mitigation", 1), false},
	} {
		if got := runbookProblems("AzureMFAX", tc.text); (len(got) == 0) != tc.ok {
			t.Errorf("%s: problems %q, want ok=%v", name, got, tc.ok)
		}
	}
}
