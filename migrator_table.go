package e6data

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// tableRef names a table as catalog.schema.table. An empty catalog or schema means the
// connection's (the DSN's catalog and database).
type tableRef struct {
	Catalog, Schema, Name string
}

// qualified returns the name with the connection's catalog and schema filled in, for messages:
// hive.sales.orders.
func (r tableRef) qualified(catalog, schema string) string {
	if r.Catalog != "" {
		catalog = r.Catalog
	}
	if r.Schema != "" {
		schema = r.Schema
	}
	var parts []string
	for _, p := range []string{catalog, schema, r.Name} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ".")
}

// parseTableName parses "table", "schema.table" or "catalog.schema.table". Each part may be
// double-quoted, with "" standing for a quote inside it, so a quoted part may hold dots.
func parseTableName(s string) (tableRef, error) {
	parts, err := splitName(s)
	if err != nil {
		return tableRef{}, err
	}
	switch len(parts) {
	case 1:
		return tableRef{Name: parts[0]}, nil
	case 2:
		return tableRef{Schema: parts[0], Name: parts[1]}, nil
	case 3:
		return tableRef{Catalog: parts[0], Schema: parts[1], Name: parts[2]}, nil
	}
	return tableRef{}, fmt.Errorf("e6data: table name %q has %d dotted parts; use table, schema.table or catalog.schema.table", s, len(parts))
}

// splitName splits a dotted name into its parts, unquoting double-quoted parts. It is a small
// state machine over the bytes: outside quotes a dot ends a part; inside quotes only a lone
// closing quote does.
func splitName(s string) ([]string, error) {
	var (
		parts  []string
		cur    strings.Builder
		quoted bool // the current part was quoted
		inQ    bool // inside quotes now
		seen   bool // the current part has any content
	)
	bad := func(why string) ([]string, error) {
		return nil, fmt.Errorf("e6data: table name %q: %s", s, why)
	}
	end := func() error {
		name := cur.String()
		if !quoted {
			name = strings.TrimSpace(name)
		}
		if name == "" {
			return fmt.Errorf("e6data: table name %q has an empty part", s)
		}
		parts = append(parts, name)
		cur.Reset()
		quoted, seen = false, false
		return nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQ && c == '"' && i+1 < len(s) && s[i+1] == '"':
			cur.WriteByte('"')
			i++
		case inQ && c == '"':
			inQ = false
		case inQ:
			cur.WriteByte(c)
		case c == '"':
			if seen {
				return bad("a quote in the middle of a part")
			}
			inQ, quoted, seen = true, true, true
		case c == '.':
			if err := end(); err != nil {
				return nil, err
			}
		case quoted:
			if c != ' ' && c != '\t' {
				return bad("text after a closing quote")
			}
		default:
			if c != ' ' && c != '\t' || seen {
				cur.WriteByte(c)
				seen = true
			}
		}
	}
	if inQ {
		return bad("unterminated quote")
	}
	if err := end(); err != nil {
		return nil, err
	}
	return parts, nil
}

// tableOf resolves the table a Migrator call is about. value is a table name (string) or a
// model; stmt is what GORM's RunWithValue prepared for it (a model's table name, db.Table's).
func tableOf(stmt *gorm.Statement, value any) (tableRef, error) {
	if name, ok := value.(string); ok {
		return parseTableName(name)
	}
	text := stmt.Table
	if stmt.TableExpr != nil && len(stmt.TableExpr.Vars) == 0 {
		// db.Table("sales.orders") keeps only "orders" in Statement.Table and the whole name,
		// quoted, in TableExpr: read the schema back from there.
		if parts, err := splitName(stmt.TableExpr.SQL); err == nil {
			switch {
			case len(parts) >= 2:
				return parseTableName(stmt.TableExpr.SQL)
			case len(parts) == 1 && strings.HasSuffix(parts[0], "."+stmt.Table):
				// quoted as one identifier: "sales.orders"; GORM split it on its dots
				text = parts[0]
			}
		}
	}
	if text == "" {
		return tableRef{}, fmt.Errorf("e6data: no table name for %T; pass a model or a table name", value)
	}
	return parseTableName(text)
}
