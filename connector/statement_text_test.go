package connector

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeStatement(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "SELECT 1", "SELECT 1"},
		{"surrounding whitespace", " \n\tSELECT 1 \r\n", "SELECT 1"},
		{"trailing semicolon", "SELECT 1;", "SELECT 1"},
		{"whitespace around semicolon", "  SELECT 1 \n ; \n", "SELECT 1"},
		{"semicolon in literal", "SELECT 'a;b';", "SELECT 'a;b'"},
		{"semicolon in identifier", `SELECT "a;b"`, `SELECT "a;b"`},
		{"semicolon in comments", "SELECT 1 -- a;b\n/* c; */ // d;", "SELECT 1 -- a;b\n/* c; */ // d;"},
		{"semicolon after escaped quote", `SELECT 'it\';s'`, `SELECT 'it\';s'`},
		{"comment then code", "-- note\nSELECT 1", "-- note\nSELECT 1"},
		{"semicolon ending a comment is kept", "SELECT 1 -- x;", "SELECT 1 -- x;"},
		{"semicolon after a comment", "SELECT 1 /* x */ ;", "SELECT 1 /* x */"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalizeStatement(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNormalizeStatementErrors(t *testing.T) {
	tests := []struct {
		name, in string
		pos      int
		contains string
	}{
		{"two statements", "SELECT 1; SELECT 2", 8, "one statement per call"},
		{"two statements, trailing semicolon", "  SELECT 1; SELECT 2;", 10, "split it into separate calls"},
		{"two semicolons", "SELECT 1;;", 8, "one statement per call"},
		{"semicolon before a comment", "SELECT 1; -- done", 8, "one statement per call"},
		{"empty", "", 0, "empty statement"},
		{"whitespace", " \n\t ", 0, "empty statement"},
		{"only a semicolon", " ; ", 0, "empty statement"},
		{"only comments", "-- a\n/* b */", 0, "empty statement"},
		{"unterminated literal", "  SELECT 'a;", 9, "unterminated string literal"},
		{"unterminated identifier", `SELECT "a`, 7, "unterminated quoted identifier"},
		{"unterminated comment", "SELECT 1 /* ;", 9, "unterminated block comment"},
		{"numbered placeholder", "  SELECT ?1", 9, "numbered or named placeholders"},
		{"placeholder after a string", "  SELECT 'a'?", 12, "quote"},
		{"invalid UTF-8", "SELECT 'caf\xe9'", 11, "not valid UTF-8"},
		{"truncated UTF-8 at the end", "SELECT 1 -- \xc3", 12, "not valid UTF-8"},
		{"invalid UTF-8 in a comment", "SELECT 1 /* \xff */", 12, "not valid UTF-8"},
		{"NUL in a literal", "SELECT 'a\x00'", 9, "NUL"},
		{"NUL in code", " SELECT 1\x00", 9, "NUL"},
		{"NUL before invalid UTF-8", "SELECT '\x00\xff'", 8, "NUL"},
		{"invalid UTF-8 before NUL", "SELECT '\xff\x00'", 8, "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalizeStatement(tt.in)
			assert.Empty(t, got)
			var te *SQLTextError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tt.pos, te.Pos)
			assert.Contains(t, err.Error(), tt.contains)
		})
	}
}

func TestScanSQLSpans(t *testing.T) {
	q := `SELECT 'a\'b' AS "x""y" -- c` + "\n" + `/* d */ // e`
	type span struct {
		kind spanKind
		text string
	}
	var got []span
	require.NoError(t, scanSQL(q, func(kind spanKind, start, end int) error {
		got = append(got, span{kind, q[start:end]})
		return nil
	}))
	assert.Equal(t, []span{
		{spanCode, "SELECT "},
		{spanString, `'a\'b'`},
		{spanCode, " AS "},
		{spanIdent, `"x"`},
		{spanIdent, `"y"`},
		{spanCode, " "},
		{spanComment, "-- c"},
		{spanCode, "\n"},
		{spanComment, "/* d */"},
		{spanCode, " "},
		{spanComment, "// e"},
	}, got)
}
