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
// Public sources show only a handful of verbatim lines (see shared/reference/mfa-server-logs.md);
// the rest of the format is inferred. Where the code relies on an inference, it is this:
//
//   - Timestamps are ISO-8601 in UTC with a "Z" and 0 to 7 fraction digits. The parser also
//     takes 8 or 9 digits, a lower-case "t" or "z", a numeric offset (±hh:mm or ±hhmm, converted
//     to UTC) and no zone at all (taken as UTC). Nothing else: no space instead of "T", no leap
//     second 60.
//   - The level is any non-empty field without blanks ("i", "e", "0" are known); the tag is any
//     such field (pfrad, pfisapi, pfsvc, pfadssvc are known).
//   - The two numbers after the level are a process id and a thread id (inferred from their
//     values; no source names them). Each fits in a uint32. A request and its result lines share
//     them, which is what the correlator relies on.
//   - The request id is a GUID in 8-4-4-4-12 hex form followed by "|". Anything else in that
//     place is the start of the message, which may itself contain "|".
//   - The IIS module (MultiFactorAuthIisNm.log, tag pfisapi) is assumed to write the same layout
//     and the same "Calling pfAuthUser" / "authResult" / "rawCallStatus" lines as RADIUS; no IIS
//     line is public.
//   - In "Calling pfAuthUser('<user>', '<x>', <n>)" the user is everything up to the first
//     "', '" whose rest of the line still ends in "'<x>', <n>)". A quote inside a user name may be
//     doubled or escaped with a backslash; Entry.User keeps it as written (not unescaped), so
//     the same person is always the same bytes. A user name that itself contains "', '" is cut
//     there. The meaning of <x> and <n> is not public: <x> is skipped, <n> is Entry.Number.
//   - "authResult = 1" is success; any other value (0, negative, 2, ...) is taken as a denial.
//     Only 1 is seen in public samples, alongside success codes.
//   - Numbers (authResult, rawCallStatus, the third pfAuthUser argument) are decimal in
//     (-2^31, 2^31); a line with a larger one is KindOther. Blanks around "=" are optional.
//   - In Pfauth lines the status is decoded by its constant first (three cache codes share the
//     description "Used Cache"), then, if the constant is a number, by that number, then by the
//     description (case-insensitive). A status that none of these finds keeps StatusKnown false
//     and Status.Code CodeUnknown (or the number, if one was written). The client address is
//     the last word after " from ", given without port and brackets: "10.0.0.1:1812" gives
//     "10.0.0.1", "[2001:db8::1]:443" gives "2001:db8::1", and a bare IPv6 address is kept whole.
//   - "validate_oath_code: user <user> updated authentication result. ... callStatus = <Desc>":
//     the user is unquoted and ends at " updated authentication result"; the status is the last
//     "callStatus = " to the end of the line (surrounding quotes and a final "." dropped),
//     decoded by description, else number, else constant.
//   - Audit lines: the administrator's name ends at the first `" changed user "`,
//     `" added new user "` or `" deleted user record "`. The old and new values of a change are
//     not kept (they are often phone numbers).
//   - RFC 3164 syslog lines carry no year and no zone: the year is ParseOptions.Year and the time
//     is taken as UTC. Configure the syslog sender to write UTC, or prefer the RFC 3339 format.
//     The day may be space- or zero-padded or a single digit. "tag[pid]:" sets Entry.PID; syslog
//     lines have no thread id, and no level.
//   - A leading UTF-8 byte order mark and a trailing "\r" (then "\n") are stripped; any other
//     byte, NUL and invalid UTF-8 included, is data. UTF-16 must be decoded before ParseLine.
package logparse
