package codec

import (
	"bytes"
	"math"
	"math/big"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"
)

func TestTimeHelpers(t *testing.T) {
	cases := []struct {
		us         int64
		time, date string
	}{
		{0, "1970-01-01T00:00:00.000000Z", "1970-01-01"},
		{-1, "1969-12-31T23:59:59.999999Z", "1969-12-31"},
		{-86_400_000_000, "1969-12-31T00:00:00.000000Z", "1969-12-31"},
		{-86_400_000_001, "1969-12-30T23:59:59.999999Z", "1969-12-30"},
		{86_399_999_999, "1970-01-01T23:59:59.999999Z", "1970-01-01"},
		{253402300799999999, "9999-12-31T23:59:59.999999Z", "9999-12-31"},
		{-62135596800000000, "0001-01-01T00:00:00.000000Z", "0001-01-01"},
	}
	for _, tc := range cases {
		tm := MicrosToTime(tc.us)
		if got := tm.Format("2006-01-02T15:04:05.000000Z07:00"); got != tc.time {
			t.Errorf("MicrosToTime(%d) = %s, want %s", tc.us, got, tc.time)
		}
		if tm.Location() != time.UTC {
			t.Errorf("MicrosToTime(%d) not UTC", tc.us)
		}
		if got := TimeToMicros(tm); got != tc.us {
			t.Errorf("TimeToMicros(%s) = %d, want %d", tc.time, got, tc.us)
		}
		d := DateFromMicros(tc.us)
		if got := d.Format(time.DateOnly); got != tc.date || d.Hour() != 0 || d.Location() != time.UTC {
			t.Errorf("DateFromMicros(%d) = %v, want %s", tc.us, d, tc.date)
		}
	}
	// Sub-microsecond parts floor, also before 1970.
	if got := TimeToMicros(time.Unix(0, -1)); got != -1 {
		t.Errorf("-1 ns: %d", got)
	}
	if got := TimeToMicros(time.Unix(0, 1999)); got != 1 {
		t.Errorf("1999 ns: %d", got)
	}
	if got := DateFromMicros(math.MinInt64).Year(); got > -290000 {
		t.Errorf("MinInt64 date year %d", got)
	}
}

func TestValueDefensive(t *testing.T) {
	v := &Vector{Type: Long, Size: 2, Int64s: []int64{1}} // hand-built, one value short
	for _, row := range []int{-1, 2, 1 << 40} {
		if v.Value(row) != nil || !v.IsNull(row) {
			t.Errorf("row %d out of range: %v", row, v.Value(row))
		}
	}
	if v.Value(1) != nil {
		t.Errorf("short slice: %v", v.Value(1))
	}
	bad := &Vector{Type: Decimal128, Size: 1, Bytes: [][]byte{{}}}
	if bad.Value(0) != nil {
		t.Errorf("empty decimal: %v", bad.Value(0))
	}
	unknown := &Vector{Type: VectorType(77), Size: 1}
	if unknown.Value(0) != nil {
		t.Errorf("unknown type: %v", unknown.Value(0))
	}
	// Hand-built TIMESTAMP_TZ: zones resolved lazily; unparseable falls back to UTC.
	tz := &Vector{Type: TimestampTZ, Size: 2, Int64s: []int64{0, 0}, Zones: []string{"+01:00", "Bogus/Zone"}}
	if _, off := tz.Value(0).(time.Time).Zone(); off != 3600 {
		t.Errorf("lazy zone offset %d", off)
	}
	if loc := tz.Value(1).(time.Time).Location(); loc != time.UTC {
		t.Errorf("bad zone gave %v", loc)
	}
}

// TestValueOwnsMemory checks that strings and byte slices from Value are copies: the values of
// a vector share one allocation, which a handed-out value must not keep alive. The copy is the
// value's only allocation, its interface box included.
func TestValueOwnsMemory(t *testing.T) {
	in := chunkOf(2,
		vecOf(sizeF(2), typeF(String), dataF(mVarchar, strListF(1, strings.Repeat("a", 100), ""))),
		vecOf(sizeF(2), typeF(Binary), dataF(mVarchar, strListF(1, "\x00\xff", ""))))
	c, err := DecodeChunk(in)
	if err != nil {
		t.Fatal(err)
	}
	sv, bv := &c.Vectors[0], &c.Vectors[1]
	s := sv.Value(0).(string)
	if s != sv.Strings[0] || unsafe.StringData(s) == unsafe.StringData(sv.Strings[0]) {
		t.Errorf("string value %q shares the vector's memory", s)
	}
	b := bv.Value(0).([]byte)
	if string(b) != "\x00\xff" || &b[0] == &bv.Bytes[0][0] {
		t.Errorf("bytes value % x shares the vector's memory", b)
	}
	b[0] = 1
	if bv.Bytes[0][0] != 0 {
		t.Error("writing to a value changed the vector")
	}
	if v, ok := sv.Value(1).(string); !ok || v != "" {
		t.Errorf("empty string: %#v", sv.Value(1))
	}
	if v, ok := bv.Value(1).([]byte); !ok || v == nil || len(v) != 0 {
		t.Errorf("empty bytes: %#v; want a non-nil empty slice", bv.Value(1))
	}
	if n := testing.AllocsPerRun(100, func() { _ = sv.Value(0) }); n != 1 {
		t.Errorf("a string value takes %v allocations; want 1, the copy in its box", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = bv.Value(0) }); n != 1 {
		t.Errorf("a bytes value takes %v allocations; want 1, the copy in its box", n)
	}
	dv := Vector{Type: Decimal128, Size: 1, Bytes: [][]byte{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xda, 0x99, 0x80}}, Scale: 2}
	if got := dv.Value(0); got != "-24510.72" {
		t.Errorf("decimal value %#v; want \"-24510.72\"", got)
	}
	if n := testing.AllocsPerRun(100, func() { _ = dv.Value(0) }); n != 1 {
		t.Errorf("a decimal value takes %v allocations; want 1, its text in its box", n)
	}
}

// TestValueSurvivesCollection checks that string, bytes and decimal values, which share one
// allocation with their box, stay intact through garbage collections after the batch is gone,
// held as interfaces and as strings and slices copied out of them.
func TestValueSurvivesCollection(t *testing.T) {
	const n = 2000
	strs, bins, decs := make([]string, n), make([][]byte, n), make([][]byte, n)
	want := make([]string, n)
	for i := range n {
		strs[i] = strings.Repeat(string(rune('a'+i%26)), i%70)
		bins[i] = []byte(strs[i])
		decs[i] = DecimalBytes(big.NewInt(int64(i*i) - 1_000_000))
		want[i], _ = DecimalString(decs[i], 3)
	}
	c := &Chunk{Size: n, Vectors: []Vector{
		{Type: String, Size: n, Strings: strs},
		{Type: Binary, Size: n, Bytes: bins},
		{Type: Decimal128, Size: n, Bytes: decs, Scale: 3},
	}}
	boxed := make([]any, 0, 3*n)
	var copied []string
	var slices [][]byte
	for r := range n {
		for i := range c.Vectors {
			boxed = append(boxed, c.Vectors[i].Value(r))
		}
		copied = append(copied, c.Vectors[0].Value(r).(string))
		slices = append(slices, c.Vectors[1].Value(r).([]byte))
	}
	c, strs, bins, decs = nil, nil, nil, nil // the batch is garbage from here on
	for range 3 {
		runtime.GC()
		garbage := make([][]byte, 0, 1000)
		for j := range 1000 {
			garbage = append(garbage, bytes.Repeat([]byte{0x5a}, j%90+1))
		}
		runtime.KeepAlive(garbage)
	}
	for r := range n {
		s := strings.Repeat(string(rune('a'+r%26)), r%70)
		if got := boxed[3*r].(string); got != s || copied[r] != s {
			t.Fatalf("row %d: string %q / %q; want %q", r, got, copied[r], s)
		}
		if got := boxed[3*r+1].([]byte); string(got) != s || string(slices[r]) != s || cap(got) != len(got) {
			t.Fatalf("row %d: bytes %q / %q (cap %d); want %q", r, got, slices[r], cap(got), s)
		}
		if got := boxed[3*r+2]; got != want[r] || want[r] == "" {
			t.Fatalf("row %d: decimal %#v; want %q", r, got, want[r])
		}
	}
}

// TestValueInBoxes checks that values boxed from a Boxes equal Value's, stay distinct and
// unchanged as later values fill the same slab, and cost no allocation beyond the slabs.
func TestValueInBoxes(t *testing.T) {
	const n = 3 * wordSlab
	ints, floats, times := make([]int64, n), make([]float64, n), make([]int64, n)
	for i := range n {
		ints[i], floats[i], times[i] = int64(i)*1_000_003-7, float64(i)/3, int64(i)*86_400_000_123
	}
	c := &Chunk{Size: n, Vectors: []Vector{
		{Type: Long, Size: n, Int64s: ints},
		{Type: Double, Size: n, Float64s: floats},
		{Type: Timestamp, Size: n, Int64s: times},
		{Type: Date, Size: n, Int64s: times},
		{Type: TimestampTZ, Size: n, Int64s: times, Zones: []string{"+05:30"}, Constant: false},
	}}
	c.Vectors[4].Zones = make([]string, n)
	for i := range n {
		c.Vectors[4].Zones[i] = "+05:30"
	}
	var b Boxes
	got := make([]any, 0, n*len(c.Vectors))
	for r := range n {
		for i := range c.Vectors {
			got = append(got, c.Vectors[i].ValueIn(r, &b))
		}
	}
	runtime.GC()
	for r := range n {
		for i := range c.Vectors {
			want := c.Vectors[i].Value(r)
			g := got[r*len(c.Vectors)+i]
			if wt, ok := want.(time.Time); ok {
				gt, ok := g.(time.Time)
				if !ok || !gt.Equal(wt) || gt.Location().String() != wt.Location().String() {
					t.Fatalf("row %d column %d: %#v; want %#v", r, i, g, want)
				}
				continue
			}
			if g != want {
				t.Fatalf("row %d column %d: %#v; want %#v", r, i, g, want)
			}
		}
	}
	row := 0
	allocs := testing.AllocsPerRun(10*wordSlab, func() {
		_ = c.Vectors[0].ValueIn(row%n, &b)
		_ = c.Vectors[1].ValueIn(row%n, &b)
		row++
	})
	if allocs > 0.1 {
		t.Errorf("boxed numbers take %v allocations each; want one per slab of %d", allocs/2, wordSlab)
	}
}

// PrepareValues changes no value: DECIMAL128 values read the same before and after, NULLs
// included, for every layout; other types, and scales whose text would dwarf the values' bytes,
// are left alone.
func TestPrepareValuesKeepsValues(t *testing.T) {
	mk := func(i int) []byte { return DecimalBytes(big.NewInt(int64(i*i*7919 - 40000))) }
	const n = 40
	full, bs, nulls := make([][]byte, n), make([][]byte, n), make([]bool, n)
	for i := range n {
		full[i], bs[i] = mk(i), mk(i)
		if i%6 == 5 {
			nulls[i], bs[i] = true, nil // a NULL's slot may be empty
		}
	}
	for _, v := range []Vector{
		{Type: Decimal128, Size: n, Bytes: full, Scale: 2},
		{Type: Decimal128, Size: n, Bytes: bs, Scale: 2}, // an empty value is not NULL: not prepared
		{Type: Decimal128, Size: n, Bytes: bs, Nulls: nulls, Scale: 0},
		{Type: Decimal128, Size: n, Bytes: bs, Nulls: nulls, Scale: -3},
		{Type: Decimal128, Size: n, Bytes: [][]byte{mk(3)}, Constant: true, Scale: 5},
		{Type: Decimal128, Size: n, Bytes: full[:n/2], Scale: 1}, // built by hand, short
		{Type: Decimal128, Size: n, Bytes: full, Scale: 38},
		{Type: Decimal128, Size: n, Bytes: full, Scale: 39}, // text ~ the scale: not prepared
		{Type: Decimal128, Size: n, Bytes: full, Scale: -MaxDecimalScale},
		{Type: Binary, Size: n, Bytes: bs, Nulls: nulls},
	} {
		want := make([]any, n)
		for r := range n {
			want[r] = v.Value(r)
		}
		v.PrepareValues()
		smallScale := v.Scale >= -38 && v.Scale <= 38
		if prepared := len(v.decEnds) > 0; prepared != (v.Type == Decimal128 && smallScale && (v.Nulls != nil || !slices.ContainsFunc(v.Bytes, func(b []byte) bool { return b == nil }))) {
			t.Errorf("%s scale %d: prepared %v", v.Type, v.Scale, prepared)
		}
		for r := range n {
			if got := v.Value(r); !reflectEqual(got, want[r]) {
				t.Fatalf("%s scale %d row %d: %#v after PrepareValues; %#v before", v.Type, v.Scale, r, got, want[r])
			}
		}
	}
}

func reflectEqual(a, b any) bool {
	if ba, ok := a.([]byte); ok {
		bb, ok := b.([]byte)
		return ok && bytes.Equal(ba, bb)
	}
	return a == b
}
