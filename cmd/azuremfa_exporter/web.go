package main

import (
	"io"
	"net/http"
	"time"
)

// httpTimeouts bound how long one connection may hold the exporter's memory. The reasons for
// the values are in docs/reliability.md (Decisions).
type httpTimeouts struct {
	readHeader, read, write, idle time.Duration
}

func defaultHTTPTimeouts() httpTimeouts {
	return httpTimeouts{
		readHeader: 10 * time.Second, // a scrape's headers arrive at once
		read:       30 * time.Second, // a scrape has no body
		write:      time.Minute,      // gathering takes milliseconds; a slow reader gets a minute
		idle:       2 * time.Minute,  // longer than the usual scrape intervals (15 s to 1 min)
	}
}

// newHTTPServer is the exporter's server: every phase of a connection has a deadline, so an
// idle keep-alive connection (a client that stopped scraping, or that got 401 and stayed) is
// closed rather than kept for ever.
func newHTTPServer(h http.Handler, t httpTimeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.readHeader,
		ReadTimeout:       t.read,
		WriteTimeout:      t.write,
		IdleTimeout:       t.idle,
	}
}

// newMux serves the metrics at metricsPath (validated by checkTelemetryPath), 200 at
// /-/healthy, and the landing page at / unless the metrics are there.
func newMux(metricsPath string, metrics, landing http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc(healthPath, func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "Healthy\n") })
	if metricsPath == "/" {
		mux.Handle("/{$}", metrics) // "/" alone would match every path
		return mux
	}
	mux.Handle(metricsPath, metrics)
	mux.Handle("/", landing)
	return mux
}
