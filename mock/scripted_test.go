package mock_test

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// scriptedTypes is one column of every type a scripted result serves, with the Go value given
// to PutResult for rows 0 and 1 (row 2 is NULL everywhere) and what database/sql scans back.
var scriptedTypes = []struct {
	col       mock.Column
	in        [2]any
	want      [2]any // scanned into a value of the same type
	scanType  string // ColumnTypeDatabaseTypeName
	newTarget func() any
}{
	{mock.Column{Name: "l", Type: "LONG"}, [2]any{int64(-1 << 62), 7}, [2]any{int64(-1 << 62), int64(7)}, "LONG", func() any { return new(sql.NullInt64) }},
	{mock.Column{Name: "i", Type: "INTEGER"}, [2]any{int32(-5), uint16(65535)}, [2]any{int64(-5), int64(65535)}, "INTEGER", func() any { return new(sql.NullInt64) }},
	{mock.Column{Name: "d", Type: "DOUBLE"}, [2]any{1.5, -2.25e300}, [2]any{1.5, -2.25e300}, "DOUBLE", func() any { return new(sql.NullFloat64) }},
	{mock.Column{Name: "f", Type: "FLOAT"}, [2]any{float32(0.25), float32(-3)}, [2]any{0.25, -3.0}, "FLOAT", func() any { return new(sql.NullFloat64) }},
	{mock.Column{Name: "b", Type: "BOOLEAN"}, [2]any{true, false}, [2]any{true, false}, "BOOLEAN", func() any { return new(sql.NullBool) }},
	{mock.Column{Name: "s", Type: "STRING"}, [2]any{"héllo 🙂", ""}, [2]any{"héllo 🙂", ""}, "STRING", func() any { return new(sql.NullString) }},
	{mock.Column{Name: "bin", Type: "BINARY"}, [2]any{[]byte{0, 1, 0xFF}, []byte{}}, [2]any{[]byte{0, 1, 0xFF}, []byte{}}, "BINARY", func() any { return new([]byte) }},
	{mock.Column{Name: "dt", Type: "DATE"}, [2]any{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)},
		[2]any{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)}, "DATE", func() any { return new(sql.NullTime) }},
	{mock.Column{Name: "ts", Type: "DATETIME"}, [2]any{time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC), time.Date(1900, 1, 1, 0, 0, 0, 1000, time.UTC)},
		[2]any{time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC), time.Date(1900, 1, 1, 0, 0, 0, 1000, time.UTC)}, "DATETIME", func() any { return new(sql.NullTime) }},
	{mock.Column{Name: "tz", Type: "TIMESTAMP_TZ"}, [2]any{time.Date(2024, 1, 2, 8, 34, 5, 0, time.FixedZone("", 19800)), time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)},
		[2]any{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)}, "TIMESTAMP_TZ", func() any { return new(sql.NullTime) }},
	{mock.Column{Name: "dec", Type: "DECIMAL128", Scale: 2}, [2]any{"12345678901234567890.12", -5}, [2]any{"12345678901234567890.12", "-5.00"}, "DECIMAL128", func() any { return new(sql.NullString) }},
	{mock.Column{Name: "dec_odd", Type: "DECIMAL128", Scale: 3}, [2]any{0.1, "-0.005"}, [2]any{"0.100", "-0.005"}, "DECIMAL128", func() any { return new(sql.NullString) }},
	{mock.Column{Name: "arr", Type: "ARRAY"}, [2]any{`["a","b"]`, `[]`}, [2]any{`["a","b"]`, `[]`}, "ARRAY", func() any { return new(sql.NullString) }},
	{mock.Column{Name: "m", Type: "MAP"}, [2]any{`{"k":"v"}`, `{}`}, [2]any{`{"k":"v"}`, `{}`}, "MAP", func() any { return new(sql.NullString) }},
	{mock.Column{Name: "st", Type: "STRUCT"}, [2]any{`{"city":"Pune"}`, `{}`}, [2]any{`{"city":"Pune"}`, `{}`}, "STRUCT", func() any { return new(sql.NullString) }},
	{mock.Column{Name: "nothing", Type: "NULL"}, [2]any{nil, nil}, [2]any{nil, nil}, "NULL", func() any { return new(any) }},
}

// scanned returns the value a scan target holds, or nil for NULL.
func scanned(t *testing.T, v any) any {
	t.Helper()
	switch x := v.(type) {
	case *sql.NullInt64:
		return nullable(x.Valid, x.Int64)
	case *sql.NullFloat64:
		return nullable(x.Valid, x.Float64)
	case *sql.NullBool:
		return nullable(x.Valid, x.Bool)
	case *sql.NullString:
		return nullable(x.Valid, x.String)
	case *sql.NullTime:
		return nullable(x.Valid, x.Time)
	case *[]byte:
		if *x == nil {
			return nil
		}
		return *x
	case *any:
		return *x
	}
	t.Fatalf("unexpected scan target %T", v)
	return nil
}

func nullable[T any](valid bool, v T) any {
	if !valid {
		return nil
	}
	return v
}

// TestScriptedResultEveryType serves a scripted result of every column type through the real
// driver and database/sql, with SQL that neither SQLite nor the dialect checks would accept: the
// values, the NULLs and the type names arrive as registered.
func TestScriptedResultEveryType(t *testing.T) {
	srv, db := openDriver(t)
	ctx := driverCtx(t)
	const query = `SELECT everything FROM a_table_sqlite_has_not LIMIT 5, 10`
	res := mock.Result{Rows: make([][]any, 3)}
	for r := range res.Rows {
		res.Rows[r] = make([]any, len(scriptedTypes))
	}
	for i, tc := range scriptedTypes {
		res.Columns = append(res.Columns, tc.col)
		res.Rows[0][i], res.Rows[1][i] = tc.in[0], tc.in[1]
	}
	require.NoError(t, srv.PutResult(query, res))

	rows, err := db.QueryContext(ctx, query)
	require.NoError(t, err)
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	require.NoError(t, err)
	require.Len(t, cts, len(scriptedTypes))
	for i, tc := range scriptedTypes {
		assert.Equal(t, tc.col.Name, cts[i].Name())
		assert.Equal(t, tc.scanType, cts[i].DatabaseTypeName(), tc.col.Name)
	}
	for r := 0; r < 3; r++ {
		require.True(t, rows.Next(), "row %d", r)
		dst := make([]any, len(scriptedTypes))
		for i, tc := range scriptedTypes {
			dst[i] = tc.newTarget()
		}
		require.NoError(t, rows.Scan(dst...))
		for i, tc := range scriptedTypes {
			got := scanned(t, dst[i])
			if r == 2 {
				assert.Nil(t, got, "row 2 column %s is NULL", tc.col.Name)
				continue
			}
			if want, ok := tc.want[r].(time.Time); ok {
				g, ok := got.(time.Time)
				require.True(t, ok, "row %d column %s: %v", r, tc.col.Name, got)
				assert.True(t, want.Equal(g), "row %d column %s: want %v, got %v", r, tc.col.Name, want, g)
				continue
			}
			assert.Equal(t, tc.want[r], got, "row %d column %s", r, tc.col.Name)
		}
	}
	require.False(t, rows.Next())
	require.NoError(t, rows.Err())

	// The call log records the scripted statement like any other.
	var methods []string
	for _, rec := range srv.CallLog() {
		if rec.SQL == query {
			methods = append(methods, rec.Method)
		}
	}
	for _, m := range []string{"prepareStatementV2", "executeStatementV2", "getResultMetadata", "getNextResultBatch"} {
		assert.Contains(t, methods, m)
	}
	assert.Equal(t, []string{query}, srv.PreparedSQL())
}

// TestScriptedResultRepeatAndBatches reads large results through the driver: Rows replayed
// Repeat times in batches of Options.BatchRows, and a generator's batches, each value checked.
func TestScriptedResultRepeatAndBatches(t *testing.T) {
	srv, err := mock.NewServer(mock.Options{BatchRows: 7})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	db, err := sql.Open(connector.DriverName, srv.DSN())
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ctx := driverCtx(t)

	cols := []mock.Column{{Name: "id", Type: "LONG"}, {Name: "name", Type: "STRING"}}
	base := make([][]any, 10) // two batches of 7 and 3, replayed
	for i := range base {
		base[i] = []any{i, fmt.Sprint("n", i)}
	}
	require.NoError(t, srv.PutResult("SELECT repeated", mock.Result{Columns: cols, Rows: base, Repeat: 50}))
	gen := func(batch int) ([][]any, bool) {
		rows := make([][]any, batch+1) // batches of 1, 2, 3, ... rows
		for i := range rows {
			rows[i] = []any{batch*100 + i, fmt.Sprint("b", batch)}
		}
		return rows, batch < 19
	}
	require.NoError(t, srv.PutResult("SELECT generated", mock.Result{Columns: cols, Batches: gen}))

	tests := []struct {
		sql  string
		want func(n int) (int64, string)
		rows int
	}{
		{"SELECT repeated", func(n int) (int64, string) { return int64(n % 10), fmt.Sprint("n", n%10) }, 500},
		{"SELECT generated", func(n int) (int64, string) {
			b := 0
			for n > b { // batch b holds b+1 rows
				n -= b + 1
				b++
			}
			return int64(b*100 + n), fmt.Sprint("b", b)
		}, 210},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			for range 2 { // every query gets the whole result
				rows, err := db.QueryContext(ctx, tc.sql)
				require.NoError(t, err)
				n := 0
				for ; rows.Next(); n++ {
					var id int64
					var name string
					require.NoError(t, rows.Scan(&id, &name))
					wantID, wantName := tc.want(n)
					require.Equal(t, wantID, id, "row %d", n)
					require.Equal(t, wantName, name, "row %d", n)
				}
				require.NoError(t, rows.Err())
				require.NoError(t, rows.Close())
				assert.Equal(t, tc.rows, n)
			}
		})
	}
}

// TestScriptedFailures: a scripted failure reaches the caller as the engine's error from the
// call it was scripted for, after the rows served before it.
func TestScriptedFailures(t *testing.T) {
	srv, err := mock.NewServer(mock.Options{BatchRows: 2})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	db, err := sql.Open(connector.DriverName, srv.DSN())
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ctx := driverCtx(t)
	cols := []mock.Column{{Name: "n", Type: "LONG"}}
	rows := [][]any{{1}, {2}, {3}, {4}, {5}}
	tests := []struct {
		name     string
		fail     mock.Failure
		rpc      string
		rowsSeen int
	}{
		{"prepare", mock.Failure{At: mock.FailPrepare, Message: "Table not found: t"}, "prepareStatementV2", 0},
		{"execute", mock.Failure{At: mock.FailExecute, Message: "Out of memory"}, "executeStatementV2", 0},
		{"first batch", mock.Failure{At: mock.FailBatch, Message: "division by zero"}, "getNextResultBatch", 0},
		{"third batch", mock.Failure{At: mock.FailBatch, AfterBatches: 2, Message: "division by zero"}, "getNextResultBatch", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := "SELECT failing " + tc.name
			require.NoError(t, srv.PutResult(q, mock.Result{Columns: cols, Rows: rows, Fail: &tc.fail}))
			rs, err := db.QueryContext(ctx, q)
			seen := 0
			if err == nil {
				for rs.Next() {
					seen++
				}
				err = rs.Err()
				_ = rs.Close()
			}
			var e *connector.Error
			require.True(t, errors.As(err, &e), "want a *connector.Error, got %v", err)
			assert.Equal(t, codes.Internal, e.Code)
			assert.Equal(t, tc.rpc, e.RPC)
			assert.Contains(t, e.Message, tc.fail.Message)
			assert.Equal(t, tc.rowsSeen, seen)
		})
	}

	// A panicking generator fails its query, not the mock.
	require.NoError(t, srv.PutResult("SELECT panics", mock.Result{Columns: cols, Batches: func(b int) ([][]any, bool) {
		if b == 1 {
			panic("generator bug")
		}
		return [][]any{{b}}, true
	}}))
	rs, err := db.QueryContext(ctx, "SELECT panics")
	require.NoError(t, err)
	seen := 0
	for rs.Next() {
		seen++
	}
	assert.ErrorContains(t, rs.Err(), "scripted Batches(1) panicked: generator bug")
	assert.Equal(t, 1, seen)
	require.NoError(t, rs.Close())

	// A generated value that does not convert fails the query at its batch, naming it.
	require.NoError(t, srv.PutResult("SELECT bad value", mock.Result{Columns: cols, Batches: func(b int) ([][]any, bool) {
		if b == 0 {
			return [][]any{{1}, {2}}, true
		}
		return [][]any{{3}, {"three"}}, false
	}}))
	rs, err = db.QueryContext(ctx, "SELECT bad value")
	require.NoError(t, err)
	seen = 0
	for rs.Next() {
		seen++
	}
	assert.ErrorContains(t, rs.Err(), `column "n", row 4: cannot read text "three" as LONG`)
	assert.Equal(t, 2, seen)
	require.NoError(t, rs.Close())

	require.NoError(t, srv.PutError("SELECT nope", "SQL syntax error at line 1"))
	var v any
	err = db.QueryRowContext(ctx, "SELECT nope").Scan(&v)
	assert.ErrorContains(t, err, "SQL syntax error at line 1")

	// Deleted, the statement runs on SQLite again.
	require.NoError(t, srv.PutResult("SELECT 41 + 1", mock.Result{Columns: cols, Rows: [][]any{{7}}}))
	var n int64
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 41 + 1").Scan(&n))
	assert.Equal(t, int64(7), n)
	srv.DeleteResult("SELECT 41 + 1")
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 41 + 1").Scan(&n))
	assert.Equal(t, int64(42), n)
}

// TestPutResultRefusesBadResults: what cannot be served is refused by PutResult, with the
// reason, and nothing is registered.
func TestPutResultRefusesBadResults(t *testing.T) {
	srv, err := mock.NewServer(mock.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	long := []mock.Column{{Name: "n", Type: "LONG"}}
	tests := []struct {
		name string
		r    mock.Result
		want string
	}{
		{"unknown type", mock.Result{Columns: []mock.Column{{Name: "x", Type: "VARCHAR"}}}, `column "x": unknown type "VARCHAR"`},
		{"int96", mock.Result{Columns: []mock.Column{{Name: "x", Type: "INT96"}}}, `unknown type "INT96"`},
		{"short row", mock.Result{Columns: long, Rows: [][]any{{1}, {}}}, "row 2 has 0 values for 1 columns"},
		{"bad value", mock.Result{Columns: long, Rows: [][]any{{"abc"}}}, `column "n", row 1: cannot read text "abc" as LONG`},
		{"unsupported Go type", mock.Result{Columns: long, Rows: [][]any{{struct{}{}}}}, "unsupported Go value of type struct {}"},
		{"integer overflow", mock.Result{Columns: []mock.Column{{Name: "i", Type: "INTEGER"}}, Rows: [][]any{{1 << 40}}}, "32-bit INTEGER range"},
		{"both", mock.Result{Columns: long, Rows: [][]any{}, Batches: func(int) ([][]any, bool) { return nil, false }}, "not both"},
		{"rows without columns", mock.Result{Rows: [][]any{{1}}}, "rows need Columns"},
		{"negative repeat", mock.Result{Columns: long, Repeat: -1}, "Repeat must not be negative"},
		{"value in a NULL column", mock.Result{Columns: []mock.Column{{Name: "z", Type: "NULL"}}, Rows: [][]any{{nil}, {0}}},
			`column "z", row 2: a NULL column holds only nil, not "0"`},
		{"repeat without rows", mock.Result{Columns: long, Repeat: 2, Batches: func(int) ([][]any, bool) { return nil, false }}, "Repeat applies to Rows only"},
		{"row count with columns", mock.Result{Columns: long, RowCount: 1}, "RowCount is for statements without Columns"},
		{"failure without message", mock.Result{Fail: &mock.Failure{At: mock.FailExecute}}, "Failure.Message must say what failed"},
		{"bad scale", mock.Result{Columns: []mock.Column{{Name: "d", Type: "DECIMAL128", Scale: -1}}}, "scale -1 out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := srv.PutResult("SELECT 1", tc.r)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
