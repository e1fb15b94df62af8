package main

import (
	"bytes"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/common/version"

	"github.com/azuremfa/azuremfa_exporter/exporter"
)

// docsURL is where the documentation is published.
const docsURL = "https://github.com/azuremfa/azuremfa_exporter/tree/main/docs"

// landingPage serves / : the version, the state of every configured log, and links. It is
// plain HTML without script; it shows paths and counts, never a user name.
type landingPage struct {
	metricsPath string
	status      func() []exporter.LogStatus
	now         func() time.Time
	logger      *slog.Logger
}

func newLandingPage(metricsPath string, status func() []exporter.LogStatus, logger *slog.Logger) *landingPage {
	return &landingPage{metricsPath: metricsPath, status: status, now: time.Now, logger: logger}
}

// landingLog is one row of the table.
type landingLog struct {
	exporter.LogStatus
	State     string // "followed" or "waiting: <why>"
	LastEntry string // the time, or a dash
	Age       string // how long ago, by this server's clock
}

type landingData struct {
	Version, Revision, Go string
	MetricsHref, Metrics  string
	HealthyHref, DocsURL  string
	Logs                  []landingLog
}

func (p *landingPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	now := p.now()
	d := landingData{
		Version:  version.Version, // never empty once run has called stampVersion
		Revision: version.GetRevision(),
		Go:       version.GoVersion + " " + version.GoOS + "/" + version.GoArch,
		// Relative links, so the page also works behind a proxy that adds a path prefix.
		MetricsHref: "./" + strings.TrimPrefix(p.metricsPath, "/"),
		Metrics:     p.metricsPath,
		HealthyHref: "./-/healthy",
		DocsURL:     docsURL,
	}
	for _, s := range p.status() {
		l := landingLog{LogStatus: s, State: "followed", LastEntry: "–", Age: "no entry yet"}
		if !s.Followed {
			l.State = "waiting: " + s.Waiting
		}
		if !s.LastEntry.IsZero() {
			l.LastEntry = s.LastEntry.UTC().Format(time.DateTime)
			l.Age = age(now.Sub(s.LastEntry))
		}
		d.Logs = append(d.Logs, l)
	}
	var buf bytes.Buffer
	if err := landingTemplate.Execute(&buf, d); err != nil {
		p.logger.Error("Cannot render the landing page", "err", err)
		http.Error(w, "cannot render the page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// age says how long ago, in the two largest units: "3d 4h ago", "12m 5s ago", "0s ago".
func age(d time.Duration) string {
	if d < 0 {
		return "in the future by " + strings.TrimSuffix(age(-d), " ago")
	}
	d = d.Truncate(time.Second)
	units := []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	for i, u := range units {
		if d >= u.d || i == len(units)-1 {
			s := fmt.Sprintf("%d%s", d/u.d, u.name)
			if i+1 < len(units) {
				if rest := d % u.d / units[i+1].d; rest > 0 {
					s += fmt.Sprintf(" %d%s", rest, units[i+1].name)
				}
			}
			return s + " ago"
		}
	}
	return ""
}

var landingTemplate = template.Must(template.New("landing").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Azure MFA Server exporter</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em; color: #1f2328; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
p.version { color: #59636e; margin-top: 0; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.95em; }
th, td { border: 1px solid #d1d9e0; padding: 0.4em 0.8em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.path { font-family: ui-monospace, Consolas, monospace; font-size: 0.9em; max-width: 30em; overflow-wrap: anywhere; }
th, td.state, td.last, td.age { white-space: nowrap; }
tr.waiting td.state { color: #9a3412; font-weight: 600; }
tr.followed td.state { color: #1a7f37; }
.note { color: #59636e; font-size: 0.9em; }
</style>
</head>
<body>
<h1>Azure MFA Server exporter</h1>
<p class="version">Version <span id="version">{{.Version}}</span>, revision <span id="revision">{{.Revision}}</span>, {{.Go}}</p>
<p>Prometheus exporter for the logs of on-premises Azure Multi-Factor Authentication Server.</p>
<h2>Logs</h2>
<table id="logs">
<thead>
<tr><th>Log</th><th>Path</th><th>State</th><th>Lines read</th><th>Malformed</th><th>Last entry (UTC)</th><th>Age</th><th>Read errors</th></tr>
</thead>
<tbody>
{{- range .Logs}}
<tr class="{{if .Followed}}followed{{else}}waiting{{end}}" id="log-{{.Name}}">
<td class="name">{{.Name}}</td>
<td class="path">{{.Path}}</td>
<td class="state">{{.State}}</td>
<td class="num lines">{{.Lines}}</td>
<td class="num malformed">{{.Malformed}}</td>
<td class="last">{{.LastEntry}}</td>
<td class="age">{{.Age}}</td>
<td class="num errors">{{.ReadErrors}}</td>
</tr>
{{- end}}
</tbody>
</table>
<p class="note">Last entry is the time written in the newest well-formed line of the log; its
age is measured by this server's clock. A log that is waiting is checked again at every poll.</p>
<h2>Links</h2>
<ul>
<li><a href="{{.MetricsHref}}">Metrics</a> ({{.Metrics}})</li>
<li><a href="{{.HealthyHref}}">Health check</a> (/-/healthy)</li>
<li><a href="{{.DocsURL}}">Documentation</a></li>
</ul>
</body>
</html>
`))
