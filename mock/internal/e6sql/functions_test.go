package e6sql

import (
	"database/sql/driver"
	"math"
	"testing"
)

func TestFunctionEdges(t *testing.T) {
	add := dateAddFunc("DATE_ADD")
	tests := []struct {
		name string
		fn   func([]driver.Value) (driver.Value, error)
		args []driver.Value
		want driver.Value // nil with wantErr false means NULL
		err  bool
	}{
		{"month end clamp", add, []driver.Value{"MONTH", int64(1), "2023-01-31"}, "2023-02-28", false},
		{"negative months", add, []driver.Value{"month", int64(-1), "2024-03-31 10:00:00"}, "2024-02-29 10:00:00.000000", false},
		{"minus 13 months", add, []driver.Value{"MONTH", int64(-13), "2024-01-15"}, "2022-12-15", false},
		{"quarter", add, []driver.Value{"QUARTER", int64(1), "2024-11-30"}, "2025-02-28", false},
		{"week", add, []driver.Value{"WEEK", "2", "2024-01-01"}, "2024-01-15", false},
		{"float amount", add, []driver.Value{"DAY", 2.0, "2024-01-01"}, "2024-01-03", false},
		{"second on tz", add, []driver.Value{"SECOND", int64(30), "2024-01-01 23:59:45 +05:30"}, "2024-01-02 00:00:15.000000 +05:30", false},
		{"day across DST keeps wall clock", add, []driver.Value{"DAY", int64(1), "2024-03-09 12:00:00 America/New_York"}, "2024-03-10 12:00:00.000000 America/New_York", false},
		{"hour across DST moves instant", add, []driver.Value{"HOUR", int64(1), "2024-03-10 01:30:00 America/New_York"}, "2024-03-10 03:30:00.000000 America/New_York", false},
		{"epoch micros", add, []driver.Value{"DAY", int64(1), int64(0)}, "1970-01-02 00:00:00.000000", false},
		{"past 9999", add, []driver.Value{"DAY", int64(1), "9999-12-31"}, nil, true},
		{"before 0001", add, []driver.Value{"MILLISECOND", int64(-1), "0001-01-01"}, nil, true},
		{"huge amount", add, []driver.Value{"HOUR", int64(math.MaxInt64), "2024-01-01"}, nil, true},
		{"huge months", add, []driver.Value{"YEAR", int64(math.MinInt64), "2024-01-01"}, nil, true},
		{"bad unit type", add, []driver.Value{int64(1), int64(1), "2024-01-01"}, nil, true},
		{"blob time", add, []driver.Value{"DAY", int64(1), []byte("x")}, nil, true},
		{"null unit", add, []driver.Value{nil, int64(1), "2024-01-01"}, nil, false},
		{"trunc tz", dateTrunc, []driver.Value{"DAY", "2024-01-02 03:04:05 +05:30"}, "2024-01-02 00:00:00.000000 +05:30", false},
		{"trunc second", dateTrunc, []driver.Value{"second", "2024-01-02 03:04:05.999"}, "2024-01-02 03:04:05.000000", false},
		{"trunc year", dateTrunc, []driver.Value{"YEAR", "2024-05-06"}, "2024-01-01", false},
		{"trunc week of monday", dateTrunc, []driver.Value{"WEEK", "2024-01-01 10:00:00"}, "2024-01-01 00:00:00.000000", false},
		{"mod min int", mod, []driver.Value{int64(math.MinInt64), int64(-1)}, int64(0), false},
		{"mod negative real", mod, []driver.Value{-7.5, int64(2)}, -1.5, false},
		{"mod zero real", mod, []driver.Value{7.5, 0.0}, nil, false},
		{"mod text", mod, []driver.Value{"abc", int64(2)}, nil, true},
		{"bool text", boolFunc(false), []driver.Value{" FALSE "}, false, false},
		{"bool bad", boolFunc(false), []driver.Value{"yes"}, nil, true},
		{"timestamp of real", castFunc("TIMESTAMP", false, kindTimestamp), []driver.Value{1.5}, "1970-01-01 00:00:00.000001", false},
		{"timestamp of NaN", castFunc("TIMESTAMP", false, kindTimestamp), []driver.Value{math.NaN()}, nil, true},
		{"date of tz", castFunc("DATE", false, kindDate), []driver.Value{"2024-01-02 01:00:00 +05:30"}, "2024-01-01", false},
	}
	for _, tc := range tests {
		got, err := tc.fn(tc.args)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%s: got %#v, %v; want %#v (error %v)", tc.name, got, err, tc.want, tc.err)
		}
	}
}
