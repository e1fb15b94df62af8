package loggen

import (
	"math/rand/v2"
	"time"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// weightedCode is a call status and how often a first request ends with it. The statuses
// themselves come from logparse's table; only the mix is chosen here.
type weightedCode struct {
	code   int
	weight float64
}

// firstCodes is the mix of results of a request that is not a repeat: mostly mobile app
// approvals, then phone calls, texts and OATH codes, with the failures, pending states,
// fraud reports and odd codes a busy server sees. 145, 148 and 999 are in no table.
var firstCodes = []weightedCode{
	{21, 450}, {129, 20}, {133, 30}, {136, 5}, {130, 3}, {135, 1}, {137, 1}, {132, 1},
	{1, 50}, {2, 30}, {3, 2}, {4, 10}, {10, 3}, {11, 3}, {13, 3}, {108, 5}, {102, 3}, {117, 2},
	{107, 1}, {112, 0.5},
	{19, 40}, {20, 30}, {122, 5}, {120, 2}, {121, 2}, {146, 1},
	{23, 50}, {22, 20}, {24, 2}, {138, 10}, {139, 2}, {140, 2}, {142, 1}, {147, 1},
	{16, 0.5}, {17, 0.2}, {118, 0.2}, {25, 0.5}, {143, 0.2},
	{6, 40}, {8, 10}, {9, 20}, {7, 3},
	{101, 10}, {14, 3}, {15, 1}, {105, 1}, {144, 2}, {150, 1}, {126, 0.2}, {109, 0.1},
	{-100, 2}, {-101, 5}, {-102, 1}, {-103, 0.5}, {-104, 5},
	{145, 0.5}, {148, 0.2}, {999, 0.2},
}

// codeTable draws codes by weight.
type codeTable struct {
	codes []int
	cum   []float64
}

func newCodeTable(ws []weightedCode, keep func(int) bool) *codeTable {
	t := &codeTable{}
	sum := 0.0
	for _, w := range ws {
		if keep != nil && !keep(w.code) {
			continue
		}
		sum += w.weight
		t.codes = append(t.codes, w.code)
		t.cum = append(t.cum, sum)
	}
	return t
}

func (t *codeTable) draw(rng *rand.Rand) int {
	x := rng.Float64() * t.cum[len(t.cum)-1]
	lo, hi := 0, len(t.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if t.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return t.codes[lo]
}

// hasConstant keeps the codes a Pfauth line can name (it writes the constant).
func hasConstant(code int) bool {
	st, ok := logparse.LookupCode(code)
	return ok && st.Constant != ""
}

// answerTime is how long the person (or the cloud) took to answer a request that ended
// with code: mobile app 3-20 s, phone 10-40 s, text 15-60 s, OATH 5-30 s, cache and
// everything that prompts nobody under a second.
func answerTime(rng *rand.Rand, code int) time.Duration {
	st, _ := logparse.LookupCode(code)
	lo, hi := 20*time.Millisecond, 900*time.Millisecond
	switch st.Method {
	case logparse.MethodMobileApp:
		lo, hi = 3*time.Second, 20*time.Second
	case logparse.MethodPhoneCall, logparse.MethodVoiceprint, logparse.MethodSecurityQuestions:
		lo, hi = 10*time.Second, 40*time.Second
	case logparse.MethodTextMessage:
		lo, hi = 15*time.Second, 60*time.Second
	case logparse.MethodOATHToken:
		lo, hi = 5*time.Second, 30*time.Second
	}
	if st.Default == logparse.ResultPending {
		// The text was sent or the code asked for: the call returns at once.
		lo, hi = 300*time.Millisecond, 2*time.Second
	}
	return lo + time.Duration(rng.Int64N(int64(hi-lo)))
}

// authResultFor is the authResult a server writes before rawCallStatus: 1 when the person
// passed, 0 otherwise. Codes 1 and 2 and the unknown ones go either way.
func authResultFor(rng *rand.Rand, code int) int {
	st, ok := logparse.LookupCode(code)
	switch {
	case !ok:
		return rng.IntN(2)
	case code == 1 || code == 2:
		if rng.IntN(20) == 0 {
			return 0
		}
		return 1
	case st.Default == logparse.ResultSuccess:
		return 1
	}
	return 0
}
