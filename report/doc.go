// Package report is `azuremfa_exporter report`: it reads the configured Azure MFA Server logs
// once, through the follower, parser and correlator that feed the exporter's metrics, into a
// sink of its own, and says what the metrics cannot: how much of the logs the parser
// understands (and the templates of what it does not), and who, from which client and since
// when caused the duplicates, failures and fraud reports the metrics count, with a timeline.
// It writes the report as text, JSON, CSV (the users) or one self-contained HTML page.
package report
