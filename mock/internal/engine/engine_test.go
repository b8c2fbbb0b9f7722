package engine

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/e6data/gorm-e6data/internal/codec"
)

func newEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := Open(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

func mustExec(t *testing.T, e *Engine, catalog, schema, sql string, args ...any) int64 {
	t.Helper()
	n, err := e.Exec(context.Background(), catalog, schema, sql, args...)
	if err != nil {
		t.Fatalf("Exec %q: %v", sql, err)
	}
	return n
}

// query runs sql to the end in batches of maxRows and returns the metadata and the chunks.
func query(t *testing.T, e *Engine, catalog, schema, sql string, maxRows int) (codec.Metadata, []*codec.Chunk) {
	t.Helper()
	ctx := context.Background()
	st, err := e.Prepare(ctx, catalog, schema, sql)
	if err != nil {
		t.Fatalf("Prepare %q: %v", sql, err)
	}
	c, err := st.Run(ctx)
	if err != nil {
		t.Fatalf("Run %q: %v", sql, err)
	}
	defer c.Close()
	var chunks []*codec.Chunk
	for {
		ch, err := c.Next(ctx, maxRows)
		if err != nil {
			t.Fatalf("Next %q: %v", sql, err)
		}
		if ch.Size == 0 {
			return c.Metadata(), chunks
		}
		chunks = append(chunks, ch)
	}
}

// rows returns a result as driver values, row by row.
func rows(t *testing.T, e *Engine, catalog, schema, sql string) [][]any {
	t.Helper()
	_, chunks := query(t, e, catalog, schema, sql, 0)
	var out [][]any
	for _, ch := range chunks {
		for r := range ch.Size {
			row := make([]any, len(ch.Vectors))
			for i := range ch.Vectors {
				row[i] = ch.Vectors[i].Value(r)
			}
			out = append(out, row)
		}
	}
	return out
}

func scalar(t *testing.T, e *Engine, catalog, schema, sql string) any {
	t.Helper()
	r := rows(t, e, catalog, schema, sql)
	if len(r) != 1 || len(r[0]) != 1 {
		t.Fatalf("%q: want one value, got %v", sql, r)
	}
	return r[0][0]
}

func TestRoundTripEveryType(t *testing.T) {
	e := newEngine(t)
	const cat, sch = "e6data", "default"
	mustExec(t, e, cat, sch, `CREATE TABLE every (l BIGINT, i INT, d DOUBLE, f FLOAT, s STRING, b BOOLEAN,
		dt DATE, ts TIMESTAMP, tz TIMESTAMP_TZ, dec DECIMAL(10,2), bin BINARY,
		arr "ARRAY<INT>", m "MAP<STRING,INT>", st "STRUCT<a:INT>")`)
	ts := time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.FixedZone("x", 3600))
	blob := []byte{0, 0xff, 'a', 0x80}
	ins := `INSERT INTO every VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	mustExec(t, e, cat, sch, ins, int64(1)<<40, 7, 2.5, 0.25, "it's", true,
		"1969-12-31", ts, "2024-01-02 08:34:05.000000 +05:30", "-12.345", blob, "[1,2]", `{"k":1}`, `{"a":1}`)
	mustExec(t, e, cat, sch, ins, nil, nil, nil, nil, nil, false, nil, nil, nil, 7, nil, nil, nil, nil)

	meta, chunks := query(t, e, cat, sch, `SELECT * FROM every`, 10)
	wantTypes := []string{"LONG", "INTEGER", "DOUBLE", "FLOAT", "STRING", "BOOLEAN", "DATE", "DATETIME",
		"TIMESTAMP_TZ", "DECIMAL128", "BINARY", "ARRAY", "MAP", "STRUCT"}
	if meta.RowCount != -1 || len(meta.Fields) != len(wantTypes) {
		t.Fatalf("metadata %+v", meta)
	}
	for i, f := range meta.Fields {
		if f.Type != wantTypes[i] {
			t.Errorf("column %s: type %s, want %s", f.Name, f.Type, wantTypes[i])
		}
	}
	if len(chunks) != 1 || chunks[0].Size != 2 {
		t.Fatalf("chunks %+v", chunks)
	}
	v := chunks[0].Vectors
	tsMicros := ts.Truncate(time.Microsecond).UnixMicro()
	tzMicros := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC).UnixMicro()
	checks := []struct {
		col  int
		got  any
		want any
	}{
		{0, v[0].Int64s, []int64{1 << 40, 0}},
		{1, v[1].Int64s, []int64{7, 0}},
		{2, v[2].Float64s, []float64{2.5, 0}},
		{3, v[3].Float64s, []float64{0.25, 0}},
		{4, v[4].Strings, []string{"it's", ""}},
		{5, v[5].Bools, []bool{true, false}},
		{6, v[6].Int64s, []int64{-86_400_000_000, 0}},
		{7, v[7].Int64s, []int64{tsMicros, 0}},
		{8, v[8].Int64s, []int64{tzMicros, 0}},
		{8, v[8].Zones, []string{"+05:30", ""}},
		// -1235 and 700 at scale 2, sign-extended to 16 bytes in an odd column.
		{9, v[9].Bytes, [][]byte{
			{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb, 0x2d},
			{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0xbc}}},
		{9, v[9].Scale, int32(2)},
		{10, v[10].Bytes, [][]byte{blob, nil}},
		{11, v[11].Strings, []string{"[1,2]", ""}},
		{12, v[12].Strings, []string{`{"k":1}`, ""}},
		{13, v[13].Strings, []string{`{"a":1}`, ""}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("column %s: got %v, want %v", meta.Fields[c.col].Name, c.got, c.want)
		}
	}
	for i := range v {
		wantNulls := []bool{false, true}
		if i == 5 || i == 9 {
			wantNulls = nil
		}
		if !reflect.DeepEqual(v[i].Nulls, wantNulls) || v[i].Constant {
			t.Errorf("column %s: nulls %v constant %v", meta.Fields[i].Name, v[i].Nulls, v[i].Constant)
		}
	}
	if got := v[9].Value(0); got != "-12.35" {
		t.Errorf("decimal value %v", got)
	}
}

func TestConstantVectors(t *testing.T) {
	e := newEngine(t)
	mustExec(t, e, "e6data", "default", `CREATE TABLE c (x BIGINT, y STRING)`)
	mustExec(t, e, "e6data", "default", `INSERT INTO c VALUES (1, 'a'), (2, 'a'), (3, 'a')`)
	meta, chunks := query(t, e, "e6data", "default", `SELECT x, y, 5 AS k, NULL AS n, 'lit' AS s FROM c ORDER BY x`, 0)
	if got := []string{meta.Fields[2].Type, meta.Fields[3].Type, meta.Fields[4].Type}; !reflect.DeepEqual(got, []string{"LONG", "NULL", "STRING"}) {
		t.Fatalf("inferred types %v", got)
	}
	v := chunks[0].Vectors
	want := []bool{false, true, true, true, true}
	for i := range v {
		if v[i].Constant != want[i] {
			t.Errorf("column %d constant = %v", i, v[i].Constant)
		}
	}
	if !reflect.DeepEqual(v[1].Strings, []string{"a"}) || !reflect.DeepEqual(v[2].Int64s, []int64{5}) ||
		!reflect.DeepEqual(v[3].Nulls, []bool{true}) || v[3].Type != codec.Null {
		t.Errorf("constant contents %+v %+v %+v", v[1], v[2], v[3])
	}
	// One row is never constant.
	_, chunks = query(t, e, "e6data", "default", `SELECT 1`, 0)
	if chunks[0].Vectors[0].Constant {
		t.Error("single row made constant")
	}
}

func TestInferredTypes(t *testing.T) {
	e := newEngine(t)
	mustExec(t, e, "e6data", "default", `CREATE TABLE t (ts TIMESTAMP, d DECIMAL(5,1), n BIGINT)`)
	mustExec(t, e, "e6data", "default", `INSERT INTO t VALUES (?, '1.5', NULL), (?, '2.5', NULL)`,
		time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		sql, typ string
	}{
		{`SELECT COUNT(*) FROM t`, "LONG"},
		{`SELECT SUM(d) FROM t`, "DOUBLE"},
		{`SELECT MAX(ts) FROM t`, "DATETIME"},
		{`SELECT CAST('2024-01-02 03:04:05' AS TIMESTAMP)`, "DATETIME"},
		{`SELECT CONCAT('a', 'b')`, "STRING"},
		{`SELECT MAX(n) FROM t`, "NULL"},
		{`SELECT n FROM t`, "LONG"}, // declared
	}
	for _, tt := range tests {
		meta, _ := query(t, e, "e6data", "default", tt.sql, 0)
		if got := meta.Fields[0].Type; got != tt.typ {
			t.Errorf("%s: type %s, want %s", tt.sql, got, tt.typ)
		}
	}
	// A column all NULL in the peeked rows but longer than them is STRING, not NULL.
	st, err := e.Prepare(context.Background(), "e6data", "default", `SELECT MAX(n) FROM t UNION ALL SELECT 'x'`)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.RunWith(context.Background(), RunOptions{PeekRows: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.Metadata().Fields[0].Type; got != "STRING" {
		t.Errorf("NULL then more rows: type %s", got)
	}
}

func TestIntegerOverflowError(t *testing.T) {
	e := newEngine(t)
	mustExec(t, e, "e6data", "default", `CREATE TABLE big (id INTEGER PRIMARY KEY)`)
	mustExec(t, e, "e6data", "default", `INSERT INTO big VALUES (5000000000)`)
	st, err := e.Prepare(context.Background(), "e6data", "default", `SELECT id FROM big`)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Next(context.Background(), 10)
	var se *SQLError
	if !errors.As(err, &se) || !strings.Contains(se.Message, "BIGINT") || !strings.Contains(se.Message, `"id", row 1`) {
		t.Fatalf("got %v", err)
	}
	if _, again := c.Next(context.Background(), 10); again != err {
		t.Errorf("error not sticky: %v", again)
	}
}

func TestPlaceholdersSkipLiterals(t *testing.T) {
	e := newEngine(t)
	mustExec(t, e, "e6data", "default", `CREATE TABLE "q?" (a STRING, b STRING)`)
	mustExec(t, e, "e6data", "default", `INSERT INTO "q?" VALUES ('?\'?', ?) -- ?`, "x")
	got := rows(t, e, "e6data", "default", `SELECT a, b FROM "q?"`)
	if !reflect.DeepEqual(got, [][]any{{"?'?", "x"}}) {
		t.Errorf("got %v", got)
	}
}
