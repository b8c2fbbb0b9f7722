package connector

import (
	"context"
	"database/sql/driver"
	"hash/maphash"
	"io"
	"sync"

	"github.com/e6data/gorm-e6data/internal/codec"
)

// rows streams a query's results batch by batch. A goroutine fetches and decodes up to
// Config.Prefetch batches ahead of the reader, so memory stays at about (prefetch + 2) batches
// whatever the size of the result, and decoding overlaps the caller's work.
//
// When a blue/green switch cuts the query after rows were handed out, rows resumes it by replay:
// it runs the query again, reads the rows already handed out again and checks them against a
// running checksum, then continues from the next row. If they differ, or too many rows would have
// to be read again, it fails with ErrQueryInterrupted. Never a row twice, never a row skipped.
type rows struct {
	q       *query
	cur     *codec.Chunk
	curHash []uint64 // row hashes of cur; nil for a batch past Config.ReplayLimit
	curMsg  []byte   // the memory of the message cur came in; nil when unknown
	row     int      // next row of cur
	folded  int      // rows of cur already in sum (see foldDelivered)
	batches chan fetched
	spent   chan fetched       // batches the reader is done with, whose memory the prefetcher reuses
	stop    context.CancelFunc // ends the prefetcher of q
	err     error              // the error that ended the stream; io.EOF at the end
	closeMu sync.Mutex
	closed  bool
	scales  []int32     // DECIMAL128 scale per column, from the first batch; -1 when unknown
	boxes   codec.Boxes // boxes the fixed-size values Next hands out, a slab at a time

	seed      maphash.Seed
	delivered int64  // rows handed to the caller
	sum       uint64 // running checksum of those rows
}

type fetched struct {
	chunk  *codec.Chunk // nil with a nil err: the end of results
	hashes []uint64
	msg    []byte // the memory of the message chunk came in (its strings view it)
	err    error
}

func newRows(q *query, first *codec.Chunk) *rows {
	// Prefetch+2 batches are alive at most: the prefetched ones, the one being fetched and cur.
	r := &rows{seed: maphash.MakeSeed(), spent: make(chan fetched, q.cn.cfg.Prefetch+2)}
	r.scales = make([]int32, len(q.md.Fields))
	for i := range r.scales {
		r.scales[i] = -1
		if first != nil && first.Vectors[i].Type == codec.Decimal128 {
			r.scales[i] = first.Vectors[i].Scale
		}
	}
	r.follow(q, first, nil, 0)
	return r
}

// follow makes q the query being read, with first as its current batch (hashes its row hashes
// when already computed, row the next row of it), and starts prefetching the batches after it.
func (r *rows) follow(q *query, first *codec.Chunk, hashes []uint64, row int) {
	r.q, r.cur, r.curMsg, r.row, r.folded = q, first, nil, row, row // rows before row are in sum already
	if first == nil {
		r.err = io.EOF
		q.clearOnServer() // nothing left to fetch
		return
	}
	if hashes == nil {
		hashes = rowHashes(nil, first, len(q.md.Fields), r.seed)
	}
	r.curHash = hashes
	// The prefetcher ends with the query's context, with Close, and with the connector, so
	// that rows a caller never closed keep no goroutine after sql.DB.Close.
	ctx, stop := q.cn.c.withConnector(q.ctx)
	r.stop = stop
	out := make(chan fetched, q.cn.cfg.Prefetch)
	r.batches = out
	// first's row `row` is the result's row r.delivered (0-based), so the next batch starts at:
	next := r.delivered - int64(row) + int64(first.Size)
	if !q.cn.c.goBackground(func() { r.prefetch(ctx, q, out, stop, next) }) {
		stop()
		close(out) // the connector is closed: Next reports it
	}
}

// prefetch fetches batches of q into out until the end, an error, or its context ends; then it
// calls stop. The next batch starts at row `next` of the result. Rows past Config.ReplayLimit are
// not hashed: once one of them was handed out, the query cannot be replayed anyway (Next skips
// the checksum).
func (r *rows) prefetch(ctx context.Context, q *query, out chan<- fetched, stop context.CancelFunc, next int64) {
	defer stop()
	defer close(out)
	ncols := len(q.md.Fields)
	limit := int64(q.cn.cfg.ReplayLimit)
	for {
		var old fetched // a batch the reader is done with: its memory serves the next one
		select {
		case old = <-r.spent:
		default:
		}
		ch, msg, err := q.fetch(ctx, &old)
		if err != nil && q.cn.c.closed.Load() {
			// The connector was closed under the call (it may have cleared the query first):
			// Next reports that, not the call's error.
			return
		}
		f := fetched{chunk: ch, msg: msg, err: err}
		if ch != nil {
			for i := range ch.Vectors[:ncols] {
				ch.Vectors[i].PrepareValues() // off the reader's goroutine
			}
			if next < limit {
				f.hashes = rowHashes(old.hashes, ch, ncols, r.seed)
			}
			next += int64(ch.Size)
		}
		select {
		case out <- f:
		case <-ctx.Done():
			return
		}
		if ch == nil || err != nil {
			return
		}
	}
}

// stopPrefetch ends the prefetcher and waits for it.
func (r *rows) stopPrefetch() {
	if r.stop == nil {
		return
	}
	r.stop()
	for range r.batches {
	}
	r.stop, r.batches = nil, nil
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
		r.foldDelivered()
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
			if r.err == nil && r.q.cn.c.closed.Load() {
				r.err = ErrConnectorClosed
			}
			if r.err == nil {
				r.err = io.EOF // after Close
			}
		case f.err != nil && rerunnable(f.err):
			if err := r.replay(f.err); err != nil {
				r.err = err
			}
		case f.err != nil:
			r.err = f.err
		case f.chunk == nil:
			r.err = io.EOF
		default:
			r.recycle()
			r.cur, r.curHash, r.curMsg, r.row, r.folded = f.chunk, f.hashes, f.msg, 0, 0
		}
	}
	for i := range dest {
		dest[i] = r.cur.Vectors[i].ValueIn(r.row, &r.boxes)
	}
	r.delivered++
	r.row++
	return nil
}

// recycle hands cur, which the reader is past, to the prefetcher: decoding into the memory of
// spent batches, a stream of batches of one shape allocates little more than its values.
// Nothing the reader handed out refers to that memory (values own theirs).
func (r *rows) recycle() {
	if r.cur == nil {
		return
	}
	select {
	case r.spent <- fetched{chunk: r.cur, hashes: r.curHash, msg: r.curMsg}:
	default: // enough spares already
	}
	r.cur, r.curHash, r.curMsg = nil, nil, nil
}

// foldDelivered adds the rows of cur handed out since the last fold to the running checksum,
// which replay compares a re-run with. Folding a batch at a time keeps the reader's per-row
// path free of it; a batch past replay-limit has no hashes, and needs none.
func (r *rows) foldDelivered() {
	if r.curHash != nil && r.row > r.folded {
		r.sum = fold(r.sum, r.curHash[r.folded:r.row])
	}
	r.folded = r.row
}

// Close stops the prefetcher and clears the query on the server, once.
func (r *rows) Close() error {
	r.closeMu.Lock()
	defer r.closeMu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	r.stopPrefetch()
	r.cur, r.curHash, r.curMsg = nil, nil, nil
	r.q.clearOnServer()
	var err error
	if r.err != io.EOF {
		err = r.err // nil when the caller closed the rows before the end: not a failure
	}
	observationFrom(r.q.ctx).end(r.q, err) // trace.go
	return nil
}
