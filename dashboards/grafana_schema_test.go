package dashboards

import (
	"errors"
	"os"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// TestGrafanaSchema decodes each dashboard strictly with the types Grafana generates from its
// own dashboard and panel schemas (grafana-foundation-sdk): an unknown field, a value of the
// wrong type or a missing required field in any panel fails here. No Grafana server runs in
// the tests, so this is the nearest check to an import.
func TestGrafanaSchema(t *testing.T) {
	plugins.RegisterDefaultPlugins() // panel options and queries by plugin type
	for file := range loadDashboards(t) {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// The files are Grafana's classic dashboard JSON (schemaVersion 39, panels on a grid),
		// which Grafana imports and dashboard.Dashboard describes. The SDK marks it deprecated
		// in favour of dashboardv2.Dashboard, a different model (elements and layouts) that
		// these files are not written in.
		var d dashboard.Dashboard //nolint:staticcheck // SA1019: the classic model, above
		if err := d.UnmarshalJSONStrict(raw); schemaFailed(err) {
			t.Errorf("%s does not match Grafana's dashboard schema:\n%v", file, err)
			continue
		}
		if err := d.Validate(); schemaFailed(err) {
			t.Errorf("%s: %v", file, err)
		}
		if len(d.Panels) == 0 {
			t.Errorf("%s: no panels decoded", file)
		}
	}
}

// schemaFailed: the SDK returns an empty cog.BuildErrors (a non-nil error) when all is well.
func schemaFailed(err error) bool {
	var be cog.BuildErrors
	if errors.As(err, &be) {
		return len(be) > 0
	}
	return err != nil
}
