package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/e6data/gorm-e6data/internal/codec"
)

// ErrCursorClosed is returned by Next after Close.
var ErrCursorClosed = errors.New("engine: cursor closed")

// Cursor is a running statement's result. Next hands out the rows in batches; Close releases the
// SQLite connection the cursor holds. Close may be called concurrently with Next: it interrupts
// the query first, so Next returns promptly.
type Cursor struct {
	e       *Engine
	meta    codec.Metadata
	types   []colType
	ctx     context.Context    // the query's context; nil when no rows are returned
	cancel  context.CancelFunc // interrupts the query
	release func()             // cancels ctx and stops watching the engine's
	intr    *interrupter       // interrupts the running step when ctx ends
	unwatch func() bool        // stops calling intr
	read    atomic.Int64       // rows returned by Next

	mu      sync.Mutex // guards the fields below, held while Next reads
	conn    *sql.Conn
	rows    *sql.Rows
	scan    []any   // Scan destinations, pointing at vals
	vals    []any   // the row being scanned
	pending [][]any // rows read ahead by start and not yet returned
	done    bool    // SQLite has no more rows; conn and rows are released
	err     error   // sticky failure
	closed  bool
}

// start reads the first peek rows and settles the column types and the metadata.
func (c *Cursor) start(peek int) error {
	if peek <= 0 {
		peek = DefaultPeekRows
	}
	names, err := c.rows.Columns()
	if err != nil {
		return c.e.queryErr(c.ctx, err)
	}
	cts, err := c.rows.ColumnTypes()
	if err != nil {
		return c.e.queryErr(c.ctx, err)
	}
	c.vals = make([]any, len(names))
	c.scan = make([]any, len(names))
	for i := range c.vals {
		c.scan[i] = &c.vals[i]
	}
	for len(c.pending) < peek {
		row, err := c.readRow(c.ctx)
		if err != nil {
			return err
		}
		if row == nil {
			break
		}
		c.pending = append(c.pending, row)
	}
	c.types = make([]colType, len(names))
	c.meta = codec.Metadata{RowCount: -1, Fields: make([]codec.Field, len(names))}
	for i, ct := range cts {
		t, ok := declaredType(ct.DatabaseTypeName())
		if !ok {
			var allNull bool
			t, allNull = inferType(func(yield func(any) bool) {
				for _, row := range c.pending {
					if !yield(row[i]) {
						return
					}
				}
			})
			// Only a result that ended within the peeked rows is known to be all NULL; a later
			// value must still have a type to travel as.
			if allNull && c.done {
				t = nullType
			}
		}
		c.types[i] = t
		c.meta.Fields[i] = fieldOf(names[i], t.vector)
	}
	return nil
}

// readRow reads the next row from SQLite, or returns nil at the end, where it releases the
// connection. Called with c.mu held (or before the cursor is shared).
func (c *Cursor) readRow(ctx context.Context) ([]any, error) {
	if c.done {
		return nil, nil
	}
	if !c.rows.Next() {
		if err := c.rows.Err(); err != nil {
			return nil, c.fail(ctx, err) // before finish, which cancels c.ctx
		}
		c.finish()
		return nil, nil
	}
	if err := c.rows.Scan(c.scan...); err != nil {
		return nil, c.fail(ctx, err)
	}
	row := make([]any, len(c.vals))
	copy(row, c.vals)
	return row, nil
}

// finish releases the rows and the connection (the result is exhausted or abandoned).
func (c *Cursor) finish() {
	if c.done {
		return
	}
	c.done = true
	if c.unwatch != nil {
		c.unwatch()
	}
	if c.rows != nil {
		_ = c.rows.Close()
	}
	if c.intr != nil {
		c.intr.release()
	}
	if c.conn != nil {
		_ = c.conn.Close()
	}
	c.release()
}

// fail classifies err, makes it sticky and releases the connection. ctx is the context of the
// call that saw it.
func (c *Cursor) fail(ctx context.Context, err error) error {
	var se *SQLError
	switch {
	case errors.As(err, &se): // a value that did not convert
	case c.e.ctx.Err() != nil:
		err = ErrClosed
	case ctx.Err() != nil:
		err = fmt.Errorf("engine: query canceled: %w", ctx.Err())
	case c.ctx.Err() != nil:
		err = fmt.Errorf("engine: query canceled: %w", c.ctx.Err())
	default:
		err = &SQLError{Message: err.Error()}
	}
	c.err = err
	c.finish()
	c.pending = nil
	return err
}

// Metadata returns the result's columns with their e6data type names. RowCount is -1 for a
// query and the rows affected for other statements.
func (c *Cursor) Metadata() codec.Metadata {
	m := c.meta
	m.Fields = append([]codec.Field(nil), m.Fields...)
	return m
}

// Next returns the next batch of up to maxRows rows (DefaultBatchRows when maxRows <= 0) as
// column vectors. At the end it returns a Chunk with Size 0, and keeps doing so. If ctx ends
// while Next reads, the query is abandoned: this and every later Next fail.
func (c *Cursor) Next(ctx context.Context, maxRows int) (*codec.Chunk, error) {
	if maxRows <= 0 {
		maxRows = DefaultBatchRows
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return nil, c.err
	}
	if c.closed {
		if c.e.ctx.Err() != nil {
			return nil, ErrClosed
		}
		return nil, ErrCursorClosed
	}
	if c.cancel != nil && !c.done {
		stop := context.AfterFunc(ctx, c.cancel)
		defer stop()
	}
	n := min(maxRows, len(c.pending))
	batch := c.pending[:n:n]
	c.pending = c.pending[n:]
	for len(batch) < maxRows {
		row, err := c.readRow(ctx)
		if err != nil {
			return nil, err
		}
		if row == nil {
			break
		}
		batch = append(batch, row)
	}
	if len(batch) == 0 {
		return &codec.Chunk{}, nil
	}
	first := c.read.Load()
	chunk := &codec.Chunk{Size: len(batch), Vectors: make([]codec.Vector, len(c.types))}
	for i, t := range c.types {
		v, err := buildVector(batch, i, t, c.meta.Fields[i].Name, first)
		if err != nil {
			return nil, c.fail(ctx, err)
		}
		chunk.Vectors[i] = v
	}
	c.read.Add(int64(len(batch)))
	return chunk, nil
}

// RowsRead returns how many rows Next has returned so far.
func (c *Cursor) RowsRead() int64 { return c.read.Load() }

// Close stops the query if it is still running and releases its connection. It is idempotent
// and safe to call concurrently with Next.
func (c *Cursor) Close() error {
	if c.cancel != nil {
		c.cancel() // interrupt a Next in progress before waiting for its lock
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.finish()
	c.pending = nil
	c.mu.Unlock()
	c.e.untrack(c)
	return nil
}
