package connector

import (
	"database/sql/driver"
	"math"
	"math/big"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func positional(vals ...any) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(vals))
	for i, v := range vals {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return nv
}

func TestInterpolate(t *testing.T) {
	tests := []struct {
		name  string
		query string
		args  []any
		want  string
	}{
		{"? in a literal, an identifier and a comment", `SELECT '?' AS "q?", a FROM "t" WHERE b = ? -- ?`, []any{5},
			`SELECT '?' AS "q?", a FROM "t" WHERE b = 5 -- ?`},
		{"no placeholders", "SELECT 1", nil, "SELECT 1"},
		{"several", "a = ? AND b IN (?, ?)", []any{"x", 1, nil}, "a = 'x' AND b IN (1, NULL)"},
		{"adjacent with a space", "? ?", []any{1, 2}, "1 2"},
		{"between punctuation", "SELECT (?)::int, ?||?, a=?*?/?", []any{1, "a", "b", 2, 3, 4},
			"SELECT (1)::int, 'a'||'b', a=2*3/4"},
		{"at both ends", "? + ?", []any{1, 2}, "1 + 2"},
		{"in literal", "SELECT 'a?b', ?", []any{1}, "SELECT 'a?b', 1"},
		{"doubled quote ends and reopens", "SELECT 'it''?s', ?", []any{1}, "SELECT 'it''?s', 1"},
		{"backslash-escaped quote", `SELECT 'it\'?s', ?`, []any{1}, `SELECT 'it\'?s', 1`},
		{"escaped backslash then close", `SELECT 'a\\', ?`, []any{1}, `SELECT 'a\\', 1`},
		{"in identifier", `SELECT "a?" FROM t WHERE x = ?`, []any{2}, `SELECT "a?" FROM t WHERE x = 2`},
		{"doubled quote in identifier", `SELECT "a""?" , ?`, []any{2}, `SELECT "a""?" , 2`},
		{"backslash is not special in identifier", `SELECT "a\", ?`, []any{2}, `SELECT "a\", 2`},
		{"dash comment", "SELECT ? -- ?\n, ?", []any{1, 2}, "SELECT 1 -- ?\n, 2"},
		{"slash comment", "SELECT ? // it's ?\n, ?", []any{1, 2}, "SELECT 1 // it's ?\n, 2"},
		{"block comment", "SELECT /* ? ' \" */ ?", []any{1}, "SELECT /* ? ' \" */ 1"},
		{"block comments do not nest", "SELECT /* /* */ ? /* ? */", []any{1}, "SELECT /* /* */ 1 /* ? */"},
		{"comment at end without newline", "SELECT ? --", []any{1}, "SELECT 1 --"},
		{"single dash and slash", "SELECT ? - ? / ?", []any{3, 2, 1}, "SELECT 3 - 2 / 1"},
		{"quote in comment", "SELECT ? -- don't\n", []any{1}, "SELECT 1 -- don't\n"},
		{"minus before negative", "SELECT 1 -?", []any{-5}, "SELECT 1 - -5"},
		{"minus before negative float", "SELECT 1-?", []any{-0.5}, "SELECT 1- -0.5"},
		{"minus before positive", "SELECT 1 -?", []any{5}, "SELECT 1 - 5"},
		{"escaped string arg", "WHERE s = ?", []any{"it's C:\\tmp\nx"}, `WHERE s = 'it\'s C:\\tmp\nx'`},
		{"literal looking like a placeholder stays", "WHERE s = ? AND t = ?", []any{"?", "'?"},
			`WHERE s = '?' AND t = '\'?'`},
		{"unicode around", "SELECT 'é?' || ? -- ü?", []any{"😀"}, "SELECT 'é?' || '😀' -- ü?"},
		{"time", "WHERE ts > ?", []any{time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC)},
			"WHERE ts > CAST('2024-01-02 03:04:05.000006' AS TIMESTAMP)"},
		{"slice arg", "WHERE id IN ?", []any{[]int64{1, 2}}, "WHERE id IN (1, 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Interpolate(tt.query, positional(tt.args...))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestInterpolateErrors(t *testing.T) {
	tests := []struct {
		name     string
		query    string
		args     []driver.NamedValue
		check    func(t *testing.T, err error)
		contains string
	}{
		{"too few args", "a = ? AND b = ? -- ?", positional(1), countIs(2, 1), "2 ? placeholder(s) but 1 argument(s)"},
		{"too many args", "a = ?", positional(1, 2), countIs(1, 2), "1 ? placeholder(s) but 2"},
		{"args but no placeholders", "SELECT '?'", positional(1), countIs(0, 1), ""},
		{"placeholders but no args", "SELECT ?", nil, countIs(1, 0), ""},
		{"unterminated literal", "SELECT 'abc", nil, textAt(7), "unterminated string literal"},
		{"literal ended by escaped quote", `SELECT 'abc\'`, positional(), textAt(7), "unterminated string"},
		{"backslash at end", `SELECT 'abc\`, positional(), textAt(7), "unterminated string"},
		{"unterminated literal with args", "SELECT ?, 'abc", positional(1), textAt(10), "unterminated"},
		{"unterminated identifier", `SELECT "abc`, nil, textAt(7), "unterminated quoted identifier"},
		{"unterminated block comment", "SELECT 1 /* x *", nil, textAt(9), "unterminated block comment"},
		{"slash-star-slash is not closed", "SELECT 1 /*/", nil, textAt(9), "unterminated block comment"},
		{"numbered placeholder", "SELECT ?1", positional(5), textAt(7), "numbered or named placeholders"},
		{"numbered placeholders out of order", "SELECT ?2 + ?1", positional(10, 20), textAt(7), "plain ?"},
		{"numbered placeholder without args", "SELECT ?1", nil, textAt(7), "not supported"},
		{"named placeholder", "WHERE a = ?name", positional(1), textAt(10), "numbered or named"},
		{"placeholder before a keyword", "WHERE a = ?AND b = ?", positional(1, 2), textAt(10), "space"},
		{"placeholder before underscore", "SELECT ?_x", positional(1), textAt(7), "not supported"},
		{"placeholder before non-ASCII", "SELECT ?é", positional(1), textAt(7), "not supported"},
		{"adjacent placeholders", "??", positional(1, 2), textAt(0), "another ?"},
		{"placeholder after a word", "SELECT x?", positional(1), textAt(8), "name or number"},
		{"placeholder after a keyword", "SELECT 1 LIMIT?", positional(1), textAt(14), "name or number"},
		{"placeholder after a digit", "SELECT 1?", positional(5), textAt(8), "name or number"},
		{"placeholder after $", "SELECT a$?", positional(5), textAt(9), "a$5"},
		{"placeholder after a point", "SELECT 1.?", positional(5), textAt(9), "1.5"},
		{"placeholder before a point", "SELECT ?.5", positional(5), textAt(7), "'.'"},
		{"placeholder after a string", "SELECT 'a'?", positional("b"), textAt(10), "quote"},
		{"placeholder before a quoted name", `SELECT ? AS x, ?"y"`, positional(1, 2), textAt(15), "quote"},
		{"placeholder after an exponent's sign", "SELECT 1e-?", positional(5), textAt(10), "exponent"},
		{"refused whatever the value", "SELECT 'a'?", positional(nil), textAt(10), "quote"},
		{"named arg", "a = ?", []driver.NamedValue{{Name: "a", Ordinal: 1, Value: 1}}, argAt(1, "int"), "sql.Named"},
		{"named second arg", "a = ? AND b = ?", []driver.NamedValue{{Ordinal: 1, Value: 1}, {Name: "b", Ordinal: 2, Value: "s"}},
			argAt(2, "string"), "named arguments"},
		{"bad arg index", "a = ? AND b = ?", positional(1, []byte("x")), argAt(2, "[]byte"), "argument 2 ([]byte)"},
		{"bad arg without ordinal", "a = ?", []driver.NamedValue{{Value: math.NaN()}}, argAt(1, "float64"), "argument 1 (float64)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Interpolate(tt.query, tt.args)
			require.Error(t, err)
			assert.Empty(t, got)
			tt.check(t, err)
			assert.Contains(t, err.Error(), tt.contains)
		})
	}
}

func countIs(placeholders, args int) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		var ce *PlaceholderCountError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, PlaceholderCountError{Placeholders: placeholders, Args: args}, *ce)
	}
}

func textAt(pos int) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		var te *SQLTextError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, pos, te.Pos)
	}
}

func argAt(index int, typ string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		var ae *ArgumentError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, index, ae.Index)
		assert.Equal(t, typ, ae.Type)
	}
}

func TestInterpolateNoArgsReturnsQuery(t *testing.T) {
	q := "SELECT * FROM \"t\" WHERE a = 'x?' -- ?"
	allocs := testing.AllocsPerRun(100, func() {
		got, err := Interpolate(q, nil)
		if err != nil || got != q {
			t.Fatalf("got %q, %v", got, err)
		}
	})
	assert.Zero(t, allocs)
}

type countingValuer struct{ calls *int }

func (c countingValuer) Value() (driver.Value, error) { *c.calls++; return int64(1), nil }

func TestCheckNamedValue(t *testing.T) {
	i, s := 7, "x"
	calls := 0
	accepted := []any{
		nil, true, 1, int8(1), int16(1), int32(1), int64(1), uint(1), uint8(1), uint16(1), uint32(1),
		uint64(1), myInt(1), myUint(2), 1.5, float32(1.5), myFloat(1), "s", myString("s"), time.Now(),
		Date{2024, 1, 2}, NullDate{}, mustDecimal(t, "1.5"), NullDecimal{}, big.NewInt(1),
		big.NewRat(1, 2), big.NewFloat(1), shapedDecimal{1, 1}, &i, &s, (*int)(nil), []int{1},
		[]string{"a"}, [2]int{}, countingValuer{&calls}, (*ptrValuer)(nil),
	}
	for _, v := range accepted {
		nv := driver.NamedValue{Ordinal: 1, Value: v}
		require.NoError(t, checkNamedValue(&nv), "%T", v)
		assert.Equal(t, v, nv.Value, "kept as it is: %T", v)
	}
	assert.Zero(t, calls, "Value is not called during the check")

	rejected := []struct {
		nv  driver.NamedValue
		typ string
	}{
		{driver.NamedValue{Ordinal: 2, Value: []byte("x")}, "[]byte"},
		{driver.NamedValue{Ordinal: 2, Value: math.NaN()}, "float64"},
		{driver.NamedValue{Ordinal: 2, Value: float32(math.Inf(1))}, "float32"},
		{driver.NamedValue{Ordinal: 2, Name: "n", Value: 1}, "int"},
		{driver.NamedValue{Ordinal: 2, Value: struct{}{}}, "struct {}"},
		{driver.NamedValue{Ordinal: 2, Value: "\xff"}, "string"},
		{driver.NamedValue{Ordinal: 2, Value: "a\x00"}, "string"},
		{driver.NamedValue{Ordinal: 2, Value: myString("\x00")}, "connector.myString"},
		{driver.NamedValue{Ordinal: 2, Value: uint64(math.MaxUint64)}, "uint64"},
	}
	for _, r := range rejected {
		err := checkNamedValue(&r.nv)
		argAt(2, r.typ)(t, err)
	}
}

// FuzzInterpolate: for any text and arguments, a statement the driver sends lexes (lexTokens)
// to the tokens of the text with each literal standing alone in place of its ?, is valid UTF-8
// and has no NUL; every argument cycles through the shapes of literal.
func FuzzInterpolate(f *testing.F) {
	for _, s := range []string{`SELECT '?' AS "q?", a FROM "t" WHERE b = ? -- ?`, "?", "'", `"`, "/*", "--?",
		"//?\n?", `'\'`, "a -? /* */", "SELECT 1;", "SELECT ?1", "??", "x?", "a$?", "1.?", "?.5", "'a'?",
		"x-?", "1e-?", "? ?", "(?)", "?,?", "a IN (?, ?)", "?/* */", "/**/?", "é?", "'\x00'", "\xff?"} {
		f.Add(s, int64(-1), `it's ? -- \`)
		f.Add(s, int64(5), "b")
	}
	f.Fuzz(func(t *testing.T, query string, num int64, str string) {
		got, err := Interpolate(query, nil)
		if err == nil {
			assert.Equal(t, query, got)
		}
		text, err := normalizeStatement(query)
		if err != nil {
			return
		}
		n := 0
		for _, tok := range lexTokens(t, text) {
			if tok == "?" {
				n++
			}
		}
		shapes := []any{num, str, float64(num) / 4, nil, num%2 == 0, time.Unix(num%1e10, num), big.NewInt(num),
			[]any{num, str}, Date{2024, 1, 2}}
		args := make([]any, n)
		literals := make([]string, n)
		bad := false
		for i := range args {
			args[i] = shapes[i%len(shapes)]
			lit, err := AppendLiteral(nil, args[i])
			bad = bad || err != nil
			literals[i] = string(lit)
		}
		sent, err := Interpolate(text, positional(args...))
		if bad {
			var ae *ArgumentError
			require.ErrorAs(t, err, &ae)
			return
		}
		require.NoError(t, err)
		assert.Equal(t, withLiterals(t, text, literals), lexTokens(t, sent), "%q sent as %q", text, sent)
		assert.True(t, utf8.ValidString(sent))
		assert.NotContains(t, sent, "\x00")
	})
}

func BenchmarkInterpolate(b *testing.B) {
	// The shape of a GORM First/Find with a few conditions.
	query := `SELECT * FROM "users" WHERE "users"."name" = ? AND "users"."age" > ? AND ` +
		`"users"."created_at" > ? AND "users"."deleted_at" IS NULL AND "users"."active" = ? ` +
		`ORDER BY "users"."id" ASC LIMIT ?`
	args := positional("o'brien", int64(30), time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), true, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Interpolate(query, args); err != nil {
			b.Fatal(err)
		}
	}
}
