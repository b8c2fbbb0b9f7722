package e6sql

import (
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2024-01-02", "2024-01-02 00:00:00.000000"},
		{" 2024-01-02 03:04 ", "2024-01-02 03:04:00.000000"},
		{"2024-01-02T03:04:05", "2024-01-02 03:04:05.000000"},
		{"2024-01-02 03:04:05.", "2024-01-02 03:04:05.000000"},
		{"2024-01-02 03:04:05.1", "2024-01-02 03:04:05.100000"},
		{"2024-01-02 03:04:05.123456789", "2024-01-02 03:04:05.123456"},
		{"2024-01-02T03:04:05Z", "2024-01-02 03:04:05.000000"},
		{"2024-01-02 03:04:05+05:30", "2024-01-01 21:34:05.000000"},
		{"2024-01-02 03:04:05 -0800", "2024-01-02 11:04:05.000000"},
		{"2024-01-02 03:04:05-08", "2024-01-02 11:04:05.000000"},
		{"2024-07-02 03:04:05.5 America/New_York", "2024-07-02 07:04:05.500000"},
		{"0001-01-01 00:00:00", "0001-01-01 00:00:00.000000"},
		{"9999-12-31 23:59:59.999999", "9999-12-31 23:59:59.999999"},
	}
	for _, tc := range tests {
		got, err := ParseTimestamp(tc.in)
		if err != nil {
			t.Errorf("ParseTimestamp(%q): %v", tc.in, err)
			continue
		}
		if s := FormatTimestamp(got); s != tc.want || got.Location() != time.UTC {
			t.Errorf("ParseTimestamp(%q) = %s (%v), want %s UTC", tc.in, s, got.Location(), tc.want)
		}
	}
	for _, bad := range []string{
		"", "2024", "2024-1-2", "2024-13-01", "2024-02-30", "2023-02-29", "0000-01-01",
		"2024-01-02 24:00", "2024-01-02 03:60", "2024-01-02 03:04:61", "2024-01-02 03:04:05.1234567890",
		"2024-01-02 03", "2024-01-02 03:04:05 Mars/Base", "2024-01-02 03:04:05+19:00", "2024-01-02 03:04:05+05:3",
		"2024-01-02x", "2024-01-02 03:04:05 Local", "2024-01-02 +05:30", "0001-01-01 00:00+01",
	} {
		if got, err := ParseTimestamp(bad); err == nil {
			t.Errorf("ParseTimestamp(%q) = %v, want an error", bad, got)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2024-02-29":                "2024-02-29",
		"2024-02-29 23:59:59":       "2024-02-29",
		"2024-02-29 23:00:00-05:00": "2024-03-01",
	} {
		got, err := ParseDate(in)
		if err != nil || FormatDate(got) != want || got.Location() != time.UTC || got.Hour() != 0 {
			t.Errorf("ParseDate(%q) = %v, %v; want %s UTC midnight", in, got, err, want)
		}
	}
}

func TestTimestampTZ(t *testing.T) {
	tests := []struct{ in, want, zone string }{
		{"2024-01-02 03:04:05.000000 +05:30", "2024-01-02 03:04:05.000000 +05:30", "+05:30"},
		{"2024-01-02 03:04:05+05:30", "2024-01-02 03:04:05.000000 +05:30", "+05:30"},
		{"2024-01-02T03:04:05.25Z", "2024-01-02 03:04:05.250000 Z", "Z"},
		{"2024-01-02 03:04:05 Asia/Kolkata", "2024-01-02 03:04:05.000000 Asia/Kolkata", "Asia/Kolkata"},
		{"2024-01-02 03:04:05", "2024-01-02 03:04:05.000000 Z", ""},
	}
	for _, tc := range tests {
		got, zone, err := ParseTimestampTZ(tc.in)
		if err != nil || zone != tc.zone {
			t.Errorf("ParseTimestampTZ(%q) = %v, %q, %v; want zone %q", tc.in, got, zone, err, tc.zone)
			continue
		}
		if s := FormatTimestampTZ(got, zone); s != tc.want {
			t.Errorf("FormatTimestampTZ(ParseTimestampTZ(%q)) = %q, want %q", tc.in, s, tc.want)
		}
	}
	utc := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	if got, want := FormatTimestampTZ(utc, "Asia/Kolkata"), "2024-01-02 08:34:05.000000 Asia/Kolkata"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := FormatTimestampTZ(utc, "Nowhere/Land"), "2024-01-02 03:04:05.000000 Z"; got != want {
		t.Errorf("unknown zone: got %q, want %q", got, want)
	}
}

// FuzzTimeFormats checks that every canonical text parses back to the same
// instant (to the microsecond) and re-formats identically.
func FuzzTimeFormats(f *testing.F) {
	f.Add(int64(0), 0)
	f.Add(int64(1704164645123456), 1)
	f.Add(int64(-62135596800000000), 2)
	f.Add(int64(253402300799999999), 3)
	zones := []string{"Z", "+05:30", "-0800", "Asia/Kolkata", "America/New_York", "UTC"}
	f.Fuzz(func(t *testing.T, us int64, zi int) {
		ts := time.UnixMicro(us).UTC()
		if ts.Year() < 2 || ts.Year() > 9998 {
			return
		}
		s := FormatTimestamp(ts)
		back, err := ParseTimestamp(s)
		if err != nil || !back.Equal(ts) || FormatTimestamp(back) != s {
			t.Fatalf("timestamp %s: parsed %v, %v", s, back, err)
		}
		d := FormatDate(ts)
		day, err := ParseDate(d)
		if err != nil || FormatDate(day) != d {
			t.Fatalf("date %s: parsed %v, %v", d, day, err)
		}
		zone := zones[(zi%len(zones)+len(zones))%len(zones)]
		tz := FormatTimestampTZ(ts, zone)
		got, gotZone, err := ParseTimestampTZ(tz)
		if err != nil || gotZone != zone || FormatTimestampTZ(got, gotZone) != tz {
			t.Fatalf("timestamp_tz %s: parsed %v %q, %v", tz, got, gotZone, err)
		}
		// Wall times repeated by a DST fall-back are ambiguous; the rest
		// must be the same instant.
		if !got.Equal(ts) && got.Sub(ts).Abs() != time.Hour {
			t.Fatalf("timestamp_tz %s: instant %v, want %v", tz, got, ts)
		}
	})
}

// FuzzParseTimestamp checks that parsing any text never panics and that
// whatever parses re-parses from its canonical form to the same instant.
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{
		"2024-01-02", "2024-01-02T03:04:05.123456789Z", "2024-01-02 03:04:05 +05:30",
		"2024-01-02 03:04:05 Asia/Kolkata", "2024-01-02 03:04:05-0800", "2024-01-02 03:04:05 -",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseTimestamp(s)
		if err != nil {
			return
		}
		back, err := ParseTimestamp(FormatTimestamp(ts))
		if err != nil || !back.Equal(ts.Truncate(time.Microsecond)) {
			t.Fatalf("%q -> %v -> %v, %v", s, ts, back, err)
		}
		if _, _, err := ParseTimestampTZ(s); err != nil {
			t.Fatalf("ParseTimestampTZ(%q): %v, but ParseTimestamp accepted it", s, err)
		}
	})
}
