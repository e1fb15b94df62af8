// Package dashboards holds no code: it is the test module that checks the Grafana dashboards
// and Prometheus rules beside it against the metrics the exporter publishes, and runs them
// end to end against real Prometheus and Alertmanager binaries.
package dashboards
