package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/mock/internal/e6sql"
)

// The to* functions convert one driver value (int64, float64, string, []byte, time.Time) to
// the representation of one e6data type. They are lenient where SQLite's dynamic typing lets a
// value of another storage class into a column, and fail where no reading is sensible.

func toInt64(x any) (int64, error) {
	switch v := x.(type) {
	case int64:
		return v, nil
	case float64:
		if v == math.Trunc(v) && v >= -(1<<63) && v < 1<<63 {
			return int64(v), nil
		}
		return 0, fmt.Errorf("not an integer")
	case string:
		s := strings.TrimSpace(v)
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return toInt64(f)
		}
		return 0, fmt.Errorf("not a number")
	case bool:
		if v {
			return 1, nil
		}
		return 0, nil
	}
	return 0, fmt.Errorf("not a number")
}

func toFloat64(x any) (float64, error) {
	switch v := x.(type) {
	case float64:
		return v, nil
	case int64:
		return float64(v), nil
	case string:
		return strconv.ParseFloat(strings.TrimSpace(v), 64)
	}
	return 0, fmt.Errorf("not a number")
}

// toBool accepts SQLite's 1/0 (any non-zero number is true, as in SQLite) and boolean text.
func toBool(x any) (bool, error) {
	switch v := x.(type) {
	case int64:
		return v != 0, nil
	case float64:
		return v != 0, nil
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "t", "1":
			return true, nil
		case "false", "f", "0":
			return false, nil
		}
	}
	return false, fmt.Errorf("not a boolean")
}

// toText renders numbers the way SQLite's CAST(x AS TEXT) does.
func toText(x any) (string, error) {
	switch v := x.(type) {
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return formatReal(v), nil
	case []byte:
		return string(v), nil
	case time.Time:
		return e6sql.FormatTimestamp(v), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", fmt.Errorf("unsupported value")
}

// formatReal mimics SQLite's "%!.15g": 15 significant digits, and always a '.'.
func formatReal(f float64) string {
	s := strconv.FormatFloat(f, 'g', 15, 64)
	if strings.ContainsAny(s, ".nN") { // has a point, or is NaN/Inf
		return s
	}
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		return s[:i] + ".0" + s[i:]
	}
	return s + ".0"
}

func toBytes(x any) ([]byte, error) {
	switch v := x.(type) {
	case []byte:
		return v, nil // database/sql's Scan into *any already copied it
	case string:
		return []byte(v), nil
	}
	s, err := toText(x)
	return []byte(s), err
}

// toDateMicros returns the epoch µs of the UTC midnight starting x's day (in UTC).
func toDateMicros(x any) (int64, error) {
	var t time.Time
	switch v := x.(type) {
	case time.Time:
		t = v.UTC()
	case string:
		if us, ok := canonicalMicros(v); ok {
			return floorDay(us), nil
		}
		var err error
		if t, err = e6sql.ParseDate(v); err != nil {
			return 0, err
		}
	default:
		return 0, fmt.Errorf("not a date")
	}
	y, m, d := t.Date()
	return codec.TimeToMicros(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)), nil
}

// floorDay returns the start of the UTC day holding epoch µs us.
func floorDay(us int64) int64 {
	const day = 86_400_000_000
	r := us % day
	if r < 0 {
		r += day
	}
	return us - r
}

func toMicros(x any) (int64, error) {
	switch v := x.(type) {
	case time.Time:
		return codec.TimeToMicros(v), nil
	case string:
		if us, ok := canonicalMicros(v); ok {
			return us, nil
		}
		t, err := e6sql.ParseTimestamp(v)
		if err != nil {
			return 0, err
		}
		return codec.TimeToMicros(t), nil
	}
	return 0, fmt.Errorf("not a timestamp")
}

// toZoned returns the instant and the zone as spelled in the text; a value without a zone is UTC,
// spelled "Z".
func toZoned(x any) (int64, string, error) {
	switch v := x.(type) {
	case string:
		t, zone, err := e6sql.ParseTimestampTZ(v)
		if err != nil {
			return 0, "", err
		}
		if zone == "" {
			zone = "Z"
		}
		return codec.TimeToMicros(t), zone, nil
	case time.Time:
		_, off := v.Zone()
		if off == 0 {
			return codec.TimeToMicros(v), "Z", nil
		}
		return codec.TimeToMicros(v), v.Format("-07:00"), nil
	}
	return 0, "", fmt.Errorf("not a timestamp")
}

// toDecimal returns x's unscaled value at scale, as minimal big-endian two's complement.
// Text converts exactly; a real converts through its shortest decimal text, so 0.1 is 0.1 and
// not 0.1000000000000000055…; both round half away from zero to the scale (codec.ParseDecimal).
func toDecimal(x any, scale int32) ([]byte, error) {
	var s string
	switch v := x.(type) {
	case int64:
		s = strconv.FormatInt(v, 10)
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("not a finite number")
		}
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		s = strings.TrimSpace(v)
	default:
		return nil, fmt.Errorf("not a number")
	}
	return codec.ParseDecimal(s, scale)
}

// kindOf names a driver value's SQLite storage class for error messages.
func kindOf(x any) string {
	switch x.(type) {
	case int64:
		return "integer"
	case float64:
		return "real"
	case string:
		return "text"
	case []byte:
		return "blob"
	case time.Time:
		return "timestamp"
	}
	return fmt.Sprintf("%T", x)
}

// shorten renders a value for an error message, cut to a readable length.
func shorten(x any) string {
	var s string
	switch v := x.(type) {
	case []byte:
		s = fmt.Sprintf("%x", v)
	default:
		s = fmt.Sprint(v)
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}
