package engine

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// TestTimeColumnStorage runs the date and time SQL of e6data on DATE and TIMESTAMP columns in
// both storage forms: the E6_DATE/E6_TIMESTAMP names that CREATE TABLE now gives them (which
// SQLite's driver hands over as text) and the plain names of files written before (which it
// parses into time.Time). Both must give the same, expected results and types.
func TestTimeColumnStorage(t *testing.T) {
	e := newEngine(t)
	ctx := context.Background()
	mustExec(t, e, "e6data", "default", `CREATE TABLE ev (id BIGINT, d DATE, ts TIMESTAMP)`)
	ent, err := e.lookup("e6data", "default")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ent.db.ExecContext(ctx, `CREATE TABLE legacy (id BIGINT, d DATE, ts TIMESTAMP)`); err != nil {
		t.Fatal(err)
	}
	cols, err := e.Columns("e6data", "default", "ev")
	if err != nil {
		t.Fatal(err)
	}
	if cols[1].Type != "DATE" || cols[1].HiveType != "date" || cols[2].Type != "DATETIME" || cols[2].HiveType != "timestamp" {
		t.Fatalf("ev columns = %+v, want DATE/date and DATETIME/timestamp", cols)
	}
	for _, table := range []string{"ev", "legacy"} {
		mustExec(t, e, "e6data", "default", `INSERT INTO `+table+` VALUES (1, '2024-01-31', '2024-01-31 23:30:00.000000'),
			(2, '2024-02-01', '2024-02-01 00:00:00.250000'), (3, NULL, NULL), (4, '1969-12-31', ?)`,
			time.Date(1969, 12, 31, 12, 0, 0, 0, time.UTC))
	}
	// The point of the storage names: SQLite's driver hands their values over as the stored text
	// instead of parsing each one into a time.Time.
	for table, want := range map[string]reflect.Type{"ev": reflect.TypeFor[string](), "legacy": reflect.TypeFor[time.Time]()} {
		var d, ts any
		if err := ent.db.QueryRowContext(ctx, `SELECT d, ts FROM `+table+` WHERE id = 1`).Scan(&d, &ts); err != nil {
			t.Fatal(err)
		}
		if reflect.TypeOf(d) != want || reflect.TypeOf(ts) != want {
			t.Errorf("%s: SQLite's driver returns %T and %T, want %v", table, d, ts, want)
		}
	}
	jan31 := time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)
	feb1 := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		sql   string
		types []string
		want  [][]any
	}{
		{`SELECT id, d, ts FROM t ORDER BY ts NULLS FIRST, id`, []string{"LONG", "DATE", "DATETIME"}, [][]any{
			{int64(3), nil, nil},
			{int64(4), time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(1969, 12, 31, 12, 0, 0, 0, time.UTC)},
			{int64(1), jan31, time.Date(2024, 1, 31, 23, 30, 0, 0, time.UTC)},
			{int64(2), feb1, time.Date(2024, 2, 1, 0, 0, 0, 250000000, time.UTC)},
		}},
		{`SELECT id FROM t WHERE ts >= CAST('2024-01-31 23:30:00' AS TIMESTAMP) ORDER BY id`, []string{"LONG"}, [][]any{{int64(1)}, {int64(2)}}},
		{`SELECT id FROM t WHERE d = DATE '2024-02-01'`, []string{"LONG"}, [][]any{{int64(2)}}},
		{`SELECT id FROM t WHERE d < CAST('2024-01-01' AS DATE)`, []string{"LONG"}, [][]any{{int64(4)}}},
		{`SELECT DATE_TRUNC('month', ts) AS m, COUNT(*) FROM t WHERE ts IS NOT NULL GROUP BY DATE_TRUNC('month', ts) ORDER BY m`,
			[]string{"DATETIME", "LONG"}, [][]any{
				{time.Date(1969, 12, 1, 0, 0, 0, 0, time.UTC), int64(1)},
				{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), int64(1)},
				{time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), int64(1)},
			}},
		{`SELECT CAST(DATE_ADD('day', 1, d) AS DATE) FROM t WHERE id = 1`, []string{"STRING"}, [][]any{{"2024-02-01"}}},
		{`SELECT ts + INTERVAL '1 HOUR' FROM t WHERE id = 1`, []string{"DATETIME"}, [][]any{{time.Date(2024, 2, 1, 0, 30, 0, 0, time.UTC)}}},
		{`SELECT d, COUNT(*) FROM t GROUP BY d ORDER BY d DESC NULLS LAST`, []string{"DATE", "LONG"}, [][]any{
			{feb1, int64(1)}, {jan31, int64(1)}, {time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), int64(1)}, {nil, int64(1)},
		}},
		{`SELECT MAX(ts), MIN(d) FROM t`, []string{"DATETIME", "STRING"}, [][]any{{time.Date(2024, 2, 1, 0, 0, 0, 250000000, time.UTC), "1969-12-31"}}},
	}
	for _, tc := range tests {
		for _, table := range []string{"ev", "legacy"} {
			sql := replaceTable(tc.sql, table)
			md, _ := query(t, e, "e6data", "default", sql, 0)
			var types []string
			for _, f := range md.Fields {
				types = append(types, f.Type)
			}
			if !reflect.DeepEqual(types, tc.types) {
				t.Errorf("%s: types %v, want %v", sql, types, tc.types)
			}
			if got := rows(t, e, "e6data", "default", sql); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s:\n got %v\nwant %v", sql, got, tc.want)
			}
		}
	}
}

// replaceTable puts table where the SQL says "FROM t".
func replaceTable(sql, table string) string {
	const from = "FROM t"
	for i := 0; i+len(from) <= len(sql); i++ {
		if sql[i:i+len(from)] == from && (i+len(from) == len(sql) || sql[i+len(from)] == ' ') {
			return sql[:i] + "FROM " + table + sql[i+len(from):]
		}
	}
	return sql
}
