package e6sql

import (
	"math"
	"strconv"
	"strings"
)

// intervalUnits are the units of an e6data INTERVAL, always singular.
var intervalUnits = map[string]bool{
	"YEAR": true, "QUARTER": true, "MONTH": true, "WEEK": true, "DAY": true,
	"HOUR": true, "MINUTE": true, "SECOND": true, "MILLISECOND": true,
}

// intervalForm is the e6data INTERVAL literal, for error messages.
const intervalForm = `INTERVAL '5 DAY' (one quoted string holding an integer and a singular unit: YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND or MILLISECOND), or INTERVAL "n" 'DAY' for an amount in a column`

// operandKeywords are words that cannot end the operand before "± INTERVAL",
// nor name a function before a '('.
var operandKeywords = map[string]bool{
	"SELECT": true, "WHERE": true, "AND": true, "OR": true, "NOT": true, "ON": true,
	"WHEN": true, "THEN": true, "ELSE": true, "IN": true, "BY": true, "FROM": true,
	"HAVING": true, "BETWEEN": true, "IS": true, "LIKE": true, "ILIKE": true,
	"CASE": true, "EXISTS": true, "AS": true, "JOIN": true, "SET": true,
	"VALUES": true, "DISTINCT": true, "ALL": true, "ANY": true, "SOME": true,
	"UNION": true, "INTERSECT": true, "EXCEPT": true, "LIMIT": true, "OFFSET": true,
	"WITH": true, "INTERVAL": true, "ESCAPE": true, "OVER": true, "RETURN": true,
}

// interval is a parsed INTERVAL literal.
type interval struct {
	unit   string
	n      int64   // the amount of INTERVAL '5 DAY'
	amount []token // the amount of INTERVAL "n" 'DAY' (nil for a literal amount)
	end    int     // index of the token after the literal
}

// rewriteIntervals turns "x ± INTERVAL '5 DAY'" into e6_interval_add('DAY',
// ±5, x), which SQLite can run. The operand x is the primary expression just
// before the operator: a (qualified) name, a literal, a function call, a
// parenthesized expression or a CASE … END. Timestamp arithmetic binds as
// tightly as the additions it sits among, which is all e6data SQL writes
// around it. INTERVAL forms e6data rejects are refused here too, in both
// modes: Translate could not run them either.
func rewriteIntervals(toks []token) ([]token, error) {
	for i := 0; i < len(toks); i++ {
		if !toks[i].isWord("INTERVAL") || (i > 0 && toks[i-1].is(".")) {
			continue
		}
		iv, ok, err := parseInterval(toks, i)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		pos := toks[i].pos
		op := prevSig(toks, i)
		if op < 0 || !(toks[op].is("+") || toks[op].is("-")) {
			return nil, unsupportedAt(pos, "an INTERVAL other than after a timestamp and + or -: write ts - INTERVAL '5 DAY'")
		}
		last := prevSig(toks, op)
		start := operandStart(toks, last)
		if start < 0 {
			return nil, unsupportedAt(pos, "INTERVAL arithmetic whose left operand it cannot find: write ts - INTERVAL '5 DAY' with ts a column, a function call or a parenthesized expression")
		}
		neg := toks[op].is("-")
		repl := []token{
			{kind: tkWord, text: "e6_interval_add", val: "e6_interval_add", pos: pos},
			{kind: tkPunct, text: "(", pos: pos},
			{kind: tkString, text: quoteString(iv.unit), val: iv.unit, pos: pos},
			{kind: tkPunct, text: ",", pos: pos},
			{kind: tkSpace, text: " ", pos: pos},
		}
		switch {
		case iv.amount == nil:
			if neg {
				if iv.n == math.MinInt64 {
					return nil, errAt(pos, "INTERVAL amount out of range")
				}
				iv.n = -iv.n
			}
			repl = append(repl, token{kind: tkNumber, text: strconv.FormatInt(iv.n, 10), pos: pos})
		case neg:
			repl = append(repl, token{kind: tkPunct, text: "-", pos: pos}, token{kind: tkPunct, text: "(", pos: pos})
			repl = append(repl, iv.amount...)
			repl = append(repl, token{kind: tkPunct, text: ")", pos: pos})
		default:
			repl = append(repl, iv.amount...)
		}
		repl = append(repl, token{kind: tkPunct, text: ",", pos: pos}, token{kind: tkSpace, text: " ", pos: pos})
		repl = append(repl, toks[start:last+1]...)
		repl = append(repl, token{kind: tkPunct, text: ")", pos: pos})
		out := make([]token, 0, len(toks)-(iv.end-start)+len(repl))
		out = append(out, toks[:start]...)
		out = append(out, repl...)
		out = append(out, toks[iv.end:]...)
		toks = out
		i = start + len(repl) - 1
	}
	return toks, nil
}

// parseInterval reads the INTERVAL literal whose keyword is toks[i]. ok is
// false when the word is not followed by one (a column named interval); an
// INTERVAL form e6data rejects is an error.
func parseInterval(toks []token, i int) (iv interval, ok bool, err error) {
	pos := toks[i].pos
	n := nextSigIn(toks, i+1)
	if n >= len(toks) {
		return iv, false, nil
	}
	t := toks[n]
	switch t.kind {
	case tkNumber:
		return iv, false, rejectAt(pos, "INTERVAL "+t.text+" with an unquoted amount", intervalForm)
	case tkString:
		fields := strings.Fields(t.val)
		if len(fields) == 1 {
			if u := nextSigIn(toks, n+1); u < len(toks) && toks[u].kind == tkWord && isUnitWord(toks[u].text) {
				return iv, false, rejectAt(pos, "INTERVAL '"+t.val+"' "+toks[u].text+" with the unit outside the quotes", intervalForm)
			}
		}
		if len(fields) != 2 {
			return iv, false, rejectAt(pos, "INTERVAL '"+t.val+"'", intervalForm)
		}
		if iv.unit, err = intervalUnit(pos, fields[1]); err != nil {
			return iv, false, err
		}
		iv.n, err = strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			if _, ferr := strconv.ParseFloat(fields[0], 64); ferr == nil {
				return iv, false, unsupportedAt(pos, "fractional INTERVAL amounts: use a smaller unit")
			}
			return iv, false, rejectAt(pos, "INTERVAL '"+t.val+"'", intervalForm)
		}
		iv.end = n + 1
		return iv, true, nil
	case tkQuoted, tkWord:
		// INTERVAL "n" 'HOUR': an amount taken from a (qualified) column.
		if t.kind == tkWord && operandKeywords[strings.ToUpper(t.text)] {
			return iv, false, nil // interval AS x: a column named interval
		}
		last := n
		for last+2 < len(toks) && toks[last+1].is(".") && isNamePart(toks[last+2]) {
			last += 2
		}
		u := nextSigIn(toks, last+1)
		if u >= len(toks) {
			return iv, false, nil
		}
		switch {
		case toks[u].kind == tkString:
			if iv.unit, err = intervalUnit(pos, strings.TrimSpace(toks[u].val)); err != nil {
				return iv, false, err
			}
			iv.amount = append([]token(nil), toks[n:last+1]...)
			iv.end = u + 1
			return iv, true, nil
		case toks[u].kind == tkWord && isUnitWord(toks[u].text):
			return iv, false, rejectAt(pos, "INTERVAL "+t.text+" "+toks[u].text+" with an unquoted unit", intervalForm)
		}
	}
	return iv, false, nil
}

// intervalUnit checks the unit of an INTERVAL and returns it upper-cased.
func intervalUnit(pos int, s string) (string, error) {
	u := strings.ToUpper(s)
	switch {
	case intervalUnits[u]:
		return u, nil
	case intervalUnits[strings.TrimSuffix(u, "S")]:
		return "", rejectAt(pos, "the plural INTERVAL unit "+s, "the singular unit, as in "+intervalForm)
	}
	return "", rejectAt(pos, "the INTERVAL unit '"+s+"'", intervalForm)
}

// isUnitWord reports whether w is an interval unit, singular or plural.
func isUnitWord(w string) bool {
	u := strings.ToUpper(w)
	return intervalUnits[u] || intervalUnits[strings.TrimSuffix(u, "S")]
}

// operandStart returns the index of the first token of the primary
// expression that ends at toks[last], or -1 if there is none it recognizes.
func operandStart(toks []token, last int) int {
	if last < 0 {
		return -1
	}
	t := toks[last]
	switch t.kind {
	case tkNumber:
		return last
	case tkQuoted:
		return nameStart(toks, last)
	case tkString:
		// A typed literal: TIMESTAMP '2024-01-02 03:04:05'.
		if p := prevSig(toks, last); p >= 0 && (toks[p].isWord("TIMESTAMP") || toks[p].isWord("DATE")) && !(p > 0 && toks[p-1].is(".")) {
			return p
		}
		return last
	case tkWord:
		up := strings.ToUpper(t.text)
		if up == "END" && !(last > 0 && toks[last-1].is(".")) {
			return matchCase(toks, last)
		}
		if operandKeywords[up] && !(last > 0 && toks[last-1].is(".")) {
			return -1
		}
		return nameStart(toks, last)
	case tkPunct:
		if !t.is(")") {
			return -1
		}
		open := matchOpen(toks, last)
		if open < 0 {
			return -1
		}
		// A function call: the name before the '(', unless it is a keyword
		// (WHERE (…) is not a call).
		if p := prevSig(toks, open); p >= 0 && isNamePart(toks[p]) {
			if toks[p].kind == tkQuoted || !operandKeywords[strings.ToUpper(toks[p].text)] || (p > 0 && toks[p-1].is(".")) {
				return nameStart(toks, p)
			}
		}
		return open
	}
	return -1
}

// nameStart extends the name part at toks[i] back over a qualified name's
// earlier parts (a.b.c).
func nameStart(toks []token, i int) int {
	for i >= 2 && toks[i-1].is(".") && isNamePart(toks[i-2]) {
		i -= 2
	}
	return i
}

// matchOpen returns the index of the '(' matching the ')' at toks[close], or -1.
func matchOpen(toks []token, close int) int {
	depth := 0
	for j := close; j >= 0; j-- {
		switch {
		case toks[j].is(")"):
			depth++
		case toks[j].is("("):
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// matchCase returns the index of the CASE that the END at toks[end] closes,
// or -1, counting nested CASE … END at the same parenthesis depth.
func matchCase(toks []token, end int) int {
	depth, parens := 0, 0
	for j := end; j >= 0; j-- {
		t := toks[j]
		switch {
		case t.is(")"):
			parens++
		case t.is("("):
			parens--
			if parens < 0 {
				return -1
			}
		case parens == 0 && t.kind == tkWord && !(j > 0 && toks[j-1].is(".")):
			switch strings.ToUpper(t.text) {
			case "END":
				depth++
			case "CASE":
				depth--
				if depth == 0 {
					return j
				}
			}
		}
	}
	return -1
}

// nextSigIn returns the index of the first non-space token at or after i,
// or len(toks).
func nextSigIn(toks []token, i int) int {
	for i < len(toks) && toks[i].kind == tkSpace {
		i++
	}
	return i
}
