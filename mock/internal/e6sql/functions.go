package e6sql

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
)

// now is the clock behind e6_current_timestamp and e6_current_date; tests
// replace it.
var now = time.Now

var (
	registerOnce sync.Once
	registerErr  error
)

// scalar is one e6_* SQLite function.
type scalar struct {
	name          string
	nArgs         int32
	deterministic bool
	fn            func(args []driver.Value) (driver.Value, error)
}

// scalars lists every function Translate's output may call.
var scalars = []scalar{
	{"e6_timestamp", 1, true, castFunc("TIMESTAMP", false, kindTimestamp)},
	{"e6_try_timestamp", 1, true, castFunc("TIMESTAMP", true, kindTimestamp)},
	{"e6_date", 1, true, castFunc("DATE", false, kindDate)},
	{"e6_try_date", 1, true, castFunc("DATE", true, kindDate)},
	{"e6_timestamp_tz", 1, true, castFunc("timestamp_tz", false, kindTZ)},
	{"e6_try_timestamp_tz", 1, true, castFunc("timestamp_tz", true, kindTZ)},
	{"e6_boolean", 1, true, boolFunc(false)},
	{"e6_try_boolean", 1, true, boolFunc(true)},
	{"e6_current_timestamp", 0, false, func([]driver.Value) (driver.Value, error) {
		return FormatTimestamp(now()), nil
	}},
	{"e6_current_date", 0, false, func([]driver.Value) (driver.Value, error) {
		return FormatDate(now().UTC()), nil
	}},
	{"e6_date_trunc", 2, true, dateTrunc},
	{"e6_date_add", 3, true, dateAddFunc("DATE_ADD")},
	{"e6_timestamp_add", 3, true, dateAddFunc("TIMESTAMP_ADD")},
	{"e6_mod", 2, true, mod},
	{"e6_interval_add", 3, true, intervalAdd},
}

// Register registers the e6_* SQLite functions with modernc.org/sqlite's
// "sqlite" driver, once per process. Call it before opening the connections
// that run translated SQL: the driver gives functions to new connections only.
func Register() error {
	registerOnce.Do(func() {
		for _, s := range scalars {
			fn := s.fn
			impl := func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
				return fn(args)
			}
			var err error
			if s.deterministic {
				err = sqlite.RegisterDeterministicScalarFunction(s.name, s.nArgs, impl)
			} else {
				err = sqlite.RegisterScalarFunction(s.name, s.nArgs, impl)
			}
			if err != nil {
				registerErr = fmt.Errorf("e6sql: register %s: %w", s.name, err)
				return
			}
		}
	})
	return registerErr
}

// castFunc implements CAST(x AS TIMESTAMP/DATE/timestamp_tz). The TRY_CAST
// variant turns a value it cannot convert into NULL instead of an error.
func castFunc(target string, try bool, kind timeKind) func([]driver.Value) (driver.Value, error) {
	return func(args []driver.Value) (driver.Value, error) {
		v, null, err := timeArg(args[0])
		if err != nil {
			if try {
				return nil, nil
			}
			return nil, fmt.Errorf("cannot cast %s to %s: %v", describe(args[0]), target, err)
		}
		if null {
			return nil, nil
		}
		switch kind {
		case kindTimestamp:
			v = timeValue{t: v.t.UTC(), kind: kindTimestamp}
		case kindDate:
			y, m, d := v.t.UTC().Date()
			v = timeValue{t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), kind: kindDate}
		case kindTZ:
			if v.kind != kindTZ {
				v = timeValue{t: v.t.UTC(), kind: kindTZ, zone: "Z"}
			}
		}
		return v.format()
	}
}

// boolFunc implements CAST(x AS BOOLEAN): numbers are true when non-zero,
// text must be true/false/1/0 (any case).
func boolFunc(try bool) func([]driver.Value) (driver.Value, error) {
	return func(args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case nil:
			return nil, nil
		case int64:
			return v != 0, nil
		case float64:
			return v != 0, nil
		case string:
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "true", "1":
				return true, nil
			case "false", "0":
				return false, nil
			}
		}
		if try {
			return nil, nil
		}
		return nil, fmt.Errorf("cannot cast %s to BOOLEAN", describe(args[0]))
	}
}

// mod implements MOD(a, b): the remainder takes the sign of a, as in SQL
// engines and Go. Integers stay integers; a zero divisor gives NULL.
func mod(args []driver.Value) (driver.Value, error) {
	a, err := numArg("MOD", args[0])
	if err != nil {
		return nil, err
	}
	b, err := numArg("MOD", args[1])
	if err != nil {
		return nil, err
	}
	if a == nil || b == nil {
		return nil, nil
	}
	ai, aInt := a.(int64)
	bi, bInt := b.(int64)
	if aInt && bInt {
		if bi == 0 {
			return nil, nil
		}
		return ai % bi, nil
	}
	af, bf := toFloat(a), toFloat(b)
	if bf == 0 {
		return nil, nil
	}
	return math.Mod(af, bf), nil
}

// numArg coerces an argument to int64 or float64; numeric text is accepted
// because SQLite hands TEXT-affinity columns over as strings.
func numArg(fn string, v driver.Value) (driver.Value, error) {
	switch x := v.(type) {
	case nil, int64, float64:
		return x, nil
	case string:
		s := strings.TrimSpace(x)
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f, nil
		}
	}
	return nil, fmt.Errorf("%s: %s is not a number", fn, describe(v))
}

func toFloat(v driver.Value) float64 {
	if i, ok := v.(int64); ok {
		return float64(i)
	}
	f, _ := v.(float64)
	return f
}

// describe renders a function argument for an error message.
func describe(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case []byte:
		return fmt.Sprintf("a %d-byte blob", len(x))
	}
	return fmt.Sprint(v)
}
