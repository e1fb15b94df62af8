// Package logparse turns Azure MFA Server log lines into typed entries and authentications.
//
// It is pure: bytes in, values out. No files, no goroutines, no clock, no metrics. ParseLine
// decodes one line into an Entry without allocating; every []byte field of the Entry is a view
// into the line, valid until the caller reuses the line's buffer.
//
// # Layouts
//
// MFA Server's own layout, written by every service (RADIUS pfrad, IIS pfisapi, main service
// pfsvc, directory sync pfadssvc):
//
//	<timestamp>|<level>|<pid>|<tid>|<tag>|[<request-id>|]<message>
//	2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|Calling pfAuthUser('Domain\pnigam', '', 1)
//
// and the same messages sent to syslog, as RFC 3164 or as rsyslog's RFC 3339 precise format:
//
//	Nov 23 17:22:14 mfa01 pfsvc: <message>
//	2026-11-23T17:22:14.516730+00:00 mfa01 pfsvc: <message>
//
// A line that has none of these layouts is a *MalformedError with one of a few fixed
// reasons (see MalformedReasons). A line with a layout but a message of no known shape is
// an Entry of KindOther, never an error; so is a message that starts like a known shape but
// does not end like it.
//
// # What the parser assumes
//
// Microsoft does not publish the log format; most of it is inferred. Every assumption the
// parser makes (timestamps, levels and tags, pid and tid, request ids, user names,
// authResult, status decoding, client addresses, syslog years and zones, bytes) is listed
// once, in docs/counting.md at the root of the repository. UTF-16 must be decoded before
// ParseLine.
package logparse
