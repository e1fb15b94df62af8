package loggen_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/azuremfa/azuremfa_exporter/loggen"
)

// A test generates a log, feeds it to the code under test, and compares that code's scrape
// with the values the generator returned.
func ExampleGenerate() {
	var log bytes.Buffer
	want, err := loggen.Generate(&log, loggen.Config{Seed: 1, Lines: 1000, Kind: loggen.KindRadius})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.Count(log.String(), "\n"), "lines")
	fmt.Println(want[`azuremfa_exporter_log_lines_total{log="radius"}`])

	// What the exporter printed (here: a scrape missing one sample, with another wrong).
	scrape := `azuremfa_exporter_log_lines_total{log="radius"} 1000
azuremfa_auth_requests_total{log="radius"} 1
`
	got, _ := loggen.ParseText(strings.NewReader(scrape))
	for _, d := range want.Compare(got) {
		if strings.Contains(d, "auth_requests_total") {
			fmt.Println(d)
		}
	}
	// Output:
	// 1000 lines
	// 1000
	// different:  azuremfa_auth_requests_total{log="radius"} want 177, got 1
}
