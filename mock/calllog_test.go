package mock

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/internal/e6pb"
)

// TestCallLogSQL: prepare records carry the query text as sent, for both prepare RPCs and also
// when the engine refuses it; later calls of a query carry its text; dryRun checks the dialect
// and records its text too.
func TestCallLogSQL(t *testing.T) {
	srv := newTestServer(t, Options{InitialStrategy: Blue})
	c := dial(t, srv)
	ctx := testCtx(t)
	sid := c.auth(t, ctx, Blue)

	const good = "  SELECT 1 AS \"one\";\n"
	c.run(t, ctx, Blue, sid, good)
	_, err := c.prepare(ctx, Blue, sid, `SELECT 7 % 2`)
	assert.Equal(t, codes.Internal, status.Code(err))
	assert.Contains(t, status.Convert(err).Message(), "write MOD(a, b)")
	_, err = c.qe.PrepareStatement(on(ctx, Blue, ""), &e6pb.PrepareStatementRequest{SessionId: sid, QueryString: "SELECT 2"})
	require.NoError(t, err)
	dry, err := c.qe.DryRun(on(ctx, Blue, ""), &e6pb.DryRunRequest{SessionId: sid, QueryString: `SELECT CAST(1 AS STRING)`})
	require.NoError(t, err)
	assert.Contains(t, dry.GetDryrunValue(), `"valid":false`)
	assert.Contains(t, dry.GetDryrunValue(), "CAST(x AS VARCHAR)")

	assert.Equal(t, []string{good, `SELECT 7 % 2`, "SELECT 2"}, srv.PreparedSQL())
	var methods []string
	for _, r := range srv.CallLog() {
		if r.SQL == good {
			methods = append(methods, r.Method)
		}
		if r.Method == "authenticate" {
			assert.Empty(t, r.SQL)
		}
		if r.Method == "dryRun" {
			assert.Equal(t, `SELECT CAST(1 AS STRING)`, r.SQL)
		}
	}
	assert.Equal(t, "prepareStatementV2 executeStatementV2 getResultMetadata getNextResultBatch getNextResultBatch clearOrCancelQuery",
		strings.Join(methods, " "))
}
