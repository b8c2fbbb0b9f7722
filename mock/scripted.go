package mock

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/mock/internal/engine"
)

// Column is one column of a scripted Result.
type Column struct {
	// Name is the column name the metadata reports.
	Name string
	// Type is the e6data type the column travels as, spelled as in the result metadata: LONG,
	// INTEGER, DOUBLE, FLOAT, BOOLEAN, STRING, BINARY, DATE, DATETIME, TIMESTAMP_TZ, DECIMAL128,
	// ARRAY, MAP, STRUCT or NULL.
	Type string
	// Scale is the number of fractional digits of a DECIMAL128 column.
	Scale int32
}

// Result is what the mock answers for a statement registered with Server.PutResult, without
// running it on SQLite. Set at most one of Rows and Batches; with neither, and no Columns, the
// statement returns no rows and reports RowCount rows affected.
//
// Values are Go values: nil for NULL, any integer for LONG and INTEGER, float64 or float32 for
// DOUBLE and FLOAT, bool, string (also for ARRAY, MAP and STRUCT, as their text), []byte for
// BINARY, time.Time for DATE, DATETIME and TIMESTAMP_TZ (a DATE is the time's UTC date, a
// TIMESTAMP_TZ keeps the time's offset, not its zone name), and a decimal string such as "12.34" (or an integer or float) for DECIMAL128. They
// are encoded with the same code as the SQLite path, so a batch of two or more equal values goes
// out as a constant vector, as e6data sends literals.
type Result struct {
	Columns []Column
	// Rows are the rows of the result. They are encoded once, by PutResult, into batches of
	// Options.BatchRows rows, and the encoded batches are replayed to every query: serving them
	// costs the mock next to nothing.
	Rows [][]any
	// Repeat serves Rows this many times in a row (a result of len(Rows) × Repeat rows, the same
	// encoded batches sent again); 0 means once.
	Repeat int
	// Batches, instead of Rows, produces the result one batch at a time: it is called with 0, 1,
	// 2, … for each query, returns that batch's rows and whether more batches follow, and its
	// rows are encoded as they are served. An empty batch ends the result. A query calls it from
	// one goroutine at a time; different queries of the statement may call it concurrently. It
	// should return promptly (a cancel waits for the call in progress); a panic in it fails the
	// query with the panic's message.
	Batches func(batch int) (rows [][]any, more bool)
	// RowCount is the rows affected that a statement without Columns reports.
	RowCount int64
	// Fail, if set, makes the statement fail where it says, with the engine's error.
	Fail *Failure
}

// FailurePoint is the call at which a scripted Failure happens.
type FailurePoint int

const (
	// FailPrepare fails prepareStatement, as e6data does for SQL it refuses.
	FailPrepare FailurePoint = iota
	// FailExecute fails executeStatement, as for an error while planning or starting the query.
	FailExecute
	// FailBatch fails getNextResultBatch once Failure.AfterBatches batches were served, as for
	// an error while the query runs.
	FailBatch
)

// Failure scripts the error a statement fails with. On the wire it is what the engine's own
// errors are: codes.Internal with Message.
type Failure struct {
	At           FailurePoint
	AfterBatches int // FailBatch only: the batches served before the failing call
	Message      string
}

// script is a registered Result, validated and (for Rows) encoded.
type script struct {
	cols     []engine.ResultColumn
	meta     codec.Metadata
	batches  [][]byte // encoded batches of Rows
	sizes    []int    // rows in each of batches
	repeat   int
	gen      func(batch int) ([][]any, bool)
	rowCount int64
	noRows   bool
	fail     *Failure
}

// scripts holds the registered results by exact SQL text.
type scripts struct {
	mu    sync.RWMutex
	bySQL map[string]*script
}

func (ss *scripts) get(sql string) *script {
	ss.mu.RLock()
	defer ss.mu.RUnlock()
	return ss.bySQL[sql]
}

// PutResult registers r as the result of every statement whose text is exactly sql (as the
// client sends it, byte for byte), replacing an earlier registration. Such a statement is served
// without SQLite and without the dialect checks, but through the whole query lifecycle as any
// other: prepare, execute, metadata, batches, status, clear and cancel, pinned to its colour
// across blue/green switches, answered 456 once that colour is retired, and recorded in the call
// log. Queries prepared before the call keep the result they were prepared with.
//
// It returns an error, and registers nothing, for an unknown column type, rows whose width does
// not match the columns, a value that does not convert to its column's type, or both Rows and
// Batches set.
func (s *Server) PutResult(sql string, r Result) error {
	sc, err := s.compile(r)
	if err != nil {
		return fmt.Errorf("mock: PutResult %q: %w", sql, err)
	}
	s.scripts.mu.Lock()
	defer s.scripts.mu.Unlock()
	if s.scripts.bySQL == nil {
		s.scripts.bySQL = map[string]*script{}
	}
	s.scripts.bySQL[sql] = sc
	return nil
}

// PutError registers a statement that fails to prepare with message, as SQL e6data refuses
// does: PutResult(sql, Result{Fail: &Failure{At: FailPrepare, Message: message}}).
func (s *Server) PutError(sql, message string) error {
	return s.PutResult(sql, Result{Fail: &Failure{At: FailPrepare, Message: message}})
}

// DeleteResult removes the registration of sql; the statement runs on SQLite again.
func (s *Server) DeleteResult(sql string) {
	s.scripts.mu.Lock()
	delete(s.scripts.bySQL, sql)
	s.scripts.mu.Unlock()
}

// ClearResults removes every registration of PutResult and PutError.
func (s *Server) ClearResults() {
	s.scripts.mu.Lock()
	clear(s.scripts.bySQL)
	s.scripts.mu.Unlock()
}

// compile validates r and encodes its Rows.
func (s *Server) compile(r Result) (*script, error) {
	sc := &script{repeat: max(r.Repeat, 1), gen: r.Batches, rowCount: r.RowCount}
	if r.Fail != nil {
		f := *r.Fail
		if f.At < FailPrepare || f.At > FailBatch {
			return nil, fmt.Errorf("unknown failure point %d", f.At)
		}
		if f.AfterBatches < 0 {
			return nil, errors.New("Failure.AfterBatches must not be negative")
		}
		if f.Message == "" {
			return nil, errors.New("Failure.Message must say what failed")
		}
		sc.fail = &f
	}
	if r.Repeat < 0 {
		return nil, errors.New("Repeat must not be negative")
	}
	if r.Rows != nil && r.Batches != nil {
		return nil, errors.New("set Rows or Batches, not both")
	}
	if r.Repeat != 0 && r.Rows == nil {
		return nil, errors.New("Repeat applies to Rows only")
	}
	if r.RowCount != 0 && len(r.Columns) > 0 {
		return nil, errors.New("RowCount is for statements without Columns")
	}
	if len(r.Columns) == 0 {
		if r.Rows != nil || r.Batches != nil {
			return nil, errors.New("rows need Columns")
		}
		sc.noRows = true
		sc.meta = codec.Metadata{RowCount: r.RowCount}
		return sc, nil
	}
	for _, c := range r.Columns {
		t, ok := codec.ParseVectorType(strings.ToUpper(c.Type))
		if !ok || !engine.Buildable(t) {
			return nil, fmt.Errorf("column %q: unknown type %q (want LONG, INTEGER, DOUBLE, FLOAT, BOOLEAN, STRING, BINARY, "+
				"DATE, DATETIME, TIMESTAMP_TZ, DECIMAL128, ARRAY, MAP, STRUCT or NULL)", c.Name, c.Type)
		}
		if c.Scale < 0 || c.Scale > codec.MaxDecimalScale {
			return nil, fmt.Errorf("column %q: scale %d out of range 0..%d", c.Name, c.Scale, codec.MaxDecimalScale)
		}
		sc.cols = append(sc.cols, engine.ResultColumn{Name: c.Name, Type: t, Scale: c.Scale})
	}
	sc.meta = engine.ResultMetadata(sc.cols)
	for first := 0; first < len(r.Rows); first += s.opts.BatchRows {
		rows := r.Rows[first:min(first+s.opts.BatchRows, len(r.Rows))]
		b, err := encodeRows(sc.cols, rows, int64(first))
		if err != nil {
			return nil, err
		}
		sc.batches = append(sc.batches, b)
		sc.sizes = append(sc.sizes, len(rows))
	}
	return sc, nil
}

// encodeRows builds and encodes one batch with the shared codec, as the SQLite path does.
func encodeRows(cols []engine.ResultColumn, rows [][]any, firstRow int64) ([]byte, error) {
	chunk, err := engine.BuildChunk(cols, rows, firstRow)
	if err != nil {
		return nil, err
	}
	return codec.AppendChunk(nil, chunk)
}

// failure returns the scripted failure at point p as an engine error, or nil.
func (sc *script) failure(p FailurePoint) error {
	if sc.fail == nil || sc.fail.At != p {
		return nil
	}
	return &engine.SQLError{Message: sc.fail.Message}
}

// scriptCursor serves one query's scripted result. Calls are serialised by the query's lock.
type scriptCursor struct {
	sc     *script
	ctx    context.Context // the query's: ends when it is cancelled or cleared
	served int             // batches served
	rows   int64           // rows served
	done   bool
	err    error // sticky: a failed query keeps failing, as an engine cursor does
}

func (c *scriptCursor) metadata() codec.Metadata { return c.sc.meta }

func (c *scriptCursor) next(ctx context.Context) ([]byte, int, error) {
	if err := c.ctx.Err(); err != nil {
		return nil, 0, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	if c.err != nil {
		return nil, 0, c.err
	}
	if c.sc.fail != nil && c.sc.fail.At == FailBatch && c.served >= c.sc.fail.AfterBatches {
		c.err = c.sc.failure(FailBatch)
		return nil, 0, c.err
	}
	if c.done || c.sc.noRows {
		return nil, 0, nil
	}
	b, n, err := c.batch()
	if err != nil {
		c.err = err
		return nil, 0, err
	}
	if n == 0 {
		c.done = true
		return nil, 0, nil
	}
	c.served++
	c.rows += int64(n)
	return b, n, nil
}

// batch returns the next batch encoded and its rows, 0 at the end.
func (c *scriptCursor) batch() ([]byte, int, error) {
	if c.sc.gen == nil {
		if c.served >= len(c.sc.batches)*c.sc.repeat {
			return nil, 0, nil
		}
		i := c.served % len(c.sc.batches)
		return c.sc.batches[i], c.sc.sizes[i], nil
	}
	rows, more, err := c.generate()
	if err != nil || len(rows) == 0 {
		return nil, 0, err
	}
	if !more {
		c.done = true // after this batch
	}
	b, err := encodeRows(c.sc.cols, rows, c.rows)
	if err != nil {
		return nil, 0, err
	}
	return b, len(rows), nil
}

// generate calls the Batches function for the next batch, turning a panic into the query's error.
func (c *scriptCursor) generate() (rows [][]any, more bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &engine.SQLError{Message: fmt.Sprintf("scripted Batches(%d) panicked: %v", c.served, p)}
		}
	}()
	rows, more = c.sc.gen(c.served)
	return rows, more, nil
}

func (c *scriptCursor) Close() error {
	c.done = true
	return nil
}
