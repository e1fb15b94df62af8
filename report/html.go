package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"time"
)

//go:embed report.html
var htmlSource string

// parseHTMLTemplate parses the page's template. It is parsed when a page is written, not when
// the program starts: the exporter links this package, and every run of it would pay for a
// parse that only `report --format=html` uses.
func parseHTMLTemplate() (*template.Template, error) {
	return template.New("report").Funcs(template.FuncMap{
		"num":      func(n int64) string { return strconv.FormatInt(n, 10) },
		"secs":     seconds,
		"time":     shortTime,
		"longtime": func(t time.Time) string { return longTime(t) },
		"user":     userName,
		"code":     codeText,
		"codename": codeName,
		"dur":      dur,
		"pct": func(n, of int64) string {
			if of == 0 {
				return "–"
			}
			return fmt.Sprintf("%.1f%%", float64(n)*100/float64(of))
		},
		"f":         func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
		"maptext":   mapText,
		"clean":     clean,
		"addf":      func(a, b float64) float64 { return a + b },
		"templates": templatesView,
	}).Parse(htmlSource)
}

// templateView is one kind of templates of every log, for the page.
type templateView struct {
	Rows  []templateRow
	Times bool
	More  []string
}

type templateRow struct {
	Log string
	T   Template
}

func templatesView(r *Report, kind string) templateView {
	v := templateView{Times: kind == "error"}
	for _, l := range r.Logs {
		c := r.Coverage[l]
		list, other := c.UnknownTemplates, c.UnknownOther
		switch kind {
		case "error":
			list, other = c.ErrorTemplates, c.ErrorOther
		case "malformed":
			list, other = c.MalformedTemplates, c.MalformedOther
		}
		shown := topN(list, r.Settings.Top)
		for _, t := range shown {
			v.Rows = append(v.Rows, templateRow{l, t})
		}
		if n := len(list) - len(shown); n > 0 || other > 0 {
			v.More = append(v.More, fmt.Sprintf("%s: %d more templates not shown (--top), %d lines beyond the cap on templates.", l, n, other))
		}
	}
	return v
}

// WriteHTML writes the report as one self-contained HTML page: inline CSS, inline SVG charts,
// no script, nothing fetched from anywhere, so that a browser on an air-gapped server opens it.
func (r *Report) WriteHTML(w io.Writer) error {
	t, err := parseHTMLTemplate()
	if err != nil {
		return fmt.Errorf("the HTML template: %w", err)
	}
	return t.Execute(w, newHTMLData(r))
}

// htmlData is the report with what the page shows precomputed: the cards, the ranked
// tables and the geometry of the charts.
type htmlData struct {
	R        *Report
	Top      string
	Cards    []card
	Entries  int64
	Users    []UserRow
	Twice    []UserRow
	Failures []UserRow
	Clients  []ClientRow
	Codes    []codeRow
	Timeline *timelineChart
	Answers  []answerChart
}

// card is the summary of one log at a glance.
type card struct {
	Log                                                            string
	Requests, Success, Failure, Duplicates, Prompted, Fraud, Abdnd int64
	CacheHits, Lines, Malformed, Understood, Entries, Errors       int64
	Unknown                                                        int64
}

func newHTMLData(r *Report) *htmlData {
	top := r.Settings.Top
	d := &htmlData{R: r, Top: topText(top)}
	fraud := map[string]int64{}
	for _, f := range r.FraudReports {
		fraud[f.Log]++
	}
	for _, l := range r.Logs {
		s, c := r.Summary[l], r.Coverage[l]
		var dups int64
		for _, n := range s.Duplicates {
			dups += n
		}
		d.Entries += c.Entries
		d.Cards = append(d.Cards, card{
			Log: l, Requests: s.Requests, Success: s.Results["success"], Failure: s.Results["failure"],
			Duplicates: dups, Prompted: s.Duplicates["prompted"], Fraud: fraud[l], Abdnd: s.Abandoned,
			CacheHits: s.CacheHits, Lines: c.Lines, Malformed: c.Malformed, Understood: c.Understood,
			Entries: c.Entries, Errors: c.Errors, Unknown: c.Unknown,
		})
	}
	d.Users = topN(r.Users, top)
	d.Twice = topN(ranked(r.Users, func(u UserRow) int64 { return u.PromptedTwice }), top)
	d.Failures = topN(ranked(r.Users, func(u UserRow) int64 { return u.Failures }), top)
	d.Clients = topN(r.Clients, top)
	d.Codes = r.codeRows()
	d.Timeline = newTimelineChart(&r.Timeline)
	for _, l := range r.Logs {
		for _, a := range r.Summary[l].AnswerTimes {
			d.Answers = append(d.Answers, newAnswerChart(l, a))
		}
	}
	return d
}

// rect is a bar of a chart, with its tooltip.
type rect struct {
	X, Y, W, H float64
	Title      string
}

// tick is a label on an axis at X (or Y).
type tick struct {
	At    float64
	Label string
}

// timelineChart is the SVG of the timeline: a bar of requests per interval, the failures
// inside it, the duplicates as a line and a mark over every interval with a fraud report.
type timelineChart struct {
	W, H, Left, Top, PlotW, PlotH float64
	Requests, Failures            []rect
	Duplicates                    string // points of a polyline
	Fraud                         []rect
	YTicks, XTicks                []tick
	Step                          string
}

func newTimelineChart(tl *Timeline) *timelineChart {
	if len(tl.Points) == 0 {
		return nil
	}
	c := &timelineChart{W: 1000, H: 260, Left: 56, Top: 16, Step: dur(float64(tl.StepSeconds))}
	c.PlotW, c.PlotH = c.W-c.Left-16, c.H-c.Top-40
	var peak int64
	for _, p := range tl.Points {
		peak = max(peak, p.Requests, p.Duplicates)
	}
	tickStep := niceStep(float64(max(peak, 1)) / 4)
	scale := tickStep * math.Ceil(float64(max(peak, 1))/tickStep)
	n := float64(len(tl.Points))
	slot := c.PlotW / n
	barW := math.Max(slot*0.8, 1)
	y := func(v int64) float64 { return c.Top + c.PlotH - float64(v)/scale*c.PlotH }
	var line []byte
	for i, p := range tl.Points {
		x := c.Left + float64(i)*slot + (slot-barW)/2
		label := longTime(p.Start)
		if p.Requests > 0 {
			c.Requests = append(c.Requests, rect{x, y(p.Requests), barW, c.Top + c.PlotH - y(p.Requests),
				fmt.Sprintf("%s: %d requests", label, p.Requests)})
		}
		if p.Failures > 0 {
			c.Failures = append(c.Failures, rect{x, y(p.Failures), barW, c.Top + c.PlotH - y(p.Failures),
				fmt.Sprintf("%s: %d failures", label, p.Failures)})
		}
		if p.Fraud > 0 {
			c.Fraud = append(c.Fraud, rect{x + barW/2, c.Top + 4, 4, 0, fmt.Sprintf("%s: %d fraud reports", label, p.Fraud)})
		}
		line = fmt.Appendf(line, "%.1f,%.1f ", x+barW/2, y(p.Duplicates))
	}
	c.Duplicates = string(line)
	for v := 0.0; v <= scale; v += tickStep {
		c.YTicks = append(c.YTicks, tick{c.Top + c.PlotH - v/scale*c.PlotH, strconv.FormatFloat(v, 'f', -1, 64)})
	}
	// A label every 120 pixels at most; days and longer steps need no time of day.
	layout := "2006-01-02 15:04"
	if tl.StepSeconds >= 86400 {
		layout = "2006-01-02"
	}
	every := max(1, int(math.Ceil(n*120/c.PlotW)))
	for i := 0; i < len(tl.Points); i += every {
		c.XTicks = append(c.XTicks, tick{c.Left + float64(i)*slot + slot/2, tl.Points[i].Start.UTC().Format(layout)})
	}
	return c
}

// niceStep is the smallest of 1, 2 and 5 times a power of ten (at least 1) that is at least v:
// the step between the labels of a count axis.
func niceStep(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// answerChart is the SVG of one method's answer times: a histogram over a logarithmic time
// axis with the percentiles marked.
type answerChart struct {
	Log, Method       string
	Count             int64
	Exact             bool
	W, H, Left, PlotW float64
	Top, PlotH, Base  float64
	Bars              []rect
	Marks             []tick
	XTicks            []tick
	P50, P90, P99     float64
}

func newAnswerChart(log string, a AnswerTime) answerChart {
	c := answerChart{Log: log, Method: a.Method, Count: a.Count, Exact: a.Exact, W: 480, H: 120, Left: 8, Top: 18,
		P50: a.P50Seconds, P90: a.P90Seconds, P99: a.P99Seconds}
	c.PlotW, c.PlotH = c.W-2*c.Left, c.H-c.Top-22
	c.Base = c.Top + c.PlotH
	lo, hi := math.Log10(fineEdges[0]), math.Log10(fineEdges[len(fineEdges)-1])
	x := func(sec float64) float64 {
		v := math.Log10(math.Max(sec, fineEdges[0]))
		return c.Left + (math.Min(v, hi)-lo)/(hi-lo)*c.PlotW
	}
	var peak int64
	for _, n := range a.fine {
		peak = max(peak, n)
	}
	for i, n := range a.fine {
		if n == 0 {
			continue
		}
		var from, to float64
		switch {
		case i == 0:
			from, to = fineEdges[0]/1.26, fineEdges[0]
		case i == len(fineEdges):
			from, to = fineEdges[i-1], fineEdges[i-1]*1.26
		default:
			from, to = fineEdges[i-1], fineEdges[i]
		}
		x0, x1 := x(from), x(to)
		if i == len(fineEdges) {
			x0, x1 = c.Left+c.PlotW-4, c.Left+c.PlotW
		}
		h := float64(n) / float64(peak) * c.PlotH
		c.Bars = append(c.Bars, rect{x0, c.Top + c.PlotH - h, math.Max(x1-x0-0.5, 1), h,
			fmt.Sprintf("%s to %s s: %d answers", seconds(from), seconds(to), n)})
	}
	// The percentile marks: the label is the colour of the line, the caption's key.
	for _, m := range []struct {
		v      float64
		colour string
	}{{a.P50Seconds, "#2e8b57"}, {a.P90Seconds, "#e08a1e"}, {a.P99Seconds, "#c8372d"}} {
		c.Marks = append(c.Marks, tick{x(m.v), m.colour})
	}
	for _, s := range []float64{0.01, 0.1, 1, 10, 100, 1000} {
		label := strconv.FormatFloat(s, 'f', -1, 64) + " s"
		c.XTicks = append(c.XTicks, tick{x(s), label})
	}
	return c
}
