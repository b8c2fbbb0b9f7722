package connector_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/internal/e6pb"
	"github.com/e6data/gorm-e6data/mock"
)

// TestDecimalWireForms reads DECIMAL128 values through the driver in both forms a server may
// send: minimal-length two's complement (the mock's even columns) and sign-extended to 16 bytes
// (its odd columns), as e6data's own client expects them. The batches on the wire are captured
// to check that both forms were really sent.
func TestDecimalWireForms(t *testing.T) {
	srv := startMock(t, mock.Options{})
	_, err := srv.Exec(`CREATE TABLE dec_forms (id BIGINT, a DECIMAL(12,2), b DECIMAL(38,4))`)
	require.NoError(t, err)
	rows := []struct {
		id   int64
		a, b any
	}{
		{1, "1.50", "1.5000"},
		{2, "-0.01", "-0.0100"},
		{3, nil, nil},
		{4, "-9999999999.99", "-99999999999.9999"}, // the mock stores 15 significant digits
		{5, "0.00", "99999999999.9999"},
		{6, "127.00", "-12.8000"},
	}
	for _, r := range rows {
		_, err := srv.Exec(`INSERT INTO dec_forms VALUES (?, ?, ?)`, r.id, r.a, r.b)
		require.NoError(t, err)
	}

	var mu sync.Mutex
	var batches [][]byte
	capture := func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		err := invoker(ctx, method, req, reply, cc, opts...)
		if resp, ok := reply.(*e6pb.GetNextResultBatchResponse); ok && err == nil {
			mu.Lock()
			batches = append(batches, resp.GetResultBatch())
			mu.Unlock()
		}
		return err
	}
	cfg := configFor(t, srv)
	cfg.DialOptions = []grpc.DialOption{grpc.WithChainUnaryInterceptor(capture)}
	db := openConfig(t, cfg)

	// id is column 0, so a (column 1) goes out padded and b (column 2) minimal; the second
	// query swaps them.
	for _, q := range []struct {
		sql            string
		paddedIsFirstA bool
	}{
		{`SELECT id, a, b FROM dec_forms ORDER BY id`, true},
		{`SELECT id, b, a FROM dec_forms ORDER BY id`, false},
	} {
		mu.Lock()
		batches = nil
		mu.Unlock()
		res, err := db.QueryContext(testCtx(t), q.sql)
		require.NoError(t, err)
		i := 0
		for res.Next() {
			var id int64
			var x, y connector.NullDecimal
			require.NoError(t, res.Scan(&id, &x, &y))
			a, b := x, y
			if !q.paddedIsFirstA {
				a, b = y, x
			}
			require.Less(t, i, len(rows))
			assert.Equal(t, rows[i].id, id)
			assert.Equal(t, rows[i].a, decimalText(a), "row %d, a", id)
			assert.Equal(t, rows[i].b, decimalText(b), "row %d, b", id)
			i++
		}
		require.NoError(t, res.Err())
		require.NoError(t, res.Close())
		require.Equal(t, len(rows), i)

		mu.Lock()
		require.NotEmpty(t, batches)
		ch, err := codec.DecodeChunk(batches[0])
		mu.Unlock()
		require.NoError(t, err)
		require.Len(t, ch.Vectors, 3)
		for r := range ch.Size {
			if ch.Vectors[1].IsNull(r) {
				continue
			}
			assert.Len(t, ch.Vectors[1].Bytes[r], 16, "column 1, row %d: not the padded form", r)
			assert.Less(t, len(ch.Vectors[2].Bytes[r]), 16, "column 2, row %d: not the minimal form", r)
		}
	}
}

// decimalText is d's text, or nil when it is NULL.
func decimalText(d connector.NullDecimal) any {
	if !d.Valid {
		return nil
	}
	return d.Decimal.String()
}
