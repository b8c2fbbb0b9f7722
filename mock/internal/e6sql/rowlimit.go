package e6sql

import (
	"strings"
)

// rewriteRowLimits turns the row-limiting forms that SQLite lacks into its
// LIMIT … OFFSET …: FETCH FIRST|NEXT [n] ROW|ROWS ONLY becomes LIMIT n
// (placed before an OFFSET of the same query), OFFSET m ROW|ROWS loses the
// ROWS, and an OFFSET without a LIMIT gets LIMIT -1 (SQLite's "no limit").
// Whether e6data accepts these forms is unknown, so the mock runs them rather
// than refuse SQL a real cluster might take.
func rewriteRowLimits(toks []token) []token {
	for i := 0; i < len(toks); i++ {
		if !toks[i].isWord("FETCH") || (i > 0 && toks[i-1].is(".")) {
			continue
		}
		n, end, ok := parseFetch(toks, i)
		if !ok {
			continue
		}
		limit := []token{
			{kind: tkWord, text: "LIMIT", val: "LIMIT", pos: toks[i].pos},
			{kind: tkSpace, text: " ", pos: toks[i].pos},
			n,
		}
		at := i
		if o, found := clauseBefore(toks, i, "OFFSET"); found {
			// OFFSET m FETCH FIRST n ROWS ONLY → LIMIT n OFFSET m.
			limit = append(limit, token{kind: tkSpace, text: " ", pos: toks[i].pos})
			limit = append(limit, toks[o:prevSig(toks, i)+1]...)
			at = o
		}
		out := make([]token, 0, len(toks)+len(limit))
		out = append(out, toks[:at]...)
		out = append(out, limit...)
		out = append(out, toks[end:]...)
		toks = out
		i = at + len(limit) - 1
	}
	for i := 0; i < len(toks); i++ {
		if !isOffsetClause(toks, i) {
			continue
		}
		amount := nextSigIn(toks, i+1)
		if rows := nextSigIn(toks, amount+1); rows < len(toks) && toks[amount].kind == tkNumber && (toks[rows].isWord("ROW") || toks[rows].isWord("ROWS")) {
			// Drop the word and the space before it, leaving no stray space
			// behind (a trailing one would make the output differ from its
			// own translation).
			toks = append(toks[:amount+1:amount+1], toks[rows+1:]...)
		}
		if _, found := clauseBefore(toks, i, "LIMIT"); found {
			continue
		}
		pos := toks[i].pos
		out := make([]token, 0, len(toks)+4)
		out = append(out, toks[:i]...)
		out = append(out, token{kind: tkWord, text: "LIMIT", val: "LIMIT", pos: pos}, token{kind: tkSpace, text: " ", pos: pos},
			token{kind: tkNumber, text: "-1", pos: pos}, token{kind: tkSpace, text: " ", pos: pos})
		out = append(out, toks[i:]...)
		toks = out
		i += 4
	}
	return toks
}

// parseFetch reads FETCH FIRST|NEXT [n] ROW|ROWS ONLY at toks[i] and returns
// the amount (1 when omitted) and the index after ONLY.
func parseFetch(toks []token, i int) (n token, end int, ok bool) {
	j := nextSigIn(toks, i+1)
	if j >= len(toks) || !(toks[j].isWord("FIRST") || toks[j].isWord("NEXT")) {
		return n, 0, false
	}
	j = nextSigIn(toks, j+1)
	n = token{kind: tkNumber, text: "1", pos: toks[i].pos}
	if j < len(toks) && toks[j].kind == tkNumber {
		n = toks[j]
		j = nextSigIn(toks, j+1)
	}
	if j >= len(toks) || !(toks[j].isWord("ROW") || toks[j].isWord("ROWS")) {
		return n, 0, false
	}
	j = nextSigIn(toks, j+1)
	if j >= len(toks) || !toks[j].isWord("ONLY") {
		return n, 0, false
	}
	return n, j + 1, true
}

// isOffsetClause reports whether toks[i] is the keyword of an OFFSET clause
// rather than a column named offset: it is followed by a number or a '('.
func isOffsetClause(toks []token, i int) bool {
	if !toks[i].isWord("OFFSET") || (i > 0 && toks[i-1].is(".")) {
		return false
	}
	n := nextSigIn(toks, i+1)
	return n < len(toks) && (toks[n].kind == tkNumber || toks[n].is("("))
}

// clauseBefore finds the clause keyword kw (LIMIT or OFFSET) of the query
// that toks[i] belongs to: the nearest such word before i at the same
// parenthesis depth, not looking past the '(' that encloses i.
func clauseBefore(toks []token, i int, kw string) (int, bool) {
	depth := 0
	for j := i - 1; j >= 0; j-- {
		t := toks[j]
		switch {
		case t.is(")"):
			depth++
		case t.is("("):
			if depth == 0 {
				return 0, false
			}
			depth--
		case depth == 0 && t.kind == tkWord && strings.EqualFold(t.text, kw) && !(j > 0 && toks[j-1].is(".")):
			if kw == "OFFSET" && !isOffsetClause(toks, j) {
				continue
			}
			return j, true
		}
	}
	return 0, false
}
