package codec

import (
	"bytes"
	"math"
	"math/big"
	"reflect"
	"testing"
	"time"
)

func mustZone(t *testing.T, s string) *time.Location {
	t.Helper()
	loc, err := ParseZone(s)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// decimalOf returns the unscaled bytes of n padded (sign-extended) to width bytes, to test
// byte lengths other than the minimal one.
func decimalOf(n string, width int) []byte {
	x, _ := new(big.Int).SetString(n, 10)
	b := DecimalBytes(x)
	pad := byte(0)
	if b[0]&0x80 != 0 {
		pad = 0xFF
	}
	for len(b) < width {
		b = append([]byte{pad}, b...)
	}
	return b
}

func TestRoundTripEveryType(t *testing.T) {
	kolkata := mustZone(t, "Asia/Kolkata")
	plus0530 := mustZone(t, "+05:30")
	pre1970 := utc("1944-06-01T12:00:00Z") // Kolkata observed +06:30 during the war
	t.Run("pre-1970 named zone offset", func(t *testing.T) {
		if _, off := pre1970.In(kolkata).Zone(); off != 6*3600+30*60 {
			t.Fatalf("tzdata gives Asia/Kolkata %d s in 1944, want +06:30", off)
		}
	})
	nulls3 := []bool{false, false, true}
	cases := []struct {
		name string
		v    Vector
		want []any
	}{
		{"BOOLEAN", Vector{Type: Boolean, Bools: []bool{true, false, true}, Nulls: nulls3}, []any{true, false, nil}},
		{"INTEGER", Vector{Type: Integer, Int64s: []int64{math.MinInt32, math.MaxInt32, 0}, Nulls: nulls3}, []any{int64(math.MinInt32), int64(math.MaxInt32), nil}},
		{"LONG", Vector{Type: Long, Int64s: []int64{math.MinInt64, math.MaxInt64, -1}}, []any{int64(math.MinInt64), int64(math.MaxInt64), int64(-1)}},
		{"FLOAT", Vector{Type: Float, Float64s: []float64{1.5, -0.25, 0}, Nulls: nulls3}, []any{1.5, -0.25, nil}},
		{"DOUBLE", Vector{Type: Double, Float64s: []float64{5e-324, math.Inf(-1), 1e300}}, []any{5e-324, math.Inf(-1), 1e300}},
		{"STRING", Vector{Type: String, Strings: []string{"", "héllo 😀", "nul\x00"}}, []any{"", "héllo 😀", "nul\x00"}},
		{"ARRAY", Vector{Type: Array, Strings: []string{"[1,2]", "[]", "x"}, Nulls: nulls3}, []any{"[1,2]", "[]", nil}},
		{"MAP", Vector{Type: Map, Strings: []string{"{a=1}", "{}", "{}"}}, []any{"{a=1}", "{}", "{}"}},
		{"STRUCT", Vector{Type: Struct, Strings: []string{"{x:1}", "{}", ""}}, []any{"{x:1}", "{}", ""}},
		{"BINARY", Vector{Type: Binary, Bytes: [][]byte{{0, 0xFF, 0x80}, {}, nil}, Nulls: nulls3}, []any{[]byte{0, 0xFF, 0x80}, []byte{}, nil}},
		{"DATE", Vector{Type: Date, Int64s: []int64{-1, 0, 86_400_000_000*366 - 1}}, []any{utc("1969-12-31T00:00:00Z"), utc("1970-01-01T00:00:00Z"), utc("1971-01-01T00:00:00Z")}},
		{"DATETIME", Vector{Type: DateTime, Int64s: []int64{-1, 0, 1_700_000_000_123_456}}, []any{utc("1969-12-31T23:59:59.999999Z"), utc("1970-01-01T00:00:00Z"), utc("2023-11-14T22:13:20.123456Z")}},
		{"TIMESTAMP", Vector{Type: Timestamp, Int64s: []int64{-62135596800000000, 1, 0}, Nulls: nulls3}, []any{utc("0001-01-01T00:00:00Z"), utc("1970-01-01T00:00:00.000001Z"), nil}},
		{"INT96", Vector{Type: Int96, Int64s: []int64{-1_500_000, 2, 3}}, []any{utc("1969-12-31T23:59:58.5Z"), utc("1970-01-01T00:00:00.000002Z"), utc("1970-01-01T00:00:00.000003Z")}},
		{"NULL", Vector{Type: Null}, []any{nil, nil, nil}},
		{"TIMESTAMP_TZ", Vector{Type: TimestampTZ, Int64s: []int64{1_700_000_000_123_456, 0, TimeToMicros(pre1970)}, Zones: []string{"+05:30", "Z", "Asia/Kolkata"}},
			[]any{utc("2023-11-14T22:13:20.123456Z").In(plus0530), utc("1970-01-01T00:00:00Z"), pre1970.In(kolkata)}},
		{"TIMESTAMP_TZ no zones", Vector{Type: TimestampTZ, Int64s: []int64{0, 1, 2}, Nulls: nulls3}, []any{utc("1970-01-01T00:00:00Z"), utc("1970-01-01T00:00:00.000001Z"), nil}},
		{"DECIMAL128", Vector{Type: Decimal128, Scale: 2, Bytes: [][]byte{decimalOf("-1", 1), decimalOf("2451072", 3), decimalOf("-100000000000000000000000000000007", 17)}},
			[]any{"-0.01", "24510.72", "-1000000000000000000000000000000.07"}},
		{"DECIMAL128 wide", Vector{Type: Decimal128, Scale: -2, Bytes: [][]byte{decimalOf("5", 20), decimalOf("-170141183460469231731687303715884105728", 16), {}}, Nulls: nulls3},
			[]any{"500", "-17014118346046923173168730371588410572800", nil}},
		// Constant vectors: one slot, every row shares it.
		{"const BOOLEAN", Vector{Type: Boolean, Constant: true, Bools: []bool{true}}, []any{true, true, true}},
		{"const INTEGER", Vector{Type: Integer, Constant: true, Int64s: []int64{math.MinInt32}}, []any{int64(math.MinInt32), int64(math.MinInt32), int64(math.MinInt32)}},
		{"const LONG null", Vector{Type: Long, Constant: true, Int64s: []int64{9}, Nulls: []bool{true}}, []any{nil, nil, nil}},
		{"const FLOAT", Vector{Type: Float, Constant: true, Float64s: []float64{0.5}}, []any{0.5, 0.5, 0.5}},
		{"const DOUBLE", Vector{Type: Double, Constant: true, Float64s: []float64{-2}}, []any{-2.0, -2.0, -2.0}},
		{"const STRING", Vector{Type: String, Constant: true, Strings: []string{"same"}}, []any{"same", "same", "same"}},
		{"const BINARY", Vector{Type: Binary, Constant: true, Bytes: [][]byte{{1, 2}}}, []any{[]byte{1, 2}, []byte{1, 2}, []byte{1, 2}}},
		{"const DATE", Vector{Type: Date, Constant: true, Int64s: []int64{-1}}, []any{utc("1969-12-31T00:00:00Z"), utc("1969-12-31T00:00:00Z"), utc("1969-12-31T00:00:00Z")}},
		{"const DATETIME", Vector{Type: DateTime, Constant: true, Int64s: []int64{7}}, []any{utc("1970-01-01T00:00:00.000007Z"), utc("1970-01-01T00:00:00.000007Z"), utc("1970-01-01T00:00:00.000007Z")}},
		{"const TIMESTAMP_TZ", Vector{Type: TimestampTZ, Constant: true, Int64s: []int64{TimeToMicros(pre1970)}, Zones: []string{"Asia/Kolkata"}}, []any{pre1970.In(kolkata), pre1970.In(kolkata), pre1970.In(kolkata)}},
		{"const DECIMAL128", Vector{Type: Decimal128, Constant: true, Scale: 3, Bytes: [][]byte{decimalOf("-12345", 16)}}, []any{"-12.345", "-12.345", "-12.345"}},
		{"const NULL", Vector{Type: Null, Constant: true}, []any{nil, nil, nil}},
		{"const INT96", Vector{Type: Int96, Constant: true, Int64s: []int64{0}}, []any{utc("1970-01-01T00:00:00Z"), utc("1970-01-01T00:00:00Z"), utc("1970-01-01T00:00:00Z")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.v.Size = 3
			b, err := AppendChunk(nil, &Chunk{Size: 3, Vectors: []Vector{tc.v}})
			if err != nil {
				t.Fatal(err)
			}
			c, err := DecodeChunk(b)
			if err != nil {
				t.Fatal(err)
			}
			if c.Size != 3 || len(c.Vectors) != 1 {
				t.Fatalf("got size %d with %d vectors", c.Size, len(c.Vectors))
			}
			v := &c.Vectors[0]
			if v.Type != tc.v.Type || v.Constant != tc.v.Constant {
				t.Fatalf("got %v constant=%v", v.Type, v.Constant)
			}
			for r, want := range tc.want {
				assertValue(t, v.Value(r), want, r)
				if v.IsNull(r) != (want == nil) {
					t.Errorf("row %d: IsNull %v", r, v.IsNull(r))
				}
			}
			// Re-encoding the decoded vector gives the same bytes.
			if b2, err := AppendChunk(nil, c); err != nil || !bytes.Equal(b, b2) {
				t.Errorf("re-encode differs (err %v)", err)
			}
		})
	}
}

func assertValue(t *testing.T, got, want any, r int) {
	t.Helper()
	if wt, ok := want.(time.Time); ok {
		gt, ok := got.(time.Time)
		_, goff := gt.Zone()
		_, woff := wt.Zone()
		if !ok || !gt.Equal(wt) || goff != woff {
			t.Errorf("row %d: got %v, want %v", r, got, want)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("row %d: got %#v (%T), want %#v (%T)", r, got, got, want, want)
	}
}
