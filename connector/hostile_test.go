package connector_test

import (
	"context"
	"database/sql"
	"errors"
	"runtime/metrics"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/internal/codec/codectest"
)

// hostileBatch is the 47-byte batch of issue 13: one constant BOOLEAN column claiming 2^31-1
// rows. Its bytes prove one value; a driver that believed the row count sized memory by it.
var hostileBatch = []byte{
	0x08, 0x00, 0x01, 0x7f, 0xff, 0xff, 0xff, // Chunk.size = 2147483647
	0x0f, 0x00, 0x02, 0x0c, 0x00, 0x00, 0x00, 0x01, // Chunk.vectors: LIST of 1 STRUCT
	0x08, 0x00, 0x01, 0x7f, 0xff, 0xff, 0xff, //   Vector.size = 2147483647
	0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, //   Vector.vectorType = BOOLEAN
	0x0c, 0x00, 0x04, //   Vector.data →
	0x0c, 0x00, 0x08, //     Data.boolConstantData →
	0x02, 0x00, 0x01, 0x01, //       data = true
	0x00,                   //     end of BoolConstantData
	0x00,                   //   end of Data
	0x02, 0x00, 0x05, 0x01, //   Vector.isConstantVector = true
	0x00, //   end of Vector
	0x00, // end of Chunk
}

// mustMetadata encodes a result's metadata.
func mustMetadata(tb testing.TB, fields ...codec.Field) []byte {
	tb.Helper()
	b, err := codec.AppendMetadata(nil, &codec.Metadata{Fields: fields})
	require.NoError(tb, err)
	return b
}

// boolBatch encodes a batch of one BOOLEAN column holding values.
func boolBatch(tb testing.TB, values ...bool) []byte {
	tb.Helper()
	b, err := codec.AppendChunk(nil, &codec.Chunk{Size: len(values), Vectors: []codec.Vector{{Type: codec.Boolean, Size: len(values), Bools: values}}})
	require.NoError(tb, err)
	return b
}

// constantBatch encodes a batch of one constant BOOLEAN column of rows rows.
func constantBatch(tb testing.TB, rows int) []byte {
	tb.Helper()
	b, err := codec.AppendChunk(nil, &codec.Chunk{Size: rows, Vectors: []codec.Vector{{Type: codec.Boolean, Size: rows, Constant: true, Bools: []bool{true}}}})
	require.NoError(tb, err)
	return b
}

// heapAllocated returns the bytes of heap the process allocated while f ran.
func heapAllocated(f func()) uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	before := s[0].Value.Uint64()
	f()
	metrics.Read(s)
	return s[0].Value.Uint64() - before
}

// readAnyRows runs query on db and reads every row, with its column types, into values of any type;
// it returns the rows read and the error that ended the query, if any.
func readAnyRows(ctx context.Context, db *sql.DB, query string) (int, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return 0, err
	}
	dest := make([]any, len(types))
	for i, ct := range types {
		_, _ = ct.DatabaseTypeName(), ct.ScanType()
		dest[i] = new(any)
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// TestHostileConstantBatch: the batch fails the query with an error matching
// codec.ErrCorrupt that names max-batch-rows, wherever it comes (first batch, a later one, the
// re-run of a replay, the rows a replay reads again), and the driver allocates nothing for the
// rows it claims (it used to allocate 16 GiB of row hashes and die).
func TestHostileConstantBatch(t *testing.T) {
	eng := startRawEngine(t)
	db := openDB(t, eng.dsn())
	md := mustMetadata(t, codec.Field{Name: "flag", Type: "BOOLEAN"})
	valid := boolBatch(t, true, false)
	cases := []struct {
		name        string
		script      rawScript
		rows        int  // rows read before the error
		interrupted bool // the error ends a replay
	}{
		{"first batch", rawScript{first: [][]byte{hostileBatch}}, 0, false},
		{"later batch", rawScript{first: [][]byte{valid, hostileBatch}}, 2, false},
		{"re-run of a replay", rawScript{first: [][]byte{valid, valid}, rerun: [][]byte{hostileBatch}, cutAt: 3}, 4, true},
		{"rows a replay reads again", rawScript{first: [][]byte{valid, valid}, rerun: [][]byte{valid, hostileBatch}, cutAt: 3}, 4, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.script.metadata = md
			eng.serve(tc.script)
			var n int
			var err error
			allocated := heapAllocated(func() { n, err = readAnyRows(testCtx(t), db, "SELECT flag FROM hostile") })
			require.ErrorIs(t, err, connector.ErrCorruptResult)
			assert.Contains(t, err.Error(), "max-batch-rows", "the error names the setting")
			assert.Equal(t, tc.rows, n)
			assert.Equal(t, tc.interrupted, errors.Is(err, connector.ErrQueryInterrupted), "%v", err)
			assert.Less(t, allocated, uint64(64<<20), "bytes allocated by the query")
		})
	}
	// Up to the bound, a constant batch is rows like any other, and a replay reads them again.
	db = openDB(t, eng.dsn("max-batch-rows=1000"))
	atBound := constantBatch(t, 1000)
	for _, s := range []rawScript{
		{first: [][]byte{atBound, valid}},
		{first: [][]byte{atBound, valid}, rerun: [][]byte{atBound, valid}, cutAt: 3},
	} {
		s.metadata = md
		eng.serve(s)
		n, err := readAnyRows(testCtx(t), db, "SELECT flag FROM hostile")
		require.NoError(t, err)
		assert.Equal(t, 1002, n)
	}
	eng.serve(rawScript{metadata: md, first: [][]byte{constantBatch(t, 1001)}})
	_, err := readAnyRows(testCtx(t), db, "SELECT flag FROM hostile")
	require.ErrorIs(t, err, connector.ErrCorruptResult)
	assert.Contains(t, err.Error(), "more than the 1000 a batch may have")
}

// TestExtraVectorsCostNothing: vectors past the metadata's columns have no column to fill, so
// the driver skips them without decoding them; 100,000 of them used to take 27 MB (a decoded
// vector is 272 bytes, and memory was reserved for the count the batch claimed).
func TestExtraVectorsCostNothing(t *testing.T) {
	eng := startRawEngine(t)
	db := openDB(t, eng.dsn())
	vs := []codec.Vector{{Type: codec.Boolean, Size: 2, Bools: []bool{true, false}}}
	for range 100_000 {
		vs = append(vs, codec.Vector{Type: codec.Null, Size: 2})
	}
	batch, err := codec.AppendChunk(nil, &codec.Chunk{Size: 2, Vectors: vs})
	require.NoError(t, err)
	eng.serve(rawScript{metadata: mustMetadata(t, codec.Field{Name: "flag", Type: "BOOLEAN"}), first: [][]byte{batch}})
	var n int
	allocated := heapAllocated(func() { n, err = readAnyRows(testCtx(t), db, "SELECT flag FROM wide") })
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	// The message is copied on its way, by the server and by gRPC: a few times its size.
	assert.Less(t, allocated, uint64(6*len(batch)), "bytes allocated for a batch of %d bytes", len(batch))
}

// fuzzBatchRows is max-batch-rows of FuzzResultPath: small, so that constant batches stay cheap
// to read.
const fuzzBatchRows = 1024

// FuzzResultPath drives the whole result path, from gRPC to Rows.Scan, with fuzzed metadata and
// batches from a server on loopback, and fuzzed re-run batches that a replay reads: the first run
// returns b1 and b2, is cut at its cut%4-th batch call (0: not cut), and every re-run returns b1
// and b3. Whatever the bytes, the driver does not panic, fails only with an error matching
// codec.ErrCorrupt or ErrQueryInterrupted, and allocates no more than the bytes received and
// the rows it may hand out account for.
func FuzzResultPath(f *testing.F) {
	eng := startRawEngine(f)
	db := openDB(f, eng.dsn("max-batch-rows="+strconv.Itoa(fuzzBatchRows)))

	boolMD := mustMetadata(f, codec.Field{Name: "flag", Type: "BOOLEAN"})
	two, three := boolBatch(f, true, false), boolBatch(f, false, false, true)
	mixedMD := mustMetadata(f, codectest.MixedFields...)
	m1, m2 := codectest.EncodedMixedChunk(0, 20), codectest.EncodedMixedChunk(20, 20)
	for _, s := range []struct {
		md, b1, b2, b3 []byte
		cut            uint8
	}{
		{boolMD, two, three, three, 0},
		{boolMD, two, three, three, 1}, // re-run before the first row
		{boolMD, two, three, three, 2}, // replay after the first batch
		{boolMD, two, three, three, 3}, // replay after the last batch
		{boolMD, two, three, two, 3},   // the re-run returns other rows
		{mixedMD, m1, m2, m2, 2},
		{boolMD, hostileBatch, nil, nil, 0},
		{boolMD, two, hostileBatch, three, 0},
		{boolMD, two, three, hostileBatch, 2}, // after the replay
		{boolMD, two, three, hostileBatch, 3}, // in the rows the replay reads again
		{boolMD, constantBatch(f, fuzzBatchRows), constantBatch(f, fuzzBatchRows+1), nil, 0},
		{mustMetadata(f), nil, nil, nil, 0},                                        // no columns
		{[]byte{0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff}, two, nil, nil, 0}, // a field count without fields
	} {
		f.Add(s.md, s.b1, s.b2, s.b3, s.cut)
	}
	f.Fuzz(func(t *testing.T, md, b1, b2, b3 []byte, cut uint8) {
		eng.serve(rawScript{metadata: md, first: [][]byte{b1, b2}, rerun: [][]byte{b1, b3}, cutAt: int(cut % 4)})
		var err error
		allocated := heapAllocated(func() { _, err = readAnyRows(testCtx(t), db, "SELECT fuzz") })
		if err != nil && !errors.Is(err, connector.ErrCorruptResult) && !errors.Is(err, connector.ErrQueryInterrupted) {
			t.Fatalf("error of no documented kind: %v", err)
		}
		// Per row handed out, each value at most the bytes received, plus a fixed cost per call.
		if bound := uint64(64<<20 + 2*fuzzBatchRows*64*(len(md)+len(b1)+len(b2)+len(b3))); allocated > bound {
			t.Fatalf("%d bytes allocated for %d bytes received; want at most %d", allocated, len(md)+len(b1)+len(b2)+len(b3), bound)
		}
	})
}
