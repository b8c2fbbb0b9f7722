package codec

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	// Embedded tzdata is the fallback when the host has no zoneinfo (slim containers): an IANA
	// zone on the wire must decode the same everywhere. Costs ~450 KB of binary.
	_ "time/tzdata"
)

// zoneCache maps zone spellings to locations. time.LoadLocation reads and parses tzdata on
// every call, far too slow per row, so every successful parse is cached. The cache is bounded
// (spellings come from the server, possibly hostile); beyond the bound we just parse again.
var (
	zoneCache     sync.Map // string -> *time.Location
	zoneCacheSize atomic.Int32
)

const maxZoneCache = 4096

// maxOffsetSeconds is Java's ZoneOffset range, ±18:00.
const maxOffsetSeconds = 18 * 3600

// ParseZone resolves a zone spelling as e6data sends it for TIMESTAMP_TZ (see
// docs/protocol.md): "Z", "UTC", "GMT", "UT" and "" (UTC); offsets "+05:30", "-03", "+0530",
// "+05:30:15", an unsigned "05:30" meaning +; the same offsets after "UTC", "GMT" or "UT"
// ("UTC+05:30", "GMT-3"); and IANA names ("Asia/Kolkata"). Offsets become fixed zones named in ±HH:MM[:SS]
// form. Anything else is an error wrapping ErrUnknownZone. Safe for concurrent use; results
// are cached.
func ParseZone(s string) (*time.Location, error) {
	if loc, ok := zoneCache.Load(s); ok {
		return loc.(*time.Location), nil
	}
	// The cache keeps s, and a location from tzdata keeps it as its name: never the caller's
	// memory, which may be a whole result batch (DecodeChunkNoCopy).
	s = strings.Clone(s)
	loc, err := parseZone(s)
	if err != nil {
		return nil, err
	}
	if zoneCacheSize.Load() < maxZoneCache {
		if _, loaded := zoneCache.LoadOrStore(s, loc); !loaded {
			zoneCacheSize.Add(1)
		}
	}
	return loc, nil
}

func parseZone(s string) (*time.Location, error) {
	switch s {
	case "", "Z", "UTC", "GMT", "UT", "Etc/UTC":
		return time.UTC, nil
	case "Local": // LoadLocation would return this machine's zone: never what the server meant
		return nil, fmt.Errorf("%w %q", ErrUnknownZone, s)
	}
	rest := s
	for _, p := range [...]string{"UTC", "GMT", "UT"} {
		if strings.HasPrefix(s, p) && len(s) > len(p) && (s[len(p)] == '+' || s[len(p)] == '-') {
			rest = s[len(p):]
			break
		}
	}
	if c := rest[0]; c == '+' || c == '-' || (c >= '0' && c <= '9') {
		secs, ok := parseOffset(rest)
		if !ok {
			return nil, fmt.Errorf("%w %q: malformed offset", ErrUnknownZone, s)
		}
		if secs == 0 {
			return time.UTC, nil
		}
		return time.FixedZone(offsetName(secs), secs), nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrUnknownZone, s, err)
	}
	return loc, nil
}

// parseOffset parses [±]H, [±]HH, [±]HHMM, [±]HH:MM, [±]HHMMSS and [±]HH:MM:SS; no sign means +.
func parseOffset(s string) (int, bool) {
	sign := 1
	switch s[0] {
	case '-':
		sign = -1
		s = s[1:]
	case '+':
		s = s[1:]
	}
	var parts [3]int
	n := 0
	colons := strings.Count(s, ":")
	switch {
	case colons > 0:
		fields := strings.Split(s, ":")
		if len(fields) > 3 {
			return 0, false
		}
		for i, f := range fields {
			if len(f) == 0 || len(f) > 2 || (i > 0 && len(f) != 2) {
				return 0, false
			}
			v, ok := digits(f)
			if !ok {
				return 0, false
			}
			parts[i] = v
		}
		n = len(fields)
	case len(s) == 1 || len(s) == 2 || len(s) == 4 || len(s) == 6:
		for i := 0; i < len(s); i += 2 {
			end := min(i+2, len(s))
			if len(s) == 1 {
				end = 1
			}
			v, ok := digits(s[i:end])
			if !ok {
				return 0, false
			}
			parts[n] = v
			n++
		}
	default:
		return 0, false
	}
	if parts[1] > 59 || parts[2] > 59 {
		return 0, false
	}
	secs := parts[0]*3600 + parts[1]*60 + parts[2]
	if secs > maxOffsetSeconds {
		return 0, false
	}
	return sign * secs, true
}

func digits(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, len(s) > 0
}

// offsetName renders an offset in seconds as ±HH:MM, or ±HH:MM:SS when it has seconds.
func offsetName(secs int) string {
	sign := byte('+')
	if secs < 0 {
		sign, secs = '-', -secs
	}
	b := []byte{sign, byte('0' + secs/36000), byte('0' + secs/3600%10), ':', byte('0' + secs/600%6), byte('0' + secs/60%10)}
	if s := secs % 60; s != 0 {
		b = append(b, ':', byte('0'+s/10), byte('0'+s%10))
	}
	return string(b)
}
