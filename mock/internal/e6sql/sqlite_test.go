package e6sql

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// openDB opens a one-connection in-memory SQLite database with the e6_*
// functions registered. One connection, because every connection to
// file::memory: is a database of its own.
func openDB(t *testing.T) *sql.DB {
	t.Helper()
	if err := Register(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// run translates e6 with testScope and executes it.
func run(t *testing.T, db *sql.DB, e6 string) {
	t.Helper()
	tr, err := Translate(e6, testScope())
	if err != nil {
		t.Fatalf("Translate(%q): %v", e6, err)
	}
	if _, err := db.Exec(tr.SQL); err != nil {
		t.Fatalf("exec %q (from %q): %v", tr.SQL, e6, err)
	}
}

// rows translates e6 and returns all result cells as text ("NULL" for NULL),
// rows joined by "|" and cells by ",".
func rows(t *testing.T, db *sql.DB, e6 string) string {
	t.Helper()
	out, err := tryRows(db, e6)
	if err != nil {
		t.Fatalf("%q: %v", e6, err)
	}
	return out
}

func tryRows(db *sql.DB, e6 string) (string, error) {
	tr, err := Translate(e6, testScope())
	if err != nil {
		return "", err
	}
	rs, err := db.Query(tr.SQL)
	if err != nil {
		return "", err
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var lines []string
	for rs.Next() {
		cells := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range cells {
			ptrs[i] = &cells[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return "", err
		}
		var parts []string
		for _, c := range cells {
			if c.Valid {
				parts = append(parts, c.String)
			} else {
				parts = append(parts, "NULL")
			}
		}
		lines = append(lines, strings.Join(parts, ","))
	}
	return strings.Join(lines, "|"), rs.Err()
}

func TestSQLiteLiterals(t *testing.T) {
	db := openDB(t)
	var got string
	tr, err := Translate(`SELECT 'it\'s C:\\tmp\nx\t"y\"'`, testScope())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(tr.SQL).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "it's C:\\tmp\nx\t\"y\""; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSQLiteTimes(t *testing.T) {
	db := openDB(t)
	run(t, db, `CREATE TABLE ev (id INT, ts TEXT, d TEXT)`)
	base := time.Date(2024, 1, 31, 22, 30, 15, 123456000, time.UTC)
	for i := range 3 {
		ts := base.Add(time.Duration(i) * 36 * time.Hour)
		run(t, db, `INSERT INTO ev VALUES (`+string(rune('1'+i))+`, '`+FormatTimestamp(ts)+`', '`+FormatDate(ts)+`')`)
	}
	tests := []struct{ q, want string }{
		{`SELECT id FROM ev WHERE ts = CAST('2024-01-31 22:30:15.123456' AS TIMESTAMP)`, "1"},
		{`SELECT id FROM ev WHERE ts >= CAST('2024-02-02T00:00:00Z' AS TIMESTAMP) ORDER BY id`, "2|3"},
		{`SELECT id FROM ev WHERE ts < CAST('2024-02-02 16:00:16+05:30' AS TIMESTAMP) ORDER BY id`, "1|2"},
		{`SELECT id FROM ev WHERE d = CAST('2024-02-02 10:00:00' AS DATE)`, "2"},
		{`SELECT DATE_TRUNC('MONTH', ts), DATE_TRUNC('day', d) FROM ev WHERE id = 2`, "2024-02-01 00:00:00.000000,2024-02-02"},
		{`SELECT DATE_TRUNC('WEEK', CAST('2024-02-04 12:00:00' AS TIMESTAMP))`, "2024-01-29 00:00:00.000000"},
		{`SELECT DATE_TRUNC('QUARTER', DATE '2024-08-19'), DATE_TRUNC('HOUR', ts) FROM ev WHERE id = 1`, "2024-07-01,2024-01-31 22:00:00.000000"},
		{`SELECT DATE_ADD('DAY', 7, d), DATE_ADD('MONTH', 1, d) FROM ev WHERE id = 1`, "2024-02-07,2024-02-29"},
		{`SELECT TIMESTAMP_ADD('HOUR', 1, ts), TIMESTAMP_ADD('MILLISECOND', -123, ts) FROM ev WHERE id = 1`, "2024-01-31 23:30:15.123456,2024-01-31 22:30:15.000456"},
		{`SELECT DATE_ADD('YEAR', 1, DATE '2024-02-29'), DATE_ADD('MINUTE', 90, DATE '2024-02-29')`, "2025-02-28,2024-02-29 01:30:00.000000"},
		{`SELECT CAST('2024-01-02 03:04:05+05:30' AS timestamp_tz), CAST(ts AS timestamp_tz) FROM ev WHERE id = 1`, "2024-01-02 03:04:05.000000 +05:30,2024-01-31 22:30:15.123456 Z"},
		{`SELECT CAST(1700000000000000 AS TIMESTAMP)`, "2023-11-14 22:13:20.000000"},
		{`SELECT CAST(NULL AS TIMESTAMP), DATE_TRUNC('DAY', NULL), DATE_ADD('DAY', NULL, d) FROM ev WHERE id = 1`, "NULL,NULL,NULL"},
		{`SELECT TRY_CAST('garbage' AS TIMESTAMP), TRY_CAST('x' AS DATE)`, "NULL,NULL"},
		{`SELECT COUNT(*) FROM ev WHERE ts < CURRENT_TIMESTAMP AND d < CURRENT_DATE`, "3"},
	}
	for _, tc := range tests {
		if got := rows(t, db, tc.q); got != tc.want {
			t.Errorf("%s\n got %q\nwant %q", tc.q, got, tc.want)
		}
	}
	for _, q := range []string{
		`SELECT CAST('garbage' AS TIMESTAMP)`,
		`SELECT DATE_TRUNC('FORTNIGHT', CURRENT_DATE)`,
		`SELECT DATE_ADD('DAY', 1.5, CURRENT_DATE)`,
		`SELECT DATE_ADD('YEAR', 8000, CURRENT_DATE)`,
	} {
		if _, err := tryRows(db, q); err == nil {
			t.Errorf("%s: want an error", q)
		}
	}
	_, err := tryRows(db, `SELECT CAST('garbage' AS TIMESTAMP)`)
	if err == nil || !strings.Contains(err.Error(), `cannot cast "garbage" to TIMESTAMP`) {
		t.Errorf("unclear error for a bad timestamp: %v", err)
	}
}

func TestSQLiteCurrent(t *testing.T) {
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return time.Date(2024, 5, 6, 23, 59, 1, 999999999, time.FixedZone("x", -3600)) }
	db := openDB(t)
	if got, want := rows(t, db, `SELECT CURRENT_TIMESTAMP, CURRENT_DATE`), "2024-05-07 00:59:01.999999,2024-05-07"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSQLiteFunctions(t *testing.T) {
	db := openDB(t)
	run(t, db, `CREATE TABLE u (id INT, name TEXT, n INT)`)
	run(t, db, `INSERT INTO u VALUES (1, 'Abby', 7), (2, 'bob', -7), (3, 'ABE', NULL), (4, 'carl', 10)`)
	tests := []struct{ q, want string }{
		{`SELECT CONCAT("name", '-', "id") FROM "u" WHERE "id" = 1`, "Abby-1"},
		{`SELECT "id" FROM "u" WHERE "name" ILIKE 'ab%' ORDER BY "id" ASC`, "1|3"},
		{`SELECT "id" FROM "u" WHERE "name" NOT ILIKE 'AB%' ORDER BY "id" ASC`, "2|4"},
		{`SELECT MOD("n", 3) FROM "u" ORDER BY "id"`, "1|-1|NULL|1"},
		{`SELECT MOD(7.5, 2), MOD(7, 0), MOD('9', 4)`, "1.5,NULL,1"},
		{`SELECT "id" FROM "u" ORDER BY "id" LIMIT 2 OFFSET 1`, "2|3"},
		{`SELECT "id" FROM "u" ORDER BY "id" LIMIT 9223372036854775807 OFFSET 3`, "4"},
		{`SELECT "id" FROM "u" ORDER BY "n" DESC NULLS LAST`, "4|1|2|3"},
		{`SELECT CAST('true' AS BOOLEAN), CAST(0 AS BOOLEAN), TRY_CAST('maybe' AS BOOLEAN)`, "1,0,NULL"},
		{`SELECT CAST("name" AS STRING), CAST('12abc' AS VARCHAR), CAST('42' AS BIGINT) FROM "u" WHERE "id" = 1`, "Abby,12abc,42"},
		{`SELECT COALESCE("n", 0), LENGTH("name") FROM "u" WHERE "id" = 3`, "0,3"},
		{`WITH v AS (SELECT * FROM (VALUES (1), (2)) AS t) SELECT COUNT(*) FROM v`, "2"},
	}
	for _, tc := range tests {
		if got := rows(t, db, tc.q); got != tc.want {
			t.Errorf("%s\n got %q\nwant %q", tc.q, got, tc.want)
		}
	}
}

func TestSQLiteAttachedNames(t *testing.T) {
	db := openDB(t)
	path := filepath.Join(t.TempDir(), "hr.db")
	// The engine attaches catalogs itself; Translate only rewrites names.
	if _, err := db.Exec(`ATTACH DATABASE '` + path + `' AS "hive.hr"`); err != nil {
		t.Fatal(err)
	}
	run(t, db, `CREATE TABLE hive.hr.emps (id INT, name TEXT)`)
	run(t, db, `INSERT INTO "hr"."emps" VALUES (1, 'ann')`)
	run(t, db, `CREATE TABLE "orders" (id INT)`)
	run(t, db, `INSERT INTO sales.orders VALUES (5)`)
	tests := []struct{ q, want string }{
		{`SELECT name FROM hive.hr.emps`, "ann"},
		{`SELECT "hr"."emps"."name" FROM "hr"."emps"`, "ann"},
		{`SELECT hive.hr.emps.name FROM hive.hr.emps`, "ann"},
		{`SELECT e.name, o.id FROM hive.hr.emps e CROSS JOIN hive.sales.orders o`, "ann,5"},
		{`SELECT COUNT(*) FROM "hive"."sales"."orders"`, "1"},
	}
	for _, tc := range tests {
		if got := rows(t, db, tc.q); got != tc.want {
			t.Errorf("%s\n got %q\nwant %q", tc.q, got, tc.want)
		}
	}
}
