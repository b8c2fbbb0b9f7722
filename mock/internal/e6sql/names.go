package e6sql

import (
	"strings"
)

// chain handles a qualified name p1.p2.….pn starting at toks[i] (n ≥ 2,
// parts bare or quoted, no whitespace around the dots). It writes the name,
// with its catalog/schema prefix replaced by the SQLite database that holds
// it, and returns the index after the name. It reports false, writing
// nothing, when toks[i] does not start such a name.
//
// Resolution order:
//  1. n ≥ 3 and Alias(p1, p2): p1.p2 is catalog.schema.
//  2. Alias(scope.Catalog, p1): p1 is a schema of the current catalog.
//  3. p1 is one quoted part holding "catalog.schema" (split at the first
//     dot), as some deployments spell it: "e6datapoc.icebergForTS".tbl.
//
// Anything else (table.column, alias.column) is left as written.
func (tr *translator) chain(i, hi int, b *strings.Builder) (int, bool) {
	parts := []int{i}
	for j := i; j+2 < hi && tr.toks[j+1].is(".") && isNamePart(tr.toks[j+2]); j += 2 {
		parts = append(parts, j+2)
	}
	if len(parts) < 2 {
		return 0, false
	}
	end := parts[len(parts)-1] + 1
	db, skip := tr.resolve(parts)
	if skip == 0 {
		for _, t := range tr.toks[i:end] {
			b.WriteString(t.text)
		}
		return end, true
	}
	b.WriteString(quoteIdent(db))
	for _, t := range tr.toks[parts[skip-1]+1 : end] {
		b.WriteString(t.text)
	}
	return end, true
}

// isNamePart reports whether t can be one part of a qualified name.
func isNamePart(t token) bool { return t.kind == tkWord || t.kind == tkQuoted }

// resolve returns the SQLite database for the name whose parts start at the
// given token indexes, and how many leading parts it replaces (0: none).
func (tr *translator) resolve(parts []int) (db string, skip int) {
	alias := tr.scope.Alias
	if alias == nil {
		return "", 0
	}
	p1 := tr.toks[parts[0]].val
	if len(parts) >= 3 {
		if db, ok := alias(p1, tr.toks[parts[1]].val); ok {
			return db, 2
		}
	}
	if db, ok := alias(tr.scope.Catalog, p1); ok {
		return db, 1
	}
	if tr.toks[parts[0]].kind == tkQuoted {
		if cat, sch, found := strings.Cut(p1, "."); found {
			if db, ok := alias(cat, sch); ok {
				return db, 1
			}
		}
	}
	return "", 0
}
