package mock

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/internal/e6pb"
)

const allTypesDDL = `CREATE TABLE all_types (
	id BIGINT, qty INT, price DOUBLE, ratio FLOAT, name STRING, ok BOOLEAN, day DATE,
	at TIMESTAMP, at_tz TIMESTAMP_TZ, amount DECIMAL(12,2), blob BINARY,
	tags "ARRAY<STRING>", attrs "MAP<STRING,STRING>", addr "STRUCT<city:STRING>")`

func loadAllTypes(t *testing.T, srv *Server) {
	t.Helper()
	_, err := srv.Exec(allTypesDDL)
	require.NoError(t, err)
	_, err = srv.Exec(`INSERT INTO all_types VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		1, 7, 1.5, 0.25, "héllo 'q' \\", true, "1969-12-31",
		time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC), "2024-01-02 08:34:05.123456 +05:30",
		"-24510.72", []byte{0, 1, 0xfe}, `["a","b"]`, `{"k":"v"}`, `{"city":"Pune"}`)
	require.NoError(t, err)
	_, err = srv.Exec(`INSERT INTO all_types (id) VALUES (2)`)
	require.NoError(t, err)
}

func TestQueryLifecycleAllTypes(t *testing.T) {
	srv := newTestServer(t, Options{})
	loadAllTypes(t, srv)
	c := dial(t, srv)
	ctx := testCtx(t)
	sid := c.auth(t, ctx, Blue)

	md, rows := c.run(t, ctx, Blue, sid, `SELECT * FROM "all_types" ORDER BY "id" ASC;`)
	types := make([]string, len(md.Fields))
	for i, f := range md.Fields {
		types[i] = f.Type
	}
	assert.Equal(t, []string{"LONG", "INTEGER", "DOUBLE", "FLOAT", "STRING", "BOOLEAN", "DATE",
		"DATETIME", "TIMESTAMP_TZ", "DECIMAL128", "BINARY", "ARRAY", "MAP", "STRUCT"}, types)
	require.Len(t, rows, 2)

	kolkata := time.FixedZone("", 5*3600+1800)
	want := []any{int64(1), int64(7), 1.5, 0.25, "héllo 'q' \\", true,
		time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC),
		time.Date(2024, 1, 2, 8, 34, 5, 123456000, kolkata), "-24510.72", []byte{0, 1, 0xfe},
		`["a","b"]`, `{"k":"v"}`, `{"city":"Pune"}`}
	for i, w := range want {
		got := rows[0][i]
		if wt, ok := w.(time.Time); ok {
			gt, ok := got.(time.Time)
			require.True(t, ok, "column %s: %T", md.Fields[i].Name, got)
			assert.True(t, wt.Equal(gt), "column %s: %v != %v", md.Fields[i].Name, gt, wt)
			_, wOff := wt.Zone()
			_, gOff := gt.Zone()
			assert.Equal(t, wOff, gOff, "column %s zone offset", md.Fields[i].Name)
			continue
		}
		assert.Equal(t, w, got, "column %s", md.Fields[i].Name)
	}
	assert.Equal(t, int64(2), rows[1][0])
	for i := 1; i < len(rows[1]); i++ {
		assert.Nil(t, rows[1][i], "column %s of row 2", md.Fields[i].Name)
	}
}

func TestQueryLifecycleV1AndQueryRPCs(t *testing.T) {
	srv := newTestServer(t, Options{})
	c := dial(t, srv)
	ctx := testCtx(t)
	sid := c.auth(t, ctx, "")

	prep, err := c.qe.PrepareStatement(on(ctx, "", ""), &e6pb.PrepareStatementRequest{SessionId: sid, QueryString: "SELECT 1 AS one, 'x' AS s"})
	require.NoError(t, err)
	q := &testQuery{c: c, sessionID: sid, queryID: prep.GetQueryId(), engineIP: prep.GetEngineIP()}
	_, err = c.qe.ExecuteStatement(q.ctx(ctx), &e6pb.ExecuteStatementRequest{EngineIP: q.engineIP, SessionId: sid, QueryId: q.queryID})
	require.NoError(t, err)
	md, err := q.metadata(ctx)
	require.NoError(t, err)
	require.Len(t, md.Fields, 2)
	assert.Equal(t, "one", md.Fields[0].Name)
	assert.Equal(t, "LONG", md.Fields[0].Type)
	assert.Equal(t, "STRING", md.Fields[1].Type)
	assert.Equal(t, [][]any{{int64(1), "x"}}, q.rows(t, ctx))

	st, err := c.qe.Status(q.ctx(ctx), &e6pb.StatusRequest{EngineIP: q.engineIP, SessionId: sid, QueryId: q.queryID})
	require.NoError(t, err)
	assert.True(t, st.GetStatus())
	assert.Equal(t, int64(1), st.GetRowCount())
	ex, err := c.qe.Explain(q.ctx(ctx), &e6pb.ExplainRequest{EngineIP: q.engineIP, SessionId: sid, QueryId: q.queryID})
	require.NoError(t, err)
	assert.NotEmpty(t, ex.GetExplain())
	ea, err := c.qe.ExplainAnalyze(q.ctx(ctx), &e6pb.ExplainAnalyzeRequest{EngineIP: q.engineIP, SessionId: sid, QueryId: q.queryID})
	require.NoError(t, err)
	assert.Contains(t, ea.GetExplainAnalyze(), `"rows_returned":1`)

	// Fetching after the end keeps answering the end marker.
	ch, _, err := q.batch(ctx)
	require.NoError(t, err)
	assert.Nil(t, ch)
	_, err = c.qe.Clear(q.ctx(ctx), &e6pb.ClearRequest{EngineIP: q.engineIP, SessionId: sid, QueryId: q.queryID})
	require.NoError(t, err)
	_, _, err = q.batch(ctx)
	assert.Equal(t, codes.NotFound, status.Code(err), "a cleared query is gone: %v", err)
}

func TestAuthenticateAndSessionErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		opts     Options
		wantCode codes.Code
	}{
		{"empty session like the real engine", Options{}, codes.OK},
		{"unauthenticated status", Options{RejectAuthWithStatus: true}, codes.Unauthenticated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newTestServer(t, tc.opts)
			c := dial(t, srv)
			ctx := testCtx(t)
			resp, err := c.qe.Authenticate(ctx, &e6pb.AuthenticateRequest{User: "admin", Password: "wrong"})
			assert.Equal(t, tc.wantCode, status.Code(err))
			assert.Empty(t, resp.GetSessionId())
		})
	}

	srv := newTestServer(t, Options{})
	c := dial(t, srv)
	ctx := testCtx(t)
	_, err := c.prepare(ctx, Blue, "no-such-session", "SELECT 1")
	assert.Equal(t, codes.Internal, status.Code(err))
	assert.Contains(t, status.Convert(err).Message(), "Access denied")

	sid := c.auth(t, ctx, Blue)
	q := &testQuery{c: c, colour: Blue, sessionID: sid, queryID: "no-such-query"}
	assert.Equal(t, codes.NotFound, status.Code(q.execute(ctx)))

	_, err = c.prepare(ctx, Blue, sid, "SELECT * FROM no_such_table")
	assert.Equal(t, codes.Internal, status.Code(err))
	assert.Contains(t, status.Convert(err).Message(), "no_such_table")

	// A session belongs to the colour it authenticated on.
	_, err = c.prepare(ctx, "", sid, "SELECT 1")
	require.NoError(t, err)
	srv.Switch()
	_, err = c.prepare(ctx, Green, sid, "SELECT 1")
	assert.Contains(t, status.Convert(err).Message(), "Access denied")
}

func TestMetadataRPCs(t *testing.T) {
	srv := newTestServer(t, Options{})
	loadAllTypes(t, srv)
	require.NoError(t, srv.CreateSchema("hive", "sales"))
	_, err := srv.ExecIn("hive", "sales", `CREATE TABLE orders (id BIGINT, total DECIMAL(7,2))`)
	require.NoError(t, err)
	c := dial(t, srv)
	ctx := testCtx(t)
	sid := c.auth(t, ctx, Blue)

	sch, err := c.qe.GetSchemaNamesV2(on(ctx, Blue, ""), &e6pb.GetSchemaNamesV2Request{SessionId: sid, Catalog: "hive"})
	require.NoError(t, err)
	assert.Equal(t, []string{"sales"}, sch.GetSchemas())
	tabs, err := c.qe.GetTablesV2(on(ctx, Blue, ""), &e6pb.GetTablesV2Request{SessionId: sid, Catalog: "e6data", Schema: "default"})
	require.NoError(t, err)
	assert.Equal(t, []string{"all_types"}, tabs.GetTables())
	cols, err := c.qe.GetColumnsV2(on(ctx, Blue, ""), &e6pb.GetColumnsV2Request{SessionId: sid, Catalog: "hive", Schema: "sales", Table: "orders"})
	require.NoError(t, err)
	require.Len(t, cols.GetFieldInfo(), 2)
	assert.Equal(t, "id", cols.GetFieldInfo()[0].GetFieldName())
	assert.Equal(t, "bigint", cols.GetFieldInfo()[0].GetFieldType())
	assert.Equal(t, "decimal(7,2)", cols.GetFieldInfo()[1].GetFieldType())

	_, err = c.qe.GetTablesV2(on(ctx, Blue, ""), &e6pb.GetTablesV2Request{SessionId: sid, Catalog: "nope", Schema: "x"})
	assert.Equal(t, codes.NotFound, status.Code(err))

	// A three-part name reaches another catalog from the default schema.
	md, rows := c.run(t, ctx, Blue, sid, `SELECT COUNT(*) AS n FROM "hive"."sales"."orders"`)
	assert.Equal(t, "n", md.Fields[0].Name)
	assert.Equal(t, [][]any{{int64(0)}}, rows)

	_, err = c.qe.HealthCheck(ctx, &e6pb.HealthCheckRequest{})
	require.NoError(t, err)
}

// TestNumericLookingTextKeepsItsType guards against SQLite's type affinity: a STRING column must
// return '00123' as written, and a BINARY column the bytes given.
func TestNumericLookingTextKeepsItsType(t *testing.T) {
	srv := newTestServer(t, Options{})
	_, err := srv.Exec(`CREATE TABLE zips (z STRING, b BINARY)`)
	require.NoError(t, err)
	_, err = srv.Exec(`INSERT INTO zips VALUES ('00123', ?)`, []byte("1.50"))
	require.NoError(t, err)
	c := dial(t, srv)
	ctx := testCtx(t)
	md, rows := c.run(t, ctx, Blue, c.auth(t, ctx, Blue), `SELECT z, b FROM zips`)
	assert.Equal(t, "STRING", md.Fields[0].Type)
	assert.Equal(t, "BINARY", md.Fields[1].Type)
	assert.Equal(t, [][]any{{"00123", []byte("1.50")}}, rows)
}
