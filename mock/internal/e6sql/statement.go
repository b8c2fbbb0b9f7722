package e6sql

import (
	"strings"
)

// refusedStatements are statements e6data runs through RPCs, or not at all,
// and that the mock therefore refuses instead of letting SQLite act on them
// (SQLite would happily BEGIN, ATTACH or SET-fail with a confusing message).
var refusedStatements = map[string]string{
	"SHOW":      "SHOW (metadata comes from the getTablesV2/getColumnsV2 RPCs)",
	"DESCRIBE":  "DESCRIBE (metadata comes from the getColumnsV2 RPC)",
	"USE":       "USE (the catalog and schema come with each prepare request)",
	"SET":       "SET (session properties go through the setProps RPC)",
	"BEGIN":     "transactions (e6data has none)",
	"START":     "transactions (e6data has none)",
	"COMMIT":    "transactions (e6data has none)",
	"END":       "transactions (e6data has none)",
	"ROLLBACK":  "transactions (e6data has none)",
	"SAVEPOINT": "savepoints (e6data has none)",
	"RELEASE":   "savepoints (e6data has none)",
	"ATTACH":    "ATTACH (the mock attaches catalogs itself)",
	"DETACH":    "DETACH (the mock attaches catalogs itself)",
}

// rowStatements are the leading keywords of statements that return rows.
var rowStatements = map[string]bool{
	"SELECT": true, "VALUES": true, "EXPLAIN": true, "PRAGMA": true,
}

// classify reports whether the statement returns rows, and refuses the
// statements in refusedStatements. toks is the trimmed statement.
func classify(toks []token) (bool, error) {
	i := firstWord(toks, 0)
	if i < 0 {
		// No leading keyword at all: SQLite will report the syntax error.
		return false, nil
	}
	kw := strings.ToUpper(toks[i].text)
	if what, ok := refusedStatements[kw]; ok {
		return false, unsupportedAt(toks[i].pos, "%s", what)
	}
	if kw == "WITH" {
		return withReturnsRows(toks, i+1), nil
	}
	return rowStatements[kw], nil
}

// firstWord returns the index of the first token at or after i that is not
// whitespace or '(', if it is a bare word, else -1.
func firstWord(toks []token, i int) int {
	for i < len(toks) && (toks[i].kind == tkSpace || toks[i].is("(")) {
		i++
	}
	if i < len(toks) && toks[i].kind == tkWord {
		return i
	}
	return -1
}

// withReturnsRows finds the main statement after WITH's common table
// expressions: the first statement keyword outside their parentheses.
func withReturnsRows(toks []token, i int) bool {
	depth := 0
	for ; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.is("("):
			depth++
		case t.is(")"):
			depth--
		case depth == 0 && t.kind == tkWord && !(i > 0 && toks[i-1].is(".")):
			switch strings.ToUpper(t.text) {
			case "SELECT", "VALUES":
				return true
			case "INSERT", "UPDATE", "DELETE", "REPLACE":
				return false
			}
		}
	}
	// A parenthesized main query: WITH a AS (…) (SELECT …).
	return true
}

// storageTypes maps e6data column types whose SQLite affinity would change stored values to
// types with the right affinity. SQLite derives a column's affinity from its declared type name:
// STRING and BINARY get NUMERIC affinity, which stores the text '00123' as the integer 123. TEXT
// and BLOB keep values as given, and the engine reports them as STRING and BINARY.
var storageTypes = map[string]string{"STRING": "TEXT", "BINARY": "BLOB", "VARBINARY": "BLOB"}

// fixColumnTypes rewrites the column types of a CREATE TABLE statement (see storageTypes).
// Quoted names are separate tokens and are never touched.
func fixColumnTypes(toks []token) {
	i := firstWord(toks, 0)
	if i < 0 || !toks[i].isWord("CREATE") {
		return
	}
	for j := range toks {
		if toks[j].kind != tkWord {
			continue
		}
		if t, ok := storageTypes[strings.ToUpper(toks[j].text)]; ok {
			toks[j].text, toks[j].val = t, t
		}
	}
}
