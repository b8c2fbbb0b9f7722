package mock

import (
	"context"

	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/mock/internal/engine"
)

// resultCursor is where an executed query reads its results from: the SQLite engine, or a
// scripted result (scripted.go). Calls are serialised by the query's lock.
type resultCursor interface {
	metadata() codec.Metadata
	// next returns the next batch encoded, and its rows; 0 rows at the end of the results.
	next(ctx context.Context) (batch []byte, rows int, err error)
	Close() error
}

// engineCursor reads a query's results from the engine, batchRows rows at a time.
type engineCursor struct {
	cur       *engine.Cursor
	batchRows int
}

func (c engineCursor) metadata() codec.Metadata { return c.cur.Metadata() }

func (c engineCursor) next(ctx context.Context) ([]byte, int, error) {
	chunk, err := c.cur.Next(ctx, c.batchRows)
	if err != nil || chunk == nil || chunk.Size <= 0 {
		return nil, 0, err
	}
	b, err := codec.AppendChunk(nil, chunk)
	if err != nil {
		return nil, 0, &encodeError{err}
	}
	return b, chunk.Size, nil
}

func (c engineCursor) Close() error { return c.cur.Close() }

// encodeError is a batch the codec refused to encode: a defect of the mock, not of the query.
type encodeError struct{ err error }

func (e *encodeError) Error() string { return "encode result batch: " + e.err.Error() }
func (e *encodeError) Unwrap() error { return e.err }
