package codectest

import (
	"database/sql"
	"time"
)

// ScanMixed reads rows, a result with MixedFields' 8 columns, to the end, scanning every row into
// typed destinations as an application would (NULL-able columns into sql.Null types, the
// DECIMAL128 into a string), and returns how many rows it read. It does not close rows.
func ScanMixed(rows *sql.Rows) (int, error) {
	var (
		id     int64
		qty    sql.NullInt64
		price  float64
		name   sql.NullString
		flag   bool
		ts     sql.NullTime
		amount string
		day    time.Time
	)
	n := 0
	for rows.Next() {
		if err := rows.Scan(&id, &qty, &price, &name, &flag, &ts, &amount, &day); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
