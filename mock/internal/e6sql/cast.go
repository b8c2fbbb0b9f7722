package e6sql

import (
	"strings"
)

// castFuncs maps e6data CAST targets whose SQLite CAST would be wrong to the
// e6_* function that converts instead. SQLite has no time types, and its
// CAST(… AS BOOLEAN) applies NUMERIC affinity, turning 'true' into 0.
var castFuncs = map[string]string{
	"TIMESTAMP":                   "timestamp",
	"DATETIME":                    "timestamp",
	"TIMESTAMP WITHOUT TIME ZONE": "timestamp",
	"DATE":                        "date",
	"TIMESTAMP_TZ":                "timestamp_tz",
	"TIMESTAMP WITH TIME ZONE":    "timestamp_tz",
	"BOOLEAN":                     "boolean",
	"BOOL":                        "boolean",
}

// castTypes maps e6data CAST targets to the SQLite type name with the right
// affinity. Unlisted names (VARCHAR, CHAR, INT, BIGINT, FLOAT, DOUBLE,
// DECIMAL(p,s), …) already get the right affinity and pass through. STRING,
// JSON and VARBINARY would get NUMERIC affinity, so CAST('abc' AS STRING)
// would yield 0.
var castTypes = map[string]string{
	"STRING":    "TEXT",
	"JSON":      "TEXT",
	"TEXT":      "TEXT",
	"VARBINARY": "BLOB",
	"BINARY":    "BLOB",
}

// cast translates CAST( or TRY_CAST( at toks[i], whose '(' is toks[open].
// It finds the AS at paren depth 1 and the matching ')', translates the
// operand recursively (so nested CASTs work) and rewrites the target.
func (tr *translator) cast(i, open, hi int, try bool, b *strings.Builder) (int, error) {
	depth, as, closing := 0, -1, -1
	for j := open; j < hi && closing < 0; j++ {
		t := tr.toks[j]
		switch {
		case t.is("("):
			depth++
		case t.is(")"):
			depth--
			if depth == 0 {
				closing = j
			}
		case depth == 1 && as < 0 && t.isWord("AS"):
			as = j
		}
	}
	if closing < 0 || as < 0 {
		// Malformed: emit CAST and let SQLite report the syntax error.
		b.WriteString("CAST")
		return i + 1, nil
	}
	fn, typ, err := tr.castTarget(as+1, closing)
	if err != nil {
		return 0, err
	}
	if tr.strict && (fn == "date" || fn == "timestamp" || fn == "timestamp_tz") {
		if err := tr.checkDateArith(closing+1, hi, fn == "date"); err != nil {
			return 0, err
		}
	}
	var operand strings.Builder
	if err := tr.emit(open+1, as, &operand); err != nil {
		return 0, err
	}
	x := trimSpace(operand.String())
	if fn != "" {
		if try {
			fn = "try_" + fn
		}
		b.WriteString("e6_" + fn + "(" + x + ")")
	} else {
		// SQLite's CAST never fails, so TRY_CAST needs nothing more.
		b.WriteString("CAST(" + x + " AS " + typ + ")")
	}
	return closing + 1, nil
}

// castTarget reads the type in toks[lo:hi] and returns either the e6_*
// conversion function suffix or the SQLite type text to cast to.
func (tr *translator) castTarget(lo, hi int) (fn, typ string, err error) {
	var words []string
	var raw strings.Builder
	depth, generic, first := 0, -1, -1
	for j, t := range tr.toks[lo:hi] {
		raw.WriteString(t.text)
		switch {
		case t.is("("):
			depth++
		case t.is(")"):
			depth--
		case t.is("<"):
			if generic < 0 {
				generic = t.pos
			}
		case depth == 0 && t.kind == tkWord && generic < 0:
			if first < 0 {
				first = lo + j
			}
			words = append(words, strings.ToUpper(t.text))
		}
	}
	name := strings.Join(words, " ")
	if tr.strict && first >= 0 {
		if err := checkCastTarget(name, tr.toks[first], generic >= 0); err != nil {
			return "", "", err
		}
	}
	if generic >= 0 {
		return "", "", unsupportedAt(generic, "CAST to ARRAY, MAP or STRUCT types")
	}
	if f, ok := castFuncs[name]; ok {
		return f, "", nil
	}
	if t, ok := castTypes[name]; ok {
		return "", t, nil
	}
	return "", trimSpace(raw.String()), nil
}
