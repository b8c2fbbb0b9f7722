package codec

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"
)

func TestParseZone(t *testing.T) {
	cases := []struct {
		in     string
		offset int // seconds east of UTC at 2023-11-14T22:13:20Z
	}{
		{"", 0}, {"Z", 0}, {"UTC", 0}, {"GMT", 0}, {"UT", 0},
		{"+05:30", 19800}, {"-03:00", -10800}, {"+00:00", 0},
		{"+05", 18000}, {"-5", -18000}, {"+0530", 19800}, {"-05:30:15", -19815}, {"+053015", 19815},
		{"05:30", 19800}, {"10:00", 36000}, {"+18:00", 64800},
		{"UTC+05:30", 19800}, {"GMT-3", -10800}, {"UTC+0100", 3600}, {"UT+01", 3600},
		{"Asia/Kolkata", 19800}, {"America/New_York", -18000}, {"Etc/GMT+5", -18000},
	}
	at := time.Unix(1_700_000_000, 0)
	for _, tc := range cases {
		for range 2 { // second round is served by the cache
			loc, err := ParseZone(tc.in)
			if err != nil {
				t.Fatalf("%q: %v", tc.in, err)
			}
			if _, off := at.In(loc).Zone(); off != tc.offset {
				t.Errorf("%q: offset %d, want %d", tc.in, off, tc.offset)
			}
		}
	}
	if loc, _ := ParseZone("+05:30"); loc.String() != "+05:30" {
		t.Errorf("fixed zone named %q", loc)
	}
}

func TestParseZoneErrors(t *testing.T) {
	for _, bad := range []string{
		"Mars/Olympus", "Local", "+", "+5:3", "+05:60", "+19:00", "+05:30:60", "+053", "+05:30:15:00",
		"UTC+", "GMT+x", "5x", "+05:3a", "../etc/passwd",
	} {
		if loc, err := ParseZone(bad); !errors.Is(err, ErrUnknownZone) {
			t.Errorf("%q: got %v, %v; want ErrUnknownZone", bad, loc, err)
		}
	}
}

func TestParseZoneConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, z := range []string{"Europe/Paris", "+01:00", "Asia/Tokyo"} {
				if _, err := ParseZone(z); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}

// ParseZone never keeps its caller's memory (a zone decoded by DecodeChunkNoCopy views a whole
// result batch): the cache and the location's name hold their own copy of the spelling.
func TestParseZoneKeepsNoCallerMemory(t *testing.T) {
	const name = "America/Argentina/Ushuaia"
	buf := []byte(name)
	loc, err := ParseZone(unsafe.String(&buf[0], len(buf)))
	if err != nil {
		t.Fatal(err)
	}
	copy(buf, strings.Repeat("x", len(buf))) // the batch's memory is reused
	if loc.String() != name {
		t.Errorf("location name %q after its input changed", loc.String())
	}
	again, err := ParseZone(name)
	if err != nil || again != loc {
		t.Errorf("cache lost the spelling: %v, %v", again, err)
	}
}
