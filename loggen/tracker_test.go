package loggen

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestTrackerHandcrafted replays a tiny log written by hand, with every rule the expected
// values depend on, and checks the whole set of values.
func TestTrackerHandcrafted(t *testing.T) {
	const log = `2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|Calling pfAuthUser('Domain\pnigam', '', 1)
2017-02-14T02:57:24.600871Z|0|1412|6452|pfrad|authResult = 1
2017-02-14T02:57:24.600871Z|0|1412|6452|pfrad|rawCallStatus = 21
2017-02-14T02:57:56.986251Z|0|1412|10088|pfrad|Calling pfAuthUser('Domain\pnigam', '', 1)
2017-02-14T02:57:57.550306Z|0|1412|10088|pfrad|authResult = 1
2017-02-14T02:57:57.550306Z|0|1412|10088|pfrad|rawCallStatus = 6
2017-02-14T02:58:00.000000Z|0|1412|10088|pfrad|Calling pfAuthUser('DOMAIN\PNIGAM', '', 1)
2017-02-14T02:58:00.200000Z|0|1412|10088|pfrad|authResult = 0
2017-02-14T02:58:00.200000Z|0|1412|10088|pfrad|rawCallStatus = 101
2017-02-14T02:58:01.000000Z|0|1412|777|pfrad|Calling pfAuthUser('Domain\abandoned', '', 1)
2017-02-14T02:58:02.000000Z|0|1412|777|pfrad|Calling pfAuthUser('Domain\other', '', 1)
2017-02-14T02:58:03.000000Z|0|1412|778|pfrad|Calling pfAuthUser('Domain\other', '', 1)
2017-02-14T02:58:40.000000Z|0|1412|777|pfrad|authResult = 1
2017-02-14T02:58:40.000000Z|0|1412|777|pfrad|rawCallStatus = 999
2017-02-14T02:58:41.000000Z|0|1412|779|pfrad|Calling pfAuthUser('Domain\texter', '', 1)
2017-02-14T02:58:42.000000Z|0|1412|779|pfrad|authResult = 0
2017-02-14T02:58:42.000000Z|0|1412|779|pfrad|rawCallStatus = 20
2017-02-14T02:58:50.000000Z|0|1412|780|pfrad|Calling pfAuthUser('Domain\nobody', '', 1)
2017-02-14T02:58:50.100000Z|0|1412|780|pfrad|rawCallStatus = -101
2017-02-14T02:59:00.000000Z|0|1412|781|pfrad|Calling pfAuthUser('Domain\late', '', 1)
2017-02-14T03:03:03.000001Z|e|1412|9|pfrad|***** ERROR ***** something
this line has no layout
2017-02-14T03:03:10.000000Z|0|1412|9|pfrad|Heartbeat
`
	tr := newTracker("radius", 5*time.Minute, 30*time.Second)
	if err := replay([]byte(log), tr); err != nil {
		t.Fatal(err)
	}
	// The second pnigam call is 37.8 s after the first: not a duplicate. The third is 3 s
	// after the second (and in another case): a duplicate, rejected with 101. The call on
	// thread 777 is abandoned by the next call on its thread; the second "other" call is a
	// duplicate that is still open at 03:03:03.000001, 5 min and 0.000001 s after it began:
	// abandoned then, so handled "other". "late" began at 02:59:00 and is still in flight.
	want := Expected{}
	for _, l := range strings.Split(strings.TrimSpace(`
azuremfa_exporter_log_lines_total{log="radius"} 23
azuremfa_exporter_log_malformed_lines_total{log="radius"} 1
azuremfa_log_entries_total{level="0",log="radius"} 21
azuremfa_log_entries_total{level="e",log="radius"} 1
azuremfa_auth_requests_total{log="radius"} 9
azuremfa_auth_abandoned_total{log="radius"} 2
azuremfa_auth_in_flight{log="radius"} 1
azuremfa_cache_hits_total{log="radius"} 1
azuremfa_auth_results_total{code="21",log="radius",method="mobile_app",result="success"} 1
azuremfa_auth_results_total{code="6",log="radius",method="cache",result="success"} 1
azuremfa_auth_results_total{code="101",log="radius",method="other",result="failure"} 1
azuremfa_auth_results_total{code="999",log="radius",method="other",result="success"} 1
azuremfa_auth_results_total{code="20",log="radius",method="text_message",result="pending"} 1
azuremfa_auth_results_total{code="-101",log="radius",method="none",result="failure"} 1
azuremfa_prompts_total{log="radius",method="mobile_app"} 1
azuremfa_prompts_total{log="radius",method="text_message"} 1
azuremfa_duplicate_requests_total{handling="rejected",log="radius"} 1
azuremfa_duplicate_requests_total{handling="other",log="radius"} 1
`), "\n") {
		i := strings.LastIndexByte(l, ' ')
		want[l[:i]] = map[string]float64{"1": 1, "2": 2, "9": 9, "21": 21, "23": 23}[l[i+1:]]
	}
	got := tr.expected()
	for k := range got {
		if strings.HasPrefix(k, "azuremfa_auth_duration_seconds") {
			delete(got, k)
		}
	}
	if d := want.Compare(got); d != nil {
		t.Fatalf("differences:\n%s", strings.Join(d, "\n"))
	}
	if d := got.Compare(want); d != nil {
		t.Fatalf("differences the other way:\n%s", strings.Join(d, "\n"))
	}

	// Per user, as the report must show them: pnigam once as DOMAIN\PNIGAM, but shown as
	// first written; the rejected repeat is a duplicate and a failure, not a prompt.
	at := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339Nano, s); return tm }
	dom := func(user string) string { return `Domain\` + user }
	wantUsers := []TruthRow{
		{Name: dom("abandoned"), Requests: 1, Abandoned: 1, FirstSeen: at("2017-02-14T02:58:01Z"), LastSeen: at("2017-02-14T02:58:01Z")},
		{Name: dom("late"), Requests: 1, FirstSeen: at("2017-02-14T02:59:00Z"), LastSeen: at("2017-02-14T02:59:00Z")},
		{Name: dom("nobody"), Requests: 1, Failures: 1, FirstSeen: at("2017-02-14T02:58:50Z"), LastSeen: at("2017-02-14T02:58:50Z")},
		{Name: dom("other"), Requests: 2, Duplicates: 1, Abandoned: 1, FirstSeen: at("2017-02-14T02:58:02Z"), LastSeen: at("2017-02-14T02:58:03Z")},
		{Name: dom("pnigam"), Requests: 3, Duplicates: 1, Failures: 1, FirstSeen: at("2017-02-14T02:57:19.234778Z"), LastSeen: at("2017-02-14T02:58:00Z")},
		{Name: dom("texter"), Requests: 1, FirstSeen: at("2017-02-14T02:58:41Z"), LastSeen: at("2017-02-14T02:58:41Z")},
	}
	truth := tr.truth.result("radius")
	if !slices.Equal(truth.Users, wantUsers) {
		t.Errorf("users:\n got %+v\nwant %+v", truth.Users, wantUsers)
	}
	var requests, failures, dups int
	for _, m := range truth.Minutes {
		requests, failures, dups = requests+m.Requests, failures+m.Failures, dups+m.Duplicates
	}
	if requests != 9 || failures != 2 || dups != 2 || len(truth.Minutes) != 3 {
		t.Errorf("minutes: %d requests, %d failures, %d duplicates in %d minutes; want 9, 2, 2 in 3", requests, failures, dups, len(truth.Minutes))
	}
}

// TestTrackerDurationBuckets: the public sample's first auth took 5.366093 s, the cache hit
// 0.564055 s; a bound is inclusive, as in client_golang.
func TestTrackerDurationBuckets(t *testing.T) {
	tr := newTracker("radius", 5*time.Minute, 30*time.Second)
	t0 := int64(1_000_000_000_000_000)
	tr.call(1, "a", t0)
	tr.rawCallStatus(1, 21, t0+5_366_093)
	tr.call(1, "b", t0)
	tr.rawCallStatus(1, 21, t0+5_000_000) // exactly on the 5 s bound; no authResult: success by default
	got := tr.expected()
	for le, n := range map[string]float64{"2": 0, "5": 1, "10": 2, "+Inf": 2} {
		k := sampleKey("azuremfa_auth_duration_seconds_bucket", "log", "radius", "method", "mobile_app", "result", "success", "le", le)
		if got[k] != n {
			t.Errorf("%s = %v, want %v", k, got[k], n)
		}
	}
}
