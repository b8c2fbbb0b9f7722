package connector

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lexTokens splits SQL text into tokens with the driver's own lexer: scanSQL's spans, with code
// split at whitespace into names and numbers (runs of identifier characters, '$' and '.', with
// the sign of an exponent as isExponentNumber sees it) and single punctuation bytes. Spans a SQL
// reader takes as one token are one token here: a string directly after a string or a name
// ('a”b', x'0F') and a quoted name directly after a quoted name ("a""b"). It is a model that
// errs on the side of merging, so tokens that match prove that nothing merged.
func lexTokens(t testing.TB, s string) []string {
	t.Helper()
	var toks []string
	glued := false // the last token ends where the next span starts
	require.NoError(t, scanSQL(s, func(kind spanKind, start, end int) error {
		text := s[start:end]
		if kind != spanCode {
			last := ""
			if glued {
				last = toks[len(toks)-1]
			}
			switch {
			case kind == spanString && last != "" && (last[0] == '\'' || isWordByte(last[len(last)-1])),
				kind == spanIdent && last != "" && last[0] == '"':
				toks[len(toks)-1] += text
			default:
				toks = append(toks, text)
			}
			glued = kind != spanComment
			return nil
		}
		for i := 0; i < len(text); {
			c := text[i]
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
				i++
				glued = false
				continue
			case isWordByte(c):
				j := i + 1
				for j < len(text) && (isWordByte(text[j]) ||
					(text[j] == '-' || text[j] == '+') && isExponentNumber(text[i:j])) {
					j++
				}
				toks = append(toks, text[i:j])
				i = j
			default:
				toks = append(toks, text[i:i+1])
				i++
			}
			glued = true
		}
		return nil
	}))
	return toks
}

func isWordByte(b byte) bool { return isIdentByte(b) || b == '$' || b == '.' }

// withLiterals returns the tokens of query with each ? placeholder token replaced by the tokens
// of the matching literal standing alone.
func withLiterals(t testing.TB, query string, literals []string) []string {
	t.Helper()
	var want []string
	i := 0
	for _, tok := range lexTokens(t, query) {
		if tok != "?" {
			want = append(want, tok)
			continue
		}
		require.Less(t, i, len(literals), "more placeholders than literals in %q", query)
		want = append(want, lexTokens(t, literals[i])...)
		i++
	}
	return want
}

func TestLexTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`SELECT a$b, x.y, 1.5e-3, 1e+ ?`, []string{"SELECT", "a$b", ",", "x.y", ",", "1.5e-3", ",", "1e+", "?"}},
		{`x1e-5 'a''b' x'0F' "a""b" "a"'b' 'a'5`, []string{"x1e", "-", "5", `'a''b'`, `x'0F'`, `"a""b"`, `"a"`,
			`'b'`, `'a'`, "5"}},
		{"a--b\n-- c\n/* d */'e' 'f'", []string{"a", "--b", "-- c", "/* d */", "'e'", "'f'"}},
		{"(?)::int", []string{"(", "?", ")", ":", ":", "int"}},
	} {
		assert.Equal(t, tc.want, lexTokens(t, tc.in), tc.in)
	}
}

// TestPlaceholderNeighbours: every class of neighbour, on each side of a ?, with every shape of
// literal. A neighbour a value could merge with is refused for every value, naming the ?; the
// others keep each literal a token of its own.
func TestPlaceholderNeighbours(t *testing.T) {
	values := []any{int64(5), int64(-5), -0.5, 2.5, mustDecimal(t, "-1.50"), big.NewInt(-7), "b", "it's",
		nil, true, false, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), Date{2024, 1, 2}, []int{1, -2},
		[]string{}}
	for _, tc := range []struct {
		name        string
		left, right string // the text directly before and after the ?
		refused     bool
	}{
		// Refused: the value would merge with the neighbour, or the text asks for a merge.
		{"letter before", "SELECT x", "", true},
		{"keyword before", "SELECT 1 LIMIT", "", true},
		{"digit before", "SELECT 1", "", true},
		{"underscore before", "SELECT _", "", true},
		{"non-ASCII letter before", "SELECT é", "", true},
		{"$ before", "SELECT a$", "", true},
		{". before", "SELECT 1.", "", true},
		{"qualifier . before", `SELECT "t".`, "", true},
		{"string before", "SELECT 'a'", "", true},
		{"empty string before", "SELECT ''", "", true},
		{"quoted name before", `SELECT "a"`, "", true},
		{"backtick before", "SELECT `", "", true},
		{"placeholder before", "SELECT ?", "", true},
		{"exponent - before", "SELECT 1e-", "", true},
		{"exponent + before", "SELECT 2.5E+", "", true},
		{"fraction exponent before", "SELECT .5e-", "", true},
		{"letter after", "SELECT ", "x", true},
		{"e after", "SELECT ", "e5", true},
		{"digit after", "SELECT ", "1", true},
		{"underscore after", "SELECT ", "_", true},
		{"non-ASCII letter after", "SELECT ", "é", true},
		{"$ after", "SELECT ", "$", true},
		{". after", "SELECT ", ".5", true},
		{"string after", "SELECT ", "'a'", true},
		{"quoted name after", "SELECT ", `"a"`, true},
		{"backtick after", "SELECT ", "`", true},
		{"placeholder after", "SELECT ", "?", true},

		// Accepted: the literal stays a token of its own.
		{"nothing around", "", "", false},
		{"spaces", "SELECT ", " FROM t", false},
		{"- before", "SELECT x-", "", false},
		{"- before, after a number", "SELECT 1-", "", false},
		{"- before, after a name ending in e", "SELECT x1e-", "", false},
		{"- before, a space after the exponent", "SELECT 1e -", "", false},
		{"+ before", "SELECT 1+", "", false},
		{"* before", "SELECT 2*", "", false},
		{"/ before", "SELECT 2/", "", false},
		{"( before", "SELECT (", ")", false},
		{", between", "SELECT 1,", ",2", false},
		{"= before", "WHERE a=", "", false},
		{"< before", "WHERE a<", "", false},
		{"> before", "WHERE a>", "", false},
		{"| before", "SELECT 'a'||", "||'b'", false},
		{": before", `SELECT "v":`, "", false},
		{"block comment before", "SELECT /* c */", "", false},
		{"- after", "SELECT ", "-1", false},
		{"-- comment after", "SELECT ", "-- c", false},
		{"block comment after", "SELECT ", "/* c */", false},
		{"// comment after", "SELECT ", "// c", false},
		{"/ after", "SELECT ", "/2", false},
		{"* after", "SELECT ", "*2", false},
		{"+ after", "SELECT ", "+1", false},
		{") after", "SELECT f(1,", ")", false},
		{":: after", "SELECT ", "::int", false},
		{"= after", "WHERE ", "=a", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			query := tc.left + "?" + tc.right
			n := 1 + strings.Count(tc.left+tc.right, "?")
			for _, v := range values {
				args := make([]any, n)
				for i := range args {
					args[i] = v
				}
				got, err := Interpolate(query, positional(args...))
				if tc.refused {
					textAt(strings.IndexByte(query, '?'))(t, err)
					assert.Contains(t, err.Error(), "space", "says what to do")
					continue
				}
				require.NoError(t, err, "%T %v", v, v)
				lit, err := AppendLiteral(nil, v)
				require.NoError(t, err)
				assert.Equal(t, withLiterals(t, query, []string{string(lit)}), lexTokens(t, got),
					"%q with %T %v sent %q", query, v, v, got)
			}
		})
	}
}

// TestPlaceholderNeighboursMessages: the reasons name the neighbour and the side.
func TestPlaceholderNeighboursMessages(t *testing.T) {
	for _, tc := range []struct{ query, want string }{
		{"SELECT a$?", "directly after '$'"},
		{"SELECT 1.?", "directly after '.'"},
		{"SELECT ?.5", "directly before '.'"},
		{"SELECT 'a'?", "directly after a quote (')"},
		{"SELECT ??", "directly before another ?"},
		{"SELECT x?", "directly after a name or number"},
		{"SELECT 1e-?", "exponent"},
		{"SELECT ?1", "numbered or named placeholders"},
	} {
		_, err := Interpolate(tc.query, positional(5, 5))
		var te *SQLTextError
		require.ErrorAs(t, err, &te, tc.query)
		assert.Contains(t, te.Reason, tc.want, tc.query)
		assert.Contains(t, te.Reason, "space", tc.query, "says what to do")
	}
}
