package e6sql

import (
	"strings"
	"testing"
	"time"
)

func TestSQLiteIntervals(t *testing.T) {
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return time.Date(2024, 3, 31, 10, 0, 0, 500_000_000, time.UTC) }
	db := openDB(t)
	run(t, db, `CREATE TABLE ev (id INT, ts TEXT, n INT)`)
	run(t, db, `INSERT INTO ev VALUES (1, '2024-03-30 09:00:00.000000', 2), (2, '2024-03-25 09:00:00.000000', -1)`)
	tests := []struct{ q, want string }{
		{`SELECT CURRENT_TIMESTAMP - INTERVAL '5 DAY'`, "2024-03-26 10:00:00.500000"},
		{`SELECT CURRENT_TIMESTAMP + INTERVAL '1 YEAR'`, "2025-03-31 10:00:00.500000"},
		{`SELECT CURRENT_TIMESTAMP - INTERVAL '1 QUARTER'`, "2023-12-31 10:00:00.500000"},
		{`SELECT CURRENT_TIMESTAMP - INTERVAL '1 MONTH'`, "2024-02-29 10:00:00.500000"},
		{`SELECT CURRENT_TIMESTAMP + INTERVAL '2 WEEK'`, "2024-04-14 10:00:00.500000"},
		{`SELECT CURRENT_TIMESTAMP + INTERVAL '3 HOUR'`, "2024-03-31 13:00:00.500000"},
		{`SELECT CURRENT_TIMESTAMP - INTERVAL '90 MINUTE'`, "2024-03-31 08:30:00.500000"},
		{`SELECT CURRENT_TIMESTAMP + INTERVAL '30 second'`, "2024-03-31 10:00:30.500000"},
		{`SELECT CURRENT_TIMESTAMP - INTERVAL '600 MILLISECOND'`, "2024-03-31 09:59:59.900000"},
		{`SELECT CURRENT_TIMESTAMP - INTERVAL '-1 DAY' + INTERVAL '1 HOUR'`, "2024-04-01 11:00:00.500000"},
		{`SELECT id FROM ev WHERE ts > CURRENT_TIMESTAMP - INTERVAL '2 DAY' ORDER BY id`, "1"},
		{`SELECT id FROM ev WHERE ev.ts <= CAST('2024-03-31' AS TIMESTAMP) - INTERVAL '5 DAY'`, "2"},
		{`SELECT "ts" - INTERVAL "n" 'HOUR', ts + INTERVAL ev.n 'DAY' FROM ev ORDER BY id`, "2024-03-30 07:00:00.000000,2024-04-01 09:00:00.000000|2024-03-25 10:00:00.000000,2024-03-24 09:00:00.000000"},
		{`SELECT CAST('2024-01-02 03:04:05+05:30' AS timestamp_tz) + INTERVAL '1 HOUR'`, "2024-01-02 04:04:05.000000 +05:30"},
		{`SELECT NULL + INTERVAL '1 HOUR'`, "NULL"},
	}
	for _, tc := range tests {
		if got := rows(t, db, tc.q); got != tc.want {
			t.Errorf("%s\n got %q\nwant %q", tc.q, got, tc.want)
		}
	}
	// Dates take DATE_ADD in e6data, not an INTERVAL.
	for _, q := range []string{`SELECT CURRENT_DATE + INTERVAL '1 DAY'`, `SELECT DATE '2024-01-02' - INTERVAL '1 HOUR'`} {
		_, err := tryRows(db, q)
		if err == nil || !strings.Contains(err.Error(), "DATE_ADD('DAY', n, d)") {
			t.Errorf("%s: got %v, want an error pointing at DATE_ADD", q, err)
		}
	}
}

func TestSQLiteRowLimits(t *testing.T) {
	db := openDB(t)
	run(t, db, `CREATE TABLE u (id INT, p TEXT)`)
	run(t, db, `INSERT INTO u VALUES (1, '50%'), (2, '500'), (3, 'x'), (4, 'y'), (5, 'z')`)
	tests := []struct{ q, want string }{
		{`SELECT id FROM u ORDER BY id OFFSET 3`, "4|5"},
		{`SELECT id FROM u ORDER BY id LIMIT 0`, ""},
		{`SELECT id FROM u ORDER BY id FETCH FIRST 2 ROWS ONLY`, "1|2"},
		{`SELECT id FROM u ORDER BY id OFFSET 1 ROW FETCH NEXT 2 ROWS ONLY`, "2|3"},
		{`SELECT id FROM u ORDER BY id LIMIT 9223372036854775807 OFFSET 4`, "5"},
		{`SELECT COUNT(*) FROM (SELECT id FROM u ORDER BY id OFFSET 2) AS s`, "3"},
		{`SELECT id FROM u WHERE p LIKE '50/%' ESCAPE '/'`, "1"},
		{`SELECT id FROM u WHERE p || 'a' = '500a'`, "2"},
	}
	for _, tc := range tests {
		if got := rows(t, db, tc.q); got != tc.want {
			t.Errorf("%s\n got %q\nwant %q", tc.q, got, tc.want)
		}
	}
}
