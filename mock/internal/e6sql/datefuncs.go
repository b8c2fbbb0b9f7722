package e6sql

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// timeKind is which e6data type a time value came as, so that functions
// answer in the same type (DATE_TRUNC of a DATE is a DATE).
type timeKind uint8

const (
	kindTimestamp timeKind = iota
	kindDate
	kindTZ
)

// timeValue is a decoded time argument: t is in its zone's location for
// kindTZ, UTC otherwise.
type timeValue struct {
	t    time.Time
	kind timeKind
	zone string
}

var errRange = errors.New("result outside years 0001-9999")

// format renders v in its kind's canonical text.
func (v timeValue) format() (driver.Value, error) {
	if y := v.t.Year(); y < 1 || y > 9999 {
		return nil, errRange
	}
	switch v.kind {
	case kindDate:
		return FormatDate(v.t), nil
	case kindTZ:
		return FormatTimestampTZ(v.t, v.zone), nil
	}
	return FormatTimestamp(v.t), nil
}

// timeArg decodes a time argument: text in any form ParseTimestampTZ reads
// (a date alone is a DATE, a zone makes it a timestamp_tz), or a number of
// microseconds since the Unix epoch (how e6data carries times on the wire).
func timeArg(v driver.Value) (tv timeValue, null bool, err error) {
	switch x := v.(type) {
	case nil:
		return tv, true, nil
	case int64:
		return timeValue{t: time.UnixMicro(x).UTC()}, false, nil
	case float64:
		if math.IsNaN(x) || math.Abs(x) > 1e18 {
			return tv, false, fmt.Errorf("%v is not a time", x)
		}
		return timeValue{t: time.UnixMicro(int64(math.Floor(x))).UTC()}, false, nil
	case string:
		t, hasTime, zone, err := parseTime(x)
		if err != nil {
			return tv, false, err
		}
		switch {
		case !hasTime:
			return timeValue{t: t, kind: kindDate}, false, nil
		case zone != "":
			return timeValue{t: t, kind: kindTZ, zone: zone}, false, nil
		}
		return timeValue{t: t}, false, nil
	}
	return tv, false, fmt.Errorf("%s is not a time", describe(v))
}

// unitArg reads a unit name such as 'MONTH', in any case.
func unitArg(fn string, v driver.Value) (unit string, null bool, err error) {
	switch x := v.(type) {
	case nil:
		return "", true, nil
	case string:
		return strings.ToUpper(strings.TrimSpace(x)), false, nil
	}
	return "", false, fmt.Errorf("%s: the unit must be a string such as 'DAY', not %s", fn, describe(v))
}

// dateTrunc implements DATE_TRUNC(unit, x). WEEK starts on Monday (ISO).
func dateTrunc(args []driver.Value) (driver.Value, error) {
	unit, nullU, err := unitArg("DATE_TRUNC", args[0])
	if err != nil {
		return nil, err
	}
	v, nullV, err := timeArg(args[1])
	if err != nil {
		return nil, fmt.Errorf("DATE_TRUNC: %v", err)
	}
	if nullU || nullV {
		return nil, nil
	}
	t := v.t
	y, m, d := t.Date()
	loc := t.Location()
	switch unit {
	case "YEAR":
		t = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	case "QUARTER":
		t = time.Date(y, (m-1)/3*3+1, 1, 0, 0, 0, 0, loc)
	case "MONTH":
		t = time.Date(y, m, 1, 0, 0, 0, 0, loc)
	case "WEEK":
		t = time.Date(y, m, d-(int(t.Weekday())+6)%7, 0, 0, 0, 0, loc)
	case "DAY":
		t = time.Date(y, m, d, 0, 0, 0, 0, loc)
	case "HOUR":
		t = time.Date(y, m, d, t.Hour(), 0, 0, 0, loc)
	case "MINUTE":
		t = time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, loc)
	case "SECOND":
		t = time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, loc)
	default:
		return nil, fmt.Errorf("DATE_TRUNC: unknown unit %s (want YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE or SECOND)", describe(args[0]))
	}
	v.t = t
	return v.format()
}

// unitSeconds is the length of the fixed-length units below a day.
var unitSeconds = map[string]int64{"HOUR": 3600, "MINUTE": 60, "SECOND": 1}

// dateAddFunc implements DATE_ADD and TIMESTAMP_ADD(unit, n, x). Day and
// larger units move the wall clock, months clamping to the month's end as
// java.time's plusMonths does (Jan 31 + 1 MONTH = Feb 28/29); smaller units
// move the instant. A DATE moved by a unit below a day becomes a TIMESTAMP.
func dateAddFunc(fn string) func([]driver.Value) (driver.Value, error) {
	return func(args []driver.Value) (driver.Value, error) {
		unit, nullU, err := unitArg(fn, args[0])
		if err != nil {
			return nil, err
		}
		n, nullN, err := countArg(fn, args[1])
		if err != nil {
			return nil, err
		}
		v, nullV, err := timeArg(args[2])
		if err != nil {
			return nil, fmt.Errorf("%s: %v", fn, err)
		}
		if nullU || nullN || nullV {
			return nil, nil
		}
		// Anything beyond these bounds leaves years 1–9999 anyway; the
		// bounds keep the arithmetic below from overflowing.
		const maxDays, maxSeconds = 4_000_000, 400_000_000_000
		switch unit {
		case "YEAR", "QUARTER", "MONTH":
			per := map[string]int64{"YEAR": 12, "QUARTER": 3, "MONTH": 1}[unit]
			if n > 120_000 || n < -120_000 {
				return nil, errRange
			}
			v.t = addMonths(v.t, n*per)
		case "WEEK", "DAY":
			if unit == "WEEK" {
				n *= 7
			}
			if n > maxDays || n < -maxDays {
				return nil, errRange
			}
			v.t = v.t.AddDate(0, 0, int(n))
		case "HOUR", "MINUTE", "SECOND", "MILLISECOND":
			if n > maxSeconds*1000 || n < -maxSeconds*1000 {
				return nil, errRange
			}
			sec, nsec := n*unitSeconds[unit], int64(0)
			if unit == "MILLISECOND" {
				sec, nsec = n/1000, n%1000*int64(time.Millisecond)
			}
			if sec > maxSeconds || sec < -maxSeconds {
				return nil, errRange
			}
			v.t = time.Unix(v.t.Unix()+sec, int64(v.t.Nanosecond())+nsec).In(v.t.Location())
			if v.kind == kindDate {
				v.kind = kindTimestamp
			}
		default:
			return nil, fmt.Errorf("%s: unknown unit %s (want YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND or MILLISECOND)", fn, describe(args[0]))
		}
		return v.format()
	}
}

// addMonths adds months to t's wall clock, clamping the day to the last day
// of the resulting month.
func addMonths(t time.Time, months int64) time.Time {
	y, m, d := t.Date()
	total := int64(y)*12 + int64(m-1) + months
	ny, nm := total/12, total%12
	if nm < 0 {
		ny, nm = ny-1, nm+12
	}
	month := time.Month(nm + 1)
	d = min(d, daysIn(int(ny), month))
	return time.Date(int(ny), month, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// countArg reads the amount of DATE_ADD: an integer, an integral real or
// integer text.
func countArg(fn string, v driver.Value) (n int64, null bool, err error) {
	switch x := v.(type) {
	case nil:
		return 0, true, nil
	case int64:
		return x, false, nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x), false, nil
		}
	case string:
		if i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
			return i, false, nil
		}
	}
	return 0, false, fmt.Errorf("%s: the amount must be an integer, not %s", fn, describe(v))
}

// addInterval is the arithmetic of x ± INTERVAL, which Translate rewrites to
// e6_interval_add(unit, ±n, x).
var addInterval = dateAddFunc("INTERVAL")

// intervalAdd implements timestamp ± INTERVAL. A DATE operand is an error:
// e6data adds intervals to timestamps only, and dates need DATE_ADD.
func intervalAdd(args []driver.Value) (driver.Value, error) {
	if v, null, err := timeArg(args[2]); err == nil && !null && v.kind == kindDate {
		return nil, fmt.Errorf("a DATE plus or minus an INTERVAL is not e6data SQL: write DATE_ADD('DAY', n, d) (got %s)", describe(args[2]))
	}
	return addInterval(args)
}
