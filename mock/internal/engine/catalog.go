package engine

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// schemaKey names a schema. Names are case-sensitive, as quoted e6data names are.
type schemaKey struct{ catalog, schema string }

func (k schemaKey) String() string { return k.catalog + "." + k.schema }

// schemaEntry is one catalog.schema: its file and the connection pool whose main database it is.
type schemaEntry struct {
	key   schemaKey
	file  string  // absolute path of the SQLite file
	alias string  // the name it is ATTACHed under on other schemas' connections
	db    *sql.DB // connections whose main database is file
}

// Column describes one table column as the metadata RPCs report it.
type Column struct {
	Name     string
	Type     string // e6data type name, e.g. "LONG"
	HiveType string // lower-case Hive type, e.g. "bigint", "decimal(10,2)", "array<int>"
	Nullable bool
}

// File names carry the hex of the catalog and schema names: safe on every file system for any
// text, and decodable, so Open can find the schemas of an existing Dir again.
const (
	filePrefix  = "s_"
	fileSuffix  = ".db"
	maxFileName = 255
)

func fileName(k schemaKey) string {
	return filePrefix + hex.EncodeToString([]byte(k.catalog)) + "_" + hex.EncodeToString([]byte(k.schema)) + fileSuffix
}

func parseFileName(name string) (schemaKey, bool) {
	body, ok := strings.CutPrefix(name, filePrefix)
	if !ok {
		return schemaKey{}, false
	}
	body, ok = strings.CutSuffix(body, fileSuffix)
	if !ok {
		return schemaKey{}, false
	}
	c, s, ok := strings.Cut(body, "_")
	if !ok {
		return schemaKey{}, false
	}
	cb, err1 := hex.DecodeString(c)
	sb, err2 := hex.DecodeString(s)
	if err1 != nil || err2 != nil || len(cb) == 0 || len(sb) == 0 {
		return schemaKey{}, false
	}
	return schemaKey{string(cb), string(sb)}, true
}

// discover registers the schemas whose files are already in the directory.
func (e *Engine) discover() error {
	ents, err := os.ReadDir(e.dir)
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	for _, de := range ents {
		if k, ok := parseFileName(de.Name()); ok && de.Type().IsRegular() {
			if err := e.CreateSchema(k.catalog, k.schema); err != nil {
				return err
			}
		}
	}
	return nil
}

// CreateSchema creates catalog.schema, and the catalog with it, unless it exists already.
func (e *Engine) CreateSchema(catalog, schema string) error {
	k := schemaKey{catalog, schema}
	if catalog == "" || schema == "" || strings.ContainsRune(k.String(), 0) {
		return fmt.Errorf("engine: invalid catalog or schema name %q", k.String())
	}
	name := fileName(k)
	if len(name) > maxFileName {
		return fmt.Errorf("engine: catalog and schema name %q too long (%d bytes at most in all)",
			k.String(), (maxFileName-len(filePrefix)-len(fileSuffix)-1)/2)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	if _, ok := e.byName[k]; ok {
		return nil
	}
	file := filepath.Join(e.dir, name)
	db, err := openPool(e.ctx, file)
	if err != nil {
		return err
	}
	ent := &schemaEntry{key: k, file: file, alias: e.uniqueAlias(k), db: db}
	e.schemas = append(e.schemas, ent)
	e.byName[k] = ent
	return nil
}

// uniqueAlias returns "catalog.schema", made unique among the attach names in use: SQLite
// compares them case-insensitively, and "a.b"+"c" meets "a"+"b.c". Called with e.mu held.
func (e *Engine) uniqueAlias(k schemaKey) string {
	base := k.String()
	alias := base
	for n := 2; ; n++ {
		taken := false
		for _, s := range e.schemas {
			if strings.EqualFold(s.alias, alias) {
				taken = true
				break
			}
		}
		if !taken {
			return alias
		}
		alias = fmt.Sprintf("%s#%d", base, n)
	}
}

// lookup returns the entry of catalog.schema.
func (e *Engine) lookup(catalog, schema string) (*schemaEntry, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return nil, ErrClosed
	}
	if ent, ok := e.byName[schemaKey{catalog, schema}]; ok {
		return ent, nil
	}
	return nil, &NotFoundError{What: "schema", Name: schemaKey{catalog, schema}.String()}
}

// Catalogs returns the catalog names, sorted.
func (e *Engine) Catalogs() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []string
	for _, s := range e.schemas {
		if !slices.Contains(out, s.key.catalog) {
			out = append(out, s.key.catalog)
		}
	}
	slices.Sort(out)
	return out
}

// Schemas returns the schema names of catalog, sorted, or a *NotFoundError.
func (e *Engine) Schemas(catalog string) ([]string, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return nil, ErrClosed
	}
	var out []string
	for _, s := range e.schemas {
		if s.key.catalog == catalog {
			out = append(out, s.key.schema)
		}
	}
	if out == nil {
		return nil, &NotFoundError{What: "catalog", Name: catalog}
	}
	slices.Sort(out)
	return out, nil
}

// Tables returns the table and view names of catalog.schema, sorted, or a *NotFoundError.
func (e *Engine) Tables(catalog, schema string) ([]string, error) {
	ent, err := e.lookup(catalog, schema)
	if err != nil {
		return nil, err
	}
	ctx, stop := e.bind(context.Background())
	defer stop()
	rows, err := ent.db.QueryContext(ctx, `SELECT name FROM main.sqlite_schema
		WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, e.queryErr(ctx, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, e.queryErr(ctx, err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		return nil, e.queryErr(ctx, err)
	}
	return out, nil
}

// Columns describes the columns of catalog.schema.table in table order, or returns a
// *NotFoundError. Table names match case-insensitively, as SQLite's do.
func (e *Engine) Columns(catalog, schema, table string) ([]Column, error) {
	ent, err := e.lookup(catalog, schema)
	if err != nil {
		return nil, err
	}
	ctx, stop := e.bind(context.Background())
	defer stop()
	rows, err := ent.db.QueryContext(ctx, `SELECT name, type, "notnull" FROM pragma_table_info(?, 'main')`, table)
	if err != nil {
		return nil, e.queryErr(ctx, err)
	}
	defer rows.Close()
	var out []Column
	for rows.Next() {
		var (
			name, decl string
			notNull    bool
		)
		if err := rows.Scan(&name, &decl, &notNull); err != nil {
			return nil, e.queryErr(ctx, err)
		}
		t, ok := declaredType(decl)
		if !ok { // no or unknown declared type: SQLite keeps any value; report text
			t = colType{vector: stringType.vector, hive: stringType.hive}
		}
		out = append(out, Column{Name: name, Type: t.vector.String(), HiveType: t.hive, Nullable: !notNull})
	}
	if err := rows.Err(); err != nil {
		return nil, e.queryErr(ctx, err)
	}
	if out == nil {
		return nil, &NotFoundError{What: "table", Name: schemaKey{catalog, schema}.String() + "." + table}
	}
	return out, nil
}
