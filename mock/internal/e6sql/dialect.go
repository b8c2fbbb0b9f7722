package e6sql

import (
	"strings"
)

// rejectAt reports a form that e6data itself rejects, naming the e6data form
// to write instead. Such an error is not Unsupported: the SQL is wrong, not
// merely beyond the mock.
func rejectAt(pos int, form, instead string) *Error {
	return &Error{Pos: pos, Msg: form + " is not e6data SQL: write " + instead}
}

// rejectedFuncs maps functions that other engines have and e6data does not
// to the e6data form that does the same. They are refused only as calls.
var rejectedFuncs = map[string]string{
	"IFNULL":      "COALESCE(a, b)",
	"ISNULL":      "COALESCE(a, b)",
	"NOW":         "CURRENT_TIMESTAMP (without parentheses)",
	"CHAR_LENGTH": "LENGTH(s)",
	"LEN":         "LENGTH(s)",
	"IF":          "CASE WHEN … THEN … ELSE … END",
	"IIF":         "CASE WHEN … THEN … ELSE … END",
}

// checkWord applies the dialect checks to the bare word toks[i] (upper-cased
// as up), which does not follow a '.'; call tells whether a '(' follows it.
func (tr *translator) checkWord(i, hi int, up string, call bool) error {
	t := tr.toks[i]
	if instead, ok := rejectedFuncs[up]; ok && call {
		return rejectAt(t.pos, up+"()", instead)
	}
	switch up {
	case "LIMIT":
		if comma := tr.limitComma(i+1, hi); comma >= 0 {
			return rejectAt(tr.toks[comma].pos, "LIMIT m, n", "LIMIT n OFFSET m")
		}
	case "TOP":
		// SELECT TOP 5 …, SELECT DISTINCT TOP (5) …; a column named top
		// is followed by a comma, FROM or an operator instead.
		p := tr.prevSig(i)
		nx := tr.nextSig(i+1, hi)
		afterSelect := p >= 0 && (tr.toks[p].isWord("SELECT") || tr.toks[p].isWord("DISTINCT") || tr.toks[p].isWord("ALL"))
		if afterSelect && nx < hi && (tr.toks[nx].kind == tkNumber || tr.toks[nx].is("(")) {
			return rejectAt(t.pos, "TOP n", "LIMIT n at the end of the query")
		}
	}
	return nil
}

// limitComma returns the index of a ',' in the LIMIT clause that starts at
// toks[lo] (LIMIT m, n), or -1. The clause ends at OFFSET, at a ')' closing
// the enclosing parenthesis, at a set operator or at the end.
func (tr *translator) limitComma(lo, hi int) int {
	depth := 0
	for j := lo; j < hi; j++ {
		t := tr.toks[j]
		switch {
		case t.is("("):
			depth++
		case t.is(")"):
			if depth == 0 {
				return -1
			}
			depth--
		case depth == 0 && t.is(","):
			return j
		case depth == 0 && t.kind == tkWord && !tr.afterDot(j):
			switch strings.ToUpper(t.text) {
			case "OFFSET", "UNION", "INTERSECT", "EXCEPT", "FETCH":
				return -1
			}
		}
	}
	return -1
}

// prevSig returns the index of the last non-space token before i, or -1.
func (tr *translator) prevSig(i int) int { return prevSig(tr.toks, i) }

func prevSig(toks []token, i int) int {
	for i--; i >= 0 && toks[i].kind == tkSpace; i-- {
	}
	return i
}

// rejectedCasts maps CAST targets that e6data does not accept to the
// target to write instead.
var rejectedCasts = map[string]string{
	"STRING":   "VARCHAR",
	"TEXT":     "VARCHAR",
	"SMALLINT": "INT",
	"TINYINT":  "INT",
	"BINARY":   "VARBINARY",
	"DATETIME": "TIMESTAMP",
}

// castTargets lists the CAST targets e6data accepts, for the error about
// one it does not.
const castTargets = "CHAR, VARCHAR, INT, BIGINT, BOOLEAN, DATE, FLOAT, DOUBLE, TIMESTAMP, DECIMAL(p,s), JSON, VARBINARY or timestamp_tz"

// checkCastTarget applies the dialect checks to a CAST or TRY_CAST target:
// name is its words upper-cased and joined by spaces, first its first token,
// and generic tells whether it has a '<' (ARRAY<INT>). Targets e6data is not
// known to accept or reject (INTEGER, REAL, …) pass.
func checkCastTarget(name string, first token, generic bool) error {
	switch {
	case generic && strings.HasPrefix(name, "ARRAY"):
		return rejectAt(first.pos, "CAST to ARRAY<…>", "a CAST to "+castTargets)
	case name == "TIMESTAMP_TZ" && first.text != "timestamp_tz":
		return rejectAt(first.pos, "CAST to "+first.text, "timestamp_tz in lower case")
	}
	if instead, ok := rejectedCasts[name]; ok {
		return rejectAt(first.pos, "CAST to "+name, "CAST(x AS "+instead+")")
	}
	return nil
}

// checkDateArith refuses a date or timestamp value (ending just before
// toks[after]) followed by + or - and a number: e6data moves times with
// DATE_ADD and TIMESTAMP_ADD, and SQLite would silently add to the year.
// Only values whose type shows in the SQL (CURRENT_DATE, DATE '…', CAST(…
// AS DATE), …) are checked; a column's type is unknown here.
func (tr *translator) checkDateArith(after, hi int, date bool) error {
	op := tr.nextSig(after, hi)
	if op >= hi || !(tr.toks[op].is("+") || tr.toks[op].is("-")) {
		return nil
	}
	if n := tr.nextSig(op+1, hi); n >= hi || tr.toks[n].kind != tkNumber {
		return nil
	}
	if date {
		return rejectAt(tr.toks[op].pos, "a DATE plus or minus a number", "DATE_ADD('DAY', n, d)")
	}
	return rejectAt(tr.toks[op].pos, "a TIMESTAMP plus or minus a number", "TIMESTAMP_ADD('DAY', n, ts)")
}
