package connector

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type (
	myInt    int32
	myUint   uint64
	myFloat  float32
	myString string
	myBool   bool
)

// shapedDecimal mimics shopspring/decimal: Coefficient/Exponent plus a Valuer returning a string.
type shapedDecimal struct {
	coef int64
	exp  int32
}

func (d shapedDecimal) Coefficient() *big.Int        { return big.NewInt(d.coef) }
func (d shapedDecimal) Exponent() int32              { return d.exp }
func (d shapedDecimal) Value() (driver.Value, error) { return "quoted-if-used", nil }

type panicShape struct{}

func (panicShape) Coefficient() *big.Int { panic("secret") }
func (panicShape) Exponent() int32       { return 0 }

type valuerFunc func() (driver.Value, error)

func (f valuerFunc) Value() (driver.Value, error) { return f() }

// ptrValuer has a pointer receiver that would panic on nil.
type ptrValuer struct{ v int64 }

func (p *ptrValuer) Value() (driver.Value, error) { return p.v, nil }

type selfValuer struct{}

func (s selfValuer) Value() (driver.Value, error) { return s, nil }

func mustDecimal(t testing.TB, s string) Decimal {
	t.Helper()
	d, err := ParseDecimal(s)
	require.NoError(t, err)
	return d
}

func TestAppendLiteral(t *testing.T) {
	i42, s := 42, "x"
	ps := &s
	zone := time.FixedZone("plus5", 5*3600)
	one := int64(1)

	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, "NULL"},
		{"nil pointer", (*int)(nil), "NULL"},
		{"nil big.Int", (*big.Int)(nil), "NULL"},
		{"nil pointer receiver Valuer", (*ptrValuer)(nil), "NULL"},
		{"nil shaped decimal pointer", (*shapedDecimal)(nil), "NULL"},
		{"true", true, "TRUE"},
		{"false", false, "FALSE"},
		{"named bool", myBool(true), "TRUE"},
		{"int", 42, "42"},
		{"negative int64", int64(-7), "-7"},
		{"int8", int8(-128), "-128"},
		{"uint16", uint16(65535), "65535"},
		{"named int", myInt(-3), "-3"},
		{"max int64 as uint64", uint64(math.MaxInt64), "9223372036854775807"},
		{"min int64", int64(math.MinInt64), "-9223372036854775808"},
		{"small float", 0.00001, "0.00001"},
		{"integral float", 1500000.0, "1500000.0"},
		{"negative float", -0.5, "-0.5"},
		{"zero float", 0.0, "0.0"},
		{"large float has no exponent", 1e21, "1000000000000000000000.0"},
		{"float32 at 32-bit precision", float32(0.1), "0.1"},
		{"named float32", myFloat(2.5), "2.5"},
		{"string", "abc", "'abc'"},
		{"string escapes", "it's C:\\tmp\nx", `'it\'s C:\\tmp\nx'`},
		{"CR and TAB", "a\rb\tc", `'a\rb\tc'`},
		{"other characters raw", "é\x01😀", "'é\x01😀'"},
		{"empty string", "", "''"},
		{"named string", myString("q'"), `'q\''`},
		{"time in UTC, truncated", time.Date(2024, 1, 2, 8, 4, 5, 123456789, zone),
			"CAST('2024-01-02 03:04:05.123456' AS TIMESTAMP)"},
		{"time always 6 digits", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
			"CAST('2024-01-02 03:04:05.000000' AS TIMESTAMP)"},
		{"date", Date{2024, time.January, 2}, "CAST('2024-01-02' AS DATE)"},
		{"null date", NullDate{}, "NULL"},
		{"valid null date", NullDate{Date: Date{1, 1, 1}, Valid: true}, "CAST('0001-01-01' AS DATE)"},
		{"decimal keeps scale", mustDecimal(t, "123.4500"), "123.4500"},
		{"negative small decimal", mustDecimal(t, "-0.01"), "-0.01"},
		{"decimal exponent", mustDecimal(t, "1.5E+3"), "1500"},
		{"zero decimal", Decimal{}, "0"},
		{"null decimal", NullDecimal{}, "NULL"},
		{"valid null decimal", NullDecimal{Decimal: mustDecimal(t, "7.10"), Valid: true}, "7.10"},
		{"big.Int", new(big.Int).Lsh(big.NewInt(1), 100), "1267650600228229401496703205376"},
		{"big.Rat eighth", big.NewRat(1, 8), "0.125"},
		{"big.Rat negative", big.NewRat(-5, 2), "-2.5"},
		{"big.Rat integer", big.NewRat(6, 2), "3"},
		{"big.Rat tenths", big.NewRat(7, 20), "0.35"},
		{"big.Float", big.NewFloat(1.5), "1.5"},
		{"big.Float large", new(big.Float).SetFloat64(1e20), "100000000000000000000"},
		{"shopspring shape before Valuer", shapedDecimal{12345, -2}, "123.45"},
		{"shopspring shape positive exponent", shapedDecimal{-12, 3}, "-12000"},
		{"shopspring shape pointer", &shapedDecimal{5, -3}, "0.005"},
		{"Valuer int64", valuerFunc(func() (driver.Value, error) { return int64(9), nil }), "9"},
		{"Valuer string", valuerFunc(func() (driver.Value, error) { return "v'", nil }), `'v\''`},
		{"Valuer nil", valuerFunc(func() (driver.Value, error) { return nil, nil }), "NULL"},
		{"pointer Valuer", &ptrValuer{3}, "3"},
		{"sql.NullString invalid", sql.NullString{}, "NULL"},
		{"sql.NullInt64 valid", sql.NullInt64{Int64: 5, Valid: true}, "5"},
		{"sql.NullTime", sql.NullTime{Time: time.Date(2020, 2, 3, 4, 5, 6, 7000, time.UTC), Valid: true},
			"CAST('2020-02-03 04:05:06.000007' AS TIMESTAMP)"},
		{"pointer", &i42, "42"},
		{"pointer to pointer", &ps, "'x'"},
		{"pointer to int64", &one, "1"},
		{"int slice", []int{1, 2, 3}, "(1, 2, 3)"},
		{"string slice", []string{"a", "b'c"}, `('a', 'b\'c')`},
		{"mixed slice", []any{1, nil, "x", true}, "(1, NULL, 'x', TRUE)"},
		{"empty slice", []int{}, "(NULL)"},
		{"nil slice", []string(nil), "(NULL)"},
		{"array", [2]int64{4, 5}, "(4, 5)"},
		{"slice of pointers", []*int{&i42, nil}, "(42, NULL)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppendLiteral([]byte("prefix:"), tt.in)
			require.NoError(t, err)
			assert.Equal(t, "prefix:"+tt.want, string(got))
		})
	}
}

func TestAppendLiteralErrors(t *testing.T) {
	secret := "hunter2"
	badErr := errors.New("vault locked")
	nested := new(any)
	*nested = nested // a pointer cycle
	tests := []struct {
		name     string
		in       any
		typ      string
		contains string
	}{
		{"uint64 over LONG", uint64(math.MaxInt64) + 1, "uint64", "largest LONG"},
		{"named uint over LONG", myUint(math.MaxUint64), "connector.myUint", "largest LONG"},
		{"NaN", math.NaN(), "float64", "NaN"},
		{"+Inf", math.Inf(1), "float64", "Inf"},
		{"float32 -Inf", float32(math.Inf(-1)), "float32", "Inf"},
		{"invalid UTF-8", secret + "\xff", "string", "UTF-8"},
		{"NUL", secret + "\x00", "string", "NUL character (U+0000)"},
		{"NUL in a named string", myString("\x00"), "connector.myString", "NUL"},
		{"year 0", time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC), "time.Time", "0001–9999"},
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "time.Time", "0001–9999"},
		{"year shifted by UTC", time.Date(1, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 3600)), "time.Time", "0001–9999"},
		{"invalid date", Date{2023, time.February, 29}, "connector.Date", "calendar date"},
		{"zero date", Date{}, "connector.Date", "calendar date"},
		{"rat with no finite decimal", big.NewRat(1, 3), "*big.Rat", "finite decimal"},
		{"big.Float Inf", new(big.Float).SetInf(false), "*big.Float", "Inf"},
		{"huge decimal exponent", shapedDecimal{1, math.MaxInt32}, "connector.shapedDecimal", "too large"},
		{"huge Decimal scale", NewDecimal(big.NewInt(1), -math.MaxInt32), "connector.Decimal", "too large"},
		{"panicking shape", panicShape{}, "connector.panicShape", "panicked"},
		{"bytes", []byte(secret), "[]byte", "binary parameters are not supported"},
		{"byte array", [4]byte{1, 2, 3, 4}, "[4]uint8", "binary parameters are not supported"},
		{"json.RawMessage", json.RawMessage(`{}`), "json.RawMessage", "binary"},
		{"nested slice", [][]int{{1}}, "[][]int", "nested lists"},
		{"nested in any", []any{1, []string{secret}}, "[]interface {}", "element 2 is []string: nested"},
		{"bad element", []float64{1, math.NaN()}, "[]float64", "element 2 is float64: NaN"},
		{"struct", struct{ A string }{secret}, "struct { A string }", "no SQL literal for this type"},
		{"map", map[string]int{secret: 1}, "map[string]int", "no SQL literal"},
		{"func", func() {}, "func()", "no SQL literal"},
		{"pointer to NaN", ptrTo(math.NaN()), "*float64", "it points to float64: NaN"},
		{"pointer cycle", nested, "*interface {}", "nest too deeply"},
		{"Valuer error", valuerFunc(func() (driver.Value, error) { return nil, badErr }), "connector.valuerFunc", "Value method failed"},
		{"Valuer panic", valuerFunc(func() (driver.Value, error) { panic(secret) }), "connector.valuerFunc", "panicked"},
		{"Valuer returning bytes", valuerFunc(func() (driver.Value, error) { return []byte(secret), nil }),
			"connector.valuerFunc", "its Value method returned []byte: binary"},
		{"Valuer returning itself", selfValuer{}, "connector.selfValuer", "nest too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("keep")
			got, err := AppendLiteral(dst, tt.in)
			assert.Equal(t, "keep", string(got), "dst is returned unchanged on error")
			var ae *ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, 0, ae.Index)
			assert.Equal(t, tt.typ, ae.Type)
			assert.Contains(t, err.Error(), tt.contains)
			assert.NotContains(t, err.Error(), secret, "the value must never appear in the message")
		})
	}
	_, err := AppendLiteral(nil, valuerFunc(func() (driver.Value, error) { return nil, badErr }))
	assert.ErrorIs(t, err, badErr)
}

func ptrTo[T any](v T) *T { return &v }

// unescapeLiteral reverses appendString, failing on anything appendString cannot produce.
// (Plain ifs, not testify, in the per-byte loop: the fuzzer runs it millions of times.)
func unescapeLiteral(t *testing.T, lit string) string {
	t.Helper()
	if len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
		t.Fatalf("not quoted: %q", lit)
	}
	body := lit[1 : len(lit)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '\'' {
			t.Fatalf("unescaped quote in %q", lit)
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(body) {
			t.Fatalf("lone backslash at the end of %q", lit)
		}
		i++
		switch body[i] {
		case '\\', '\'':
			b.WriteByte(body[i])
		case 'r':
			b.WriteByte('\r')
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		default:
			t.Fatalf("backslash not starting an escape pair in %q", lit)
		}
	}
	return b.String()
}

func FuzzAppendLiteralString(f *testing.F) {
	for _, s := range []string{"", "it's C:\\tmp\nx", `\'`, "\\", "'", "\r\n\t", "é😀", "a\x00b", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := AppendLiteral(nil, s)
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			require.Error(t, err)
			return
		}
		require.NoError(t, err)
		assert.Equal(t, s, unescapeLiteral(t, string(out)))
		// The literal must also lex as exactly one string span, closing where it ends.
		var spans int
		require.NoError(t, scanSQL(string(out), func(kind spanKind, start, end int) error {
			spans++
			assert.Equal(t, spanString, kind)
			return nil
		}))
		assert.Equal(t, 1, spans)
	})
}

func BenchmarkAppendLiteral(b *testing.B) {
	values := []any{int64(42), "it's a string with a \\ backslash", 3.25,
		time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC), true, nil}
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		for _, v := range values {
			var err error
			buf, err = AppendLiteral(buf[:0], v)
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
