// Package engine is the SQL engine of the in-process e6data mock: it stores every catalog.schema
// in its own SQLite file, runs e6 SQL (translated by e6sql) against it, and hands results back
// as codec column vectors with e6data type names, so the mock's gRPC server only has to encode
// them.
//
// Name resolution follows e6data: an unqualified table resolves against the statement's catalog
// and schema, "schema"."table" against the statement's catalog, and
// "catalog"."schema"."table" names any schema. Each statement runs on a dedicated SQLite
// connection from the pool of its own schema, whose main database is that schema's file; the
// other schemas the statement names are ATTACHed to that connection under the name
// "catalog.schema" just before it runs (see attach.go).
package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/e6data/gorm-e6data/mock/internal/e6sql"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Options configures Open.
type Options struct {
	// Dir is the directory for the database files, one per catalog.schema. Schemas whose
	// files are already there are registered again by Open. "" means a private temporary
	// directory that Close removes.
	Dir string
	// Catalog is the default catalog, created by Open; "" means "e6data".
	Catalog string
	// Schema is the default schema, created by Open; "" means "default".
	Schema string
}

// SQLError is an error the engine reports for a statement: a translation, SQLite or value
// conversion failure. Message is meant to reach the client as the engine's message.
type SQLError struct {
	Message string
}

// Error returns the message.
func (e *SQLError) Error() string { return e.Message }

// NotFoundError reports an unknown catalog, schema or table.
type NotFoundError struct {
	What string // "catalog", "schema" or "table"
	Name string // the name as asked for; a schema is "catalog.schema"
}

// Error returns e.g. "schema not found: hive.sales".
func (e *NotFoundError) Error() string { return e.What + " not found: " + e.Name }

// ErrClosed is returned by every call on an Engine, or a Cursor of it, after Engine.Close.
var ErrClosed = errors.New("engine: closed")

// Engine is the mock's SQL engine. It is safe for concurrent use.
type Engine struct {
	dir, tempDir          string
	defCatalog, defSchema string
	ctx                   context.Context // canceled by Close: stops every running query
	cancel                context.CancelFunc
	closeOnce             sync.Once
	closeErr              error

	mu      sync.RWMutex // guards the fields below
	closed  bool
	schemas []*schemaEntry // in creation order
	byName  map[schemaKey]*schemaEntry
	cursors map[*Cursor]struct{} // open cursors, closed by Close
}

// Open opens (or creates) the engine's storage and creates the default catalog and schema.
func Open(opts Options) (*Engine, error) {
	if err := e6sql.Register(); err != nil {
		return nil, fmt.Errorf("engine: registering SQL functions: %w", err)
	}
	e := &Engine{
		dir:        opts.Dir,
		defCatalog: opts.Catalog,
		defSchema:  opts.Schema,
		byName:     make(map[schemaKey]*schemaEntry),
		cursors:    make(map[*Cursor]struct{}),
	}
	if e.defCatalog == "" {
		e.defCatalog = "e6data"
	}
	if e.defSchema == "" {
		e.defSchema = "default"
	}
	if e.dir == "" {
		d, err := os.MkdirTemp("", "e6mock-")
		if err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
		e.dir, e.tempDir = d, d
	} else if err := os.MkdirAll(e.dir, 0o755); err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	if err := e.discover(); err != nil {
		_ = e.Close()
		return nil, err
	}
	if err := e.CreateSchema(e.defCatalog, e.defSchema); err != nil {
		_ = e.Close()
		return nil, err
	}
	return e, nil
}

// Close stops every running query, closes every cursor and database, and removes the
// temporary directory if Open made one. Later calls return the first call's result.
func (e *Engine) Close() error {
	e.closeOnce.Do(func() {
		e.mu.Lock()
		e.closed = true
		cursors := make([]*Cursor, 0, len(e.cursors))
		for c := range e.cursors {
			cursors = append(cursors, c)
		}
		schemas := e.schemas
		e.mu.Unlock()

		e.cancel() // interrupts running statements before we wait for their locks
		var errs []error
		for _, c := range cursors {
			errs = append(errs, c.Close())
		}
		for _, s := range schemas {
			errs = append(errs, s.db.Close())
		}
		if e.tempDir != "" {
			errs = append(errs, os.RemoveAll(e.tempDir))
		}
		e.closeErr = errors.Join(errs...)
	})
	return e.closeErr
}

// DefaultCatalog returns the catalog used when a request names none.
func (e *Engine) DefaultCatalog() string { return e.defCatalog }

// DefaultSchema returns the schema used when a request names none.
func (e *Engine) DefaultSchema() string { return e.defSchema }

// bind returns a context that also ends when the engine closes, and the function releasing it.
func (e *Engine) bind(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(e.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}

// queryErr classifies an error from running a statement under ctx: cancellation (by the
// caller or by Close) stays recognizable with errors.Is, anything else is SQLite's message.
func (e *Engine) queryErr(ctx context.Context, err error) error {
	if e.ctx.Err() != nil {
		return ErrClosed
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("engine: query canceled: %w", ctxErr)
	}
	var se *SQLError
	if errors.As(err, &se) {
		return se
	}
	return &SQLError{Message: err.Error()}
}
