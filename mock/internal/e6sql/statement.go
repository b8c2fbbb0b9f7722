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

// Storage type names of time columns. A column declared DATE, DATETIME or TIMESTAMP is created
// with one of these instead: SQLite's driver turns the text of columns declared exactly DATE,
// DATETIME or TIMESTAMP into time.Time with up to two time.Parse calls per value, the largest
// cost of reading such a column, while the engine reads the canonical texts (see FormatTimestamp)
// of columns declared with these names directly. The values and their affinity (NUMERIC, as
// before) are the same; the engine reports both spellings as DATE and DATETIME.
const (
	StorageDate      = "E6_DATE"
	StorageTimestamp = "E6_TIMESTAMP"
)

// timeStorageTypes maps the declared time types to their storage names.
var timeStorageTypes = map[string]string{"DATE": StorageDate, "DATETIME": StorageTimestamp, "TIMESTAMP": StorageTimestamp}

// fixColumnTypes rewrites the column types of a CREATE TABLE statement (see storageTypes and
// timeStorageTypes). Quoted names are separate tokens and are never touched.
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
	for _, j := range columnTypeWords(toks, i+1) {
		if t, ok := timeStorageTypes[strings.ToUpper(toks[j].text)]; ok && plainType(toks, j+1) {
			toks[j].text, toks[j].val = t, t
		}
	}
}

// tableConstraints are the words that start a table constraint rather than a column definition.
var tableConstraints = map[string]bool{"CONSTRAINT": true, "PRIMARY": true, "UNIQUE": true, "CHECK": true, "FOREIGN": true}

// columnTypeWords returns the index of the first word of each column's type in CREATE TABLE's
// column list, toks[from:] following CREATE. Only word positions are returned: the word right
// after a column's name. A CREATE TABLE … AS SELECT, or any other CREATE, has none.
func columnTypeWords(toks []token, from int) []int {
	j := nextToken(toks, from)
	for j < len(toks) && toks[j].kind == tkWord && (toks[j].isWord("TEMP") || toks[j].isWord("TEMPORARY")) {
		j = nextToken(toks, j+1)
	}
	if j >= len(toks) || !toks[j].isWord("TABLE") {
		return nil
	}
	for j < len(toks) && !toks[j].is("(") { // IF NOT EXISTS, the possibly qualified name
		if toks[j].isWord("AS") {
			return nil
		}
		j++
	}
	var out []int
	depth := 0
	for ; j < len(toks); j++ {
		switch {
		case toks[j].is("("):
			depth++
			if depth > 1 {
				continue
			}
		case toks[j].is(")"):
			depth--
			if depth == 0 {
				return out
			}
			continue
		case depth == 1 && toks[j].is(","):
		default:
			continue
		}
		// The start of a definition: its name, then its type.
		name := nextToken(toks, j+1)
		if name >= len(toks) || (toks[name].kind != tkWord && toks[name].kind != tkQuoted) ||
			(toks[name].kind == tkWord && tableConstraints[strings.ToUpper(toks[name].text)]) {
			continue
		}
		if typ := nextToken(toks, name+1); typ < len(toks) && toks[typ].kind == tkWord {
			out = append(out, typ)
		}
	}
	return out
}

// plainType reports whether the type word before toks[j] stands alone: not followed by '('
// (arguments) or WITH/WITHOUT (TIMESTAMP WITH TIME ZONE), which keep their declared spelling.
func plainType(toks []token, j int) bool {
	k := nextToken(toks, j)
	return k >= len(toks) || !(toks[k].is("(") || toks[k].isWord("WITH") || toks[k].isWord("WITHOUT"))
}

// nextToken returns the index of the first token at or after i that is not whitespace.
func nextToken(toks []token, i int) int {
	for i < len(toks) && toks[i].kind == tkSpace {
		i++
	}
	return i
}
