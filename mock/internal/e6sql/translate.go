package e6sql

import (
	"strings"
)

// Scope tells Translate how names resolve for one statement.
type Scope struct {
	// Catalog and Schema are the statement's current catalog and schema
	// (from the prepare request).
	Catalog, Schema string
	// Alias returns the SQLite database name holding catalog.schema ("main"
	// for the current one, else the attached name) and whether that
	// catalog.schema exists. A nil Alias turns name rewriting off.
	Alias func(catalog, schema string) (db string, ok bool)
}

// Translation is the SQLite form of one e6data statement.
type Translation struct {
	// SQL is the statement to hand to SQLite.
	SQL string
	// ReturnsRows is true for SELECT, WITH … SELECT, VALUES, EXPLAIN and
	// PRAGMA: run those with Query, everything else with Exec.
	ReturnsRows bool
}

// renames maps e6data function names (upper case) to the e6_* SQLite
// functions that implement them; they apply only before a '('.
var renames = map[string]string{
	"DATE_TRUNC":    "e6_date_trunc",
	"DATE_ADD":      "e6_date_add",
	"TIMESTAMP_ADD": "e6_timestamp_add",
	"MOD":           "e6_mod",
}

// Translate turns one e6data statement into SQLite SQL. It returns an *Error
// for malformed input (unterminated literals, several statements) and for
// constructs the mock does not support (see the package documentation).
//
// Translate is lenient about forms that e6data rejects but SQLite can run
// ('%', LIMIT m, n, CAST(x AS STRING), …), because the mock's own setup
// statements use them; Check refuses those.
func Translate(sql string, scope Scope) (Translation, error) {
	return translate(sql, scope, false)
}

// Check reports whether e6data would accept sql, as far as the mock can
// tell: it runs Translate's pass with the dialect checks on and returns the
// first problem as an *Error (nil if there is none). The forms e6data is
// known to reject fail with a message naming the e6data form to write
// instead (see the package documentation); forms whose fate on a real
// cluster is unknown pass. Check does not resolve names, so an unknown table
// is left for Translate's caller (SQLite) to report.
func Check(sql string) error {
	_, err := translate(sql, Scope{}, true)
	return err
}

// translate is Translate, with strict turning on the dialect checks.
func translate(sql string, scope Scope, strict bool) (Translation, error) {
	toks, err := lex(sql)
	if err != nil {
		return Translation{}, err
	}
	toks, err = trimStatement(toks)
	if err != nil {
		return Translation{}, err
	}
	rows, err := classify(toks)
	if err != nil {
		return Translation{}, err
	}
	fixColumnTypes(toks)
	if toks, err = rewriteIntervals(toks); err != nil {
		return Translation{}, err
	}
	toks = rewriteRowLimits(toks)
	tr := translator{toks: toks, scope: scope, strict: strict}
	var b strings.Builder
	if err := tr.emit(0, len(toks), &b); err != nil {
		return Translation{}, err
	}
	return Translation{SQL: b.String(), ReturnsRows: rows}, nil
}

// trimStatement drops surrounding whitespace and comments and one trailing
// ';', and refuses any other ';' (one statement per call, as e6data's
// prepare request carries one query).
func trimStatement(toks []token) ([]token, error) {
	lo, hi := 0, len(toks)
	for lo < hi && toks[lo].kind == tkSpace {
		lo++
	}
	for hi > lo && toks[hi-1].kind == tkSpace {
		hi--
	}
	if hi > lo && toks[hi-1].is(";") {
		hi--
		for hi > lo && toks[hi-1].kind == tkSpace {
			hi--
		}
	}
	if lo == hi {
		return nil, errAt(-1, "empty statement")
	}
	for _, t := range toks[lo:hi] {
		if t.is(";") {
			return nil, errAt(t.pos, "more than one statement: ';' is only allowed at the end")
		}
	}
	return toks[lo:hi], nil
}

// translator rewrites a token slice. Ranges are half-open [lo, hi) indexes
// into toks so that CAST can translate its operand recursively.
type translator struct {
	toks   []token
	scope  Scope
	strict bool // refuse what e6data rejects (Check), not only what SQLite cannot run
}

// emit writes the translation of toks[lo:hi] to b.
func (tr *translator) emit(lo, hi int, b *strings.Builder) error {
	for i := lo; i < hi; {
		t := tr.toks[i]
		if (t.kind == tkWord || t.kind == tkQuoted) && !tr.afterDot(i) {
			if next, ok := tr.chain(i, hi, b); ok {
				i = next
				continue
			}
			if t.kind == tkWord {
				next, err := tr.word(i, hi, b)
				if err != nil {
					return err
				}
				i = next
				continue
			}
		}
		if tr.strict && t.is("%") {
			return rejectAt(t.pos, "'%' as the modulo operator", "MOD(a, b)")
		}
		b.WriteString(t.text)
		i++
	}
	return nil
}

// afterDot reports whether toks[i] directly follows a '.', that is, it is a
// later part of a qualified name and not a keyword or a name of its own.
func (tr *translator) afterDot(i int) bool {
	return i > 0 && tr.toks[i-1].is(".")
}

// nextSig returns the index of the first non-space token at or after i, or
// hi if there is none.
func (tr *translator) nextSig(i, hi int) int {
	for i < hi && tr.toks[i].kind == tkSpace {
		i++
	}
	return i
}

// word handles the bare word toks[i] that does not start a qualified name and
// returns the index after what it consumed.
func (tr *translator) word(i, hi int, b *strings.Builder) (int, error) {
	t := tr.toks[i]
	up := strings.ToUpper(t.text)
	nx := tr.nextSig(i+1, hi)
	call := nx < hi && tr.toks[nx].is("(")
	switch up {
	case "ILIKE":
		// SQLite's LIKE already ignores ASCII case (see the package doc).
		b.WriteString("LIKE")
		return i + 1, nil
	case "CAST", "TRY_CAST":
		if call {
			return tr.cast(i, nx, hi, up == "TRY_CAST", b)
		}
	case "CURRENT_TIMESTAMP", "CURRENT_DATE":
		if tr.strict {
			end := i + 1
			if c := tr.nextSig(nx+1, hi); call && c < hi && tr.toks[c].is(")") {
				end = c + 1
			}
			if err := tr.checkDateArith(end, hi, up == "CURRENT_DATE"); err != nil {
				return 0, err
			}
		}
		b.WriteString("e6_" + strings.ToLower(up))
		if !call {
			b.WriteString("()")
		}
		return i + 1, nil
	case "DATE", "TIMESTAMP":
		// Typed literals: DATE '2024-01-02', TIMESTAMP '2024-01-02 03:04:05'.
		if nx < hi && tr.toks[nx].kind == tkString {
			if tr.strict {
				if err := tr.checkDateArith(nx+1, hi, up == "DATE"); err != nil {
					return 0, err
				}
			}
			b.WriteString("e6_" + strings.ToLower(up) + "(" + tr.toks[nx].text + ")")
			return nx + 1, nil
		}
	case "RETURNING":
		return 0, unsupportedAt(t.pos, "RETURNING (e6data has none)")
	}
	if i+1 < hi && tr.toks[i+1].kind == tkString {
		return 0, unsupportedAt(t.pos, "prefixed string literals (%s'…')", t.text)
	}
	if tr.strict {
		if err := tr.checkWord(i, hi, up, call); err != nil {
			return 0, err
		}
	}
	if fn, ok := renames[up]; ok && call {
		b.WriteString(fn)
		return i + 1, nil
	}
	b.WriteString(t.text)
	return i + 1, nil
}
