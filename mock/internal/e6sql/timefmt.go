package e6sql

import (
	"fmt"
	"strings"
	"time"

	// Embedded zone data makes IANA zone names work the same on every
	// machine, with or without /usr/share/zoneinfo.
	_ "time/tzdata"
)

const (
	layoutTimestamp = "2006-01-02 15:04:05.000000"
	layoutDate      = "2006-01-02"
)

// FormatTimestamp renders t in UTC as "2006-01-02 15:04:05.000000", the
// canonical text the mock stores TIMESTAMP values in. The width is fixed for
// years 0001–9999, so text order is time order. Nanoseconds are truncated.
func FormatTimestamp(t time.Time) string { return t.UTC().Format(layoutTimestamp) }

// FormatDate renders the calendar date of t, in t's own location, as
// "2006-01-02". Times from ParseDate are UTC midnights.
func FormatDate(t time.Time) string { return t.Format(layoutDate) }

// FormatTimestampTZ renders t as the wall time in zone, "2006-01-02
// 15:04:05.000000", followed by a space and zone spelled as given ("+05:30",
// "Z", "Asia/Kolkata"). An empty or unknown zone renders UTC as "Z", since
// this function cannot fail.
func FormatTimestampTZ(t time.Time, zone string) string {
	loc, err := loadZone(zone)
	if zone == "" || err != nil {
		return FormatTimestamp(t) + " Z"
	}
	return t.In(loc).Format(layoutTimestamp) + " " + zone
}

// ParseTimestamp reads a timestamp leniently and returns it in UTC. It
// accepts a date alone ("2024-01-02", midnight), or a date, 'T' or a space,
// HH:MM[:SS[.fraction]] with 0–9 fraction digits, and an optional zone:
// "Z", ±HH:MM, ±HHMM, ±HH, or after a space also an IANA name. Text without
// a zone is UTC.
func ParseTimestamp(s string) (time.Time, error) {
	t, _, _, err := parseTime(s)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// ParseDate reads a date, or any ParseTimestamp text (converted to UTC and
// truncated to its day), and returns that day's midnight in UTC.
func ParseDate(s string) (time.Time, error) {
	t, err := ParseTimestamp(s)
	if err != nil {
		return time.Time{}, err
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
}

// ParseTimestampTZ reads the FormatTimestampTZ form, and everything
// ParseTimestamp accepts, including offsets attached without a space
// ("…05.000000+05:30"). t is in the zone's location; zone is the zone as
// spelled in s, or "" when s has none (t is then UTC).
func ParseTimestampTZ(s string) (t time.Time, zone string, err error) {
	t, _, zone, err = parseTime(s)
	return t, zone, err
}

// parseTime is the one parser behind the Parse functions. It returns the
// time in its zone's location, whether s had a time of day, and the zone
// spelling ("" for none).
func parseTime(s string) (t time.Time, hasTime bool, zone string, err error) {
	in := s
	s = strings.TrimSpace(s)
	bad := func(why string) (time.Time, bool, string, error) {
		return time.Time{}, false, "", fmt.Errorf("invalid timestamp %q: %s", in, why)
	}
	p := &scanner{s: s}
	y, okY := p.digits(4)
	okD1 := p.lit('-')
	mo, okM := p.digits(2)
	okD2 := p.lit('-')
	d, okDay := p.digits(2)
	if !(okY && okD1 && okM && okD2 && okDay) {
		return bad("want YYYY-MM-DD")
	}
	var h, mi, sec, ns int
	if p.more() && (p.peek() == 'T' || p.peek() == 't' || p.peek() == ' ') {
		p.i++
		var okH, okC, okMi bool
		h, okH = p.digits(2)
		okC = p.lit(':')
		mi, okMi = p.digits(2)
		if !(okH && okC && okMi) {
			return bad("want HH:MM after the date")
		}
		hasTime = true
		if p.lit(':') {
			var ok bool
			if sec, ok = p.digits(2); !ok {
				return bad("want SS after HH:MM:")
			}
			if p.lit('.') || p.lit(',') {
				ns = p.fraction()
				if ns < 0 {
					return bad("more than 9 fraction digits")
				}
			}
		}
		if p.more() && p.peek() == ' ' {
			p.i++
		}
		zone = p.s[p.i:]
		p.i = len(p.s)
	}
	if p.more() {
		return bad("unexpected text after the date")
	}
	if y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, time.Month(mo)) || h > 23 || mi > 59 || sec > 59 {
		return bad("field out of range")
	}
	loc, err := loadZone(zone)
	if err != nil {
		return bad(err.Error())
	}
	t = time.Date(y, time.Month(mo), d, h, mi, sec, ns, loc)
	if uy := t.UTC().Year(); uy < 1 || uy > 9999 {
		return bad("outside years 0001-9999 in UTC")
	}
	return t, hasTime, zone, nil
}

// loadZone resolves a zone spelling: "" and Z/UTC/GMT are UTC, ±HH[:MM] and
// ±HHMM fixed offsets (at most 18 hours, as in java.time), anything else an
// IANA name.
func loadZone(zone string) (*time.Location, error) {
	switch strings.ToUpper(zone) {
	case "", "Z", "UTC", "GMT":
		return time.UTC, nil
	case "LOCAL":
		// time.LoadLocation("Local") would depend on the machine.
		return nil, fmt.Errorf("unknown zone %q", zone)
	}
	if c := zone[0]; c == '+' || c == '-' {
		p := &scanner{s: zone, i: 1}
		h, okH := p.digits(2)
		m := 0
		if okH && p.more() {
			p.lit(':')
			var okM bool
			if m, okM = p.digits(2); !okM {
				okH = false
			}
		}
		if !okH || p.more() || h > 18 || m > 59 || h*60+m > 18*60 {
			return nil, fmt.Errorf("bad zone offset %q", zone)
		}
		off := (h*60 + m) * 60
		if c == '-' {
			off = -off
		}
		return time.FixedZone(zone, off), nil
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("unknown zone %q", zone)
	}
	return loc, nil
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// scanner is a tiny cursor over fixed-format time text.
type scanner struct {
	s string
	i int
}

func (p *scanner) more() bool { return p.i < len(p.s) }
func (p *scanner) peek() byte { return p.s[p.i] }

// lit consumes c if it is next.
func (p *scanner) lit(c byte) bool {
	if p.more() && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// digits consumes exactly n decimal digits.
func (p *scanner) digits(n int) (int, bool) {
	if p.i+n > len(p.s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(p.s[p.i : p.i+n]) {
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	p.i += n
	return v, true
}

// fraction consumes fraction digits and returns them as nanoseconds, or -1
// if there are more than nine.
func (p *scanner) fraction() int {
	ns, n := 0, 0
	for p.more() && isDigit(p.peek()) {
		if n == 9 {
			return -1
		}
		ns = ns*10 + int(p.peek()-'0')
		n++
		p.i++
	}
	for ; n < 9; n++ {
		ns *= 10
	}
	return ns
}
