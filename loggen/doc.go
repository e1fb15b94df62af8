// Package loggen writes realistic Azure MFA Server logs, deterministic from a seed, together
// with the metric values the exporter must report for them.
//
// It simulates one log (RADIUS, IIS, main service, or the service messages as syslog) on a
// clock of its own: requests arrive on interleaved threads of one or a few processes and are
// answered after a time typical of their method; some users ask twice within seconds (answered
// from the cache, prompted again, or refused with 101), some requests are never answered, and
// noise, errors, admin changes and (optionally) malformed lines are mixed in. Nothing reads
// the wall clock.
//
// The expected values are not guessed from what the simulation meant to do: every line, as it
// is written, is also handed to a tracker that applies the exporter's rules (the result rule,
// the duplicate window, the abandonment timeout) to what was written. Where a line would land
// exactly on a boundary of those rules (start + timeout, last request + window) its time is
// moved on by one microsecond, so that "<" and "<=" readings of the rules agree.
package loggen
