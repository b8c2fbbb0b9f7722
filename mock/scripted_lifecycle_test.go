package mock

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/internal/e6pb"
)

// TestScriptedQueryLifecycle drives a scripted statement over raw gRPC through a blue/green
// switch: it stays pinned to its colour and is served there to its end, status, explain and
// cancel behave as for any query, and the retired colour answers 456 afterwards.
func TestScriptedQueryLifecycle(t *testing.T) {
	srv := newTestServer(t, Options{BatchRows: 10})
	rows := make([][]any, 25)
	for i := range rows {
		rows[i] = []any{i}
	}
	const sql = `SELECT n FROM scripted`
	require.NoError(t, srv.PutResult(sql, Result{Columns: []Column{{Name: "n", Type: "LONG"}}, Rows: rows, Repeat: 2}))
	c := dial(t, srv)
	ctx := testCtx(t)
	blue := c.auth(t, ctx, Blue)

	q, err := c.prepare(ctx, Blue, blue, sql)
	require.NoError(t, err)
	_, err = c.qe.GetNextResultBatch(q.ctx(ctx), &e6pb.GetNextResultBatchRequest{EngineIP: q.engineIP, SessionId: blue, QueryId: q.queryID})
	assert.Equal(t, codes.FailedPrecondition, status.Code(err), "a batch before execute")
	require.NoError(t, q.execute(ctx))
	assert.Equal(t, codes.FailedPrecondition, status.Code(q.execute(ctx)), "a second execute")
	md, err := q.metadata(ctx)
	require.NoError(t, err)
	require.Len(t, md.Fields, 1)
	assert.Equal(t, "LONG", md.Fields[0].Type)
	first, _, err := q.batch(ctx)
	require.NoError(t, err)
	require.Equal(t, 10, first.Size)

	assert.Equal(t, Green, srv.Switch())
	assert.Equal(t, map[string]int{Blue: 1}, srv.PinnedQueries())
	// A new scripted query goes to green meanwhile, and the blue one reads on to its end.
	green := c.auth(t, ctx, Green)
	_, greenRows := c.run(t, ctx, Green, green, sql)
	assert.Len(t, greenRows, 50)
	got := chunkRows(first)
	got = append(got, q.rows(t, ctx)...)
	require.Len(t, got, 50)
	for i, r := range got {
		require.Equal(t, []any{int64(i % 25)}, r, "row %d", i)
	}
	st, err := c.qe.Status(q.ctx(ctx), &e6pb.StatusRequest{EngineIP: q.engineIP, SessionId: blue, QueryId: q.queryID})
	require.NoError(t, err)
	assert.Equal(t, int64(50), st.GetRowCount())
	ex, err := c.qe.Explain(q.ctx(ctx), &e6pb.ExplainRequest{EngineIP: q.engineIP, SessionId: blue, QueryId: q.queryID})
	require.NoError(t, err)
	assert.Contains(t, ex.GetExplain(), "scripted result")
	require.NoError(t, q.clear(ctx))
	require.NoError(t, srv.WaitDrained(ctx))
	assert.Equal(t, []string{Blue}, srv.QueryColours()[q.queryID])
	_, err = c.prepare(ctx, Blue, blue, sql)
	requireWrongColour(t, err)

	// Cancel ends a scripted query mid-stream; it answers "cancelled" until cleared.
	q2, err := c.prepare(ctx, Green, green, sql)
	require.NoError(t, err)
	require.NoError(t, q2.execute(ctx))
	_, _, err = q2.batch(ctx)
	require.NoError(t, err)
	_, err = c.qe.CancelQuery(q2.ctx(ctx), &e6pb.CancelQueryRequest{EngineIP: q2.engineIP, SessionId: green, QueryId: q2.queryID})
	require.NoError(t, err)
	_, _, err = q2.batch(ctx)
	assert.Equal(t, codes.Canceled, status.Code(err))
	assert.Empty(t, srv.PinnedQueries())
	require.NoError(t, q2.clear(ctx))

	// A statement without columns reports its rows affected and no rows.
	require.NoError(t, srv.PutResult("DELETE FROM t", Result{RowCount: 3}))
	md, none := c.run(t, ctx, Green, green, "DELETE FROM t")
	assert.Equal(t, int64(3), md.RowCount)
	assert.Empty(t, md.Fields)
	assert.Empty(t, none)

	// DryRun answers for the scripted text without SQLite.
	dr, err := c.qe.DryRun(on(ctx, Green, ""), &e6pb.DryRunRequest{SessionId: green, Schema: "default", QueryString: sql})
	require.NoError(t, err)
	assert.Equal(t, `{"valid":true}`, dr.GetDryrunValue())
	srv.ClearResults()
	dr, err = c.qe.DryRun(on(ctx, Green, ""), &e6pb.DryRunRequest{SessionId: green, Schema: "default", QueryString: sql})
	require.NoError(t, err)
	assert.Contains(t, dr.GetDryrunValue(), `"valid":false`, "without the script the table does not exist")
}
