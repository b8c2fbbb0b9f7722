package connector

import (
	"context"
	"database/sql/driver"
	"io"
	"sync"

	"github.com/e6data/gorm-e6data/internal/codec"
)

// rows streams a query's results batch by batch. A goroutine fetches and decodes up to
// Config.Prefetch batches ahead of the reader, so memory stays at about (prefetch + 2) batches
// whatever the size of the result, and decoding overlaps the caller's work.
type rows struct {
	q       *query
	cur     *codec.Chunk
	row     int
	batches chan fetched
	stop    context.CancelFunc // ends the prefetcher
	err     error              // the error that ended the stream; io.EOF at the end
	closeMu sync.Mutex
	closed  bool
	scales  []int32 // DECIMAL128 scale per column, from the first batch; -1 when unknown
}

type fetched struct {
	chunk *codec.Chunk // nil with a nil err: the end of results
	err   error
}

func newRows(q *query, first *codec.Chunk) *rows {
	r := &rows{q: q, cur: first}
	r.scales = make([]int32, len(q.md.Fields))
	for i := range r.scales {
		r.scales[i] = -1
		if first != nil && first.Vectors[i].Type == codec.Decimal128 {
			r.scales[i] = first.Vectors[i].Scale
		}
	}
	if first == nil {
		r.err = io.EOF
		return r
	}
	ctx, stop := context.WithCancel(q.ctx)
	r.stop = stop
	r.batches = make(chan fetched, q.cn.cfg.Prefetch)
	go r.prefetch(ctx)
	return r
}

// prefetch fetches batches until the end, an error, or Close.
func (r *rows) prefetch(ctx context.Context) {
	defer close(r.batches)
	for {
		ch, err := r.q.fetch(ctx)
		select {
		case r.batches <- fetched{chunk: ch, err: err}:
		case <-ctx.Done():
			return
		}
		if ch == nil || err != nil {
			return
		}
	}
}

// Columns returns the column names in result order.
func (r *rows) Columns() []string {
	names := make([]string, len(r.q.md.Fields))
	for i, f := range r.q.md.Fields {
		names[i] = f.Name
	}
	return names
}

// Next fills dest with the next row.
func (r *rows) Next(dest []driver.Value) error {
	for r.cur == nil || r.row >= r.cur.Size {
		if r.err != nil {
			return r.err
		}
		f, ok := <-r.batches
		switch {
		case !ok:
			// The prefetcher stopped before the end marker: the query's context ended (it
			// may have dropped a batch or an error for it). Never report that as the end of
			// the results.
			r.err = r.q.ctx.Err()
			if r.err == nil {
				r.err = io.EOF // after Close
			}
		case f.err != nil:
			r.err = f.err
		case f.chunk == nil:
			r.err = io.EOF
		}
		r.cur, r.row = f.chunk, 0
	}
	for i := range dest {
		dest[i] = r.cur.Vectors[i].Value(r.row)
	}
	r.row++
	return nil
}

// Close stops the prefetcher and clears the query on the server, once.
func (r *rows) Close() error {
	r.closeMu.Lock()
	defer r.closeMu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	if r.stop != nil {
		r.stop()
		for range r.batches { // wait for the prefetcher to end
		}
	}
	r.cur = nil
	r.q.clearOnServer()
	return nil
}
