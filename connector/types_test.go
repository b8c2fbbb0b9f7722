package connector_test

import (
	"database/sql"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

const allTypesDDL = `CREATE TABLE all_types (
	id BIGINT, n BIGINT, qty INT, price DOUBLE, ratio FLOAT, name STRING, ok BOOLEAN, day DATE,
	at TIMESTAMP, at_tz TIMESTAMP_TZ, amount DECIMAL(12,2), blob BINARY)`

const trickyString = "héllo 'q' \\ \"dq\" \\' \\\\n\n\t% _ ? -- /* */ ;"

var (
	kolkata  = time.FixedZone("", 5*3600+1800)
	atUTC    = time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC)
	atKolkat = time.Date(2024, 1, 2, 8, 34, 5, 123456000, kolkata)
)

// typesDB starts a mock holding all_types: row 1 has a value in every column, row 2 only an id.
func typesDB(t *testing.T) (*mock.Server, *sql.DB) {
	t.Helper()
	srv, db := newTestDB(t, mock.Options{})
	_, err := srv.Exec(allTypesDDL)
	require.NoError(t, err)
	_, err = srv.Exec(`INSERT INTO all_types VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		1, int64(math.MaxInt64), 7, 1.5, 0.25, trickyString, true, "1969-12-31",
		atUTC, "2024-01-02 08:34:05.123456 +05:30", "-24510.72", []byte{0, 1, 0xfe})
	require.NoError(t, err)
	_, err = srv.Exec(`INSERT INTO all_types (id) VALUES (2)`)
	require.NoError(t, err)
	return srv, db
}

func TestScanEveryType(t *testing.T) {
	_, db := typesDB(t)
	ctx := testCtx(t)
	tests := []struct {
		col      string
		dest     func() any // a fresh scan destination
		want     any        // *dest after scanning row 1
		nullDest func() any // a destination for row 2's NULL
		nullWant any
	}{
		{"n", func() any { return new(int64) }, int64(math.MaxInt64), func() any { return new(sql.NullInt64) }, sql.NullInt64{}},
		{"qty", func() any { return new(int32) }, int32(7), func() any { return new(sql.NullInt32) }, sql.NullInt32{}},
		{"qty", func() any { return new(int) }, 7, func() any { return new(*int) }, (*int)(nil)},
		{"price", func() any { return new(float64) }, 1.5, func() any { return new(sql.NullFloat64) }, sql.NullFloat64{}},
		{"ratio", func() any { return new(float32) }, float32(0.25), func() any { return new(sql.NullFloat64) }, sql.NullFloat64{}},
		{"name", func() any { return new(string) }, trickyString, func() any { return new(sql.NullString) }, sql.NullString{}},
		{"name", func() any { return new(sql.NullString) }, sql.NullString{String: trickyString, Valid: true}, func() any { return new(*string) }, (*string)(nil)},
		{"ok", func() any { return new(bool) }, true, func() any { return new(sql.NullBool) }, sql.NullBool{}},
		{"day", func() any { return new(time.Time) }, time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), func() any { return new(sql.NullTime) }, sql.NullTime{}},
		{"day", func() any { return new(connector.Date) }, connector.Date{Year: 1969, Month: 12, Day: 31}, func() any { return new(connector.NullDate) }, connector.NullDate{}},
		{"day", func() any { return new(connector.NullDate) }, connector.NullDate{Date: connector.Date{Year: 1969, Month: 12, Day: 31}, Valid: true}, func() any { return new(connector.NullDate) }, connector.NullDate{}},
		{"at", func() any { return new(time.Time) }, atUTC, func() any { return new(sql.NullTime) }, sql.NullTime{}},
		{"at_tz", func() any { return new(time.Time) }, atKolkat, func() any { return new(sql.NullTime) }, sql.NullTime{}},
		{"amount", func() any { return new(string) }, "-24510.72", func() any { return new(sql.NullString) }, sql.NullString{}},
		{"amount", func() any { return new(connector.Decimal) }, mustDecimal(t, "-24510.72"), func() any { return new(connector.NullDecimal) }, connector.NullDecimal{}},
		{"blob", func() any { return new([]byte) }, []byte{0, 1, 0xfe}, func() any { return new([]byte) }, []byte(nil)},
		{"blob", func() any { return new(sql.RawBytes) }, sql.RawBytes{0, 1, 0xfe}, func() any { return new(sql.RawBytes) }, sql.RawBytes(nil)},
		{"blob", func() any { return new(any) }, any([]byte{0, 1, 0xfe}), func() any { return new(any) }, any(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.col+"/"+reflect.TypeOf(tt.dest()).Elem().String(), func(t *testing.T) {
			rows, err := db.QueryContext(ctx, `SELECT "`+tt.col+`" FROM all_types ORDER BY id`)
			require.NoError(t, err)
			defer rows.Close()

			require.True(t, rows.Next())
			d := tt.dest()
			require.NoError(t, rows.Scan(d))
			got := reflect.ValueOf(d).Elem().Interface()
			if wt, ok := tt.want.(time.Time); ok {
				gt := got.(time.Time)
				assert.True(t, wt.Equal(gt), "%v != %v", gt, wt)
				assert.Equal(t, wt.Nanosecond(), gt.Nanosecond(), "microseconds kept")
				wn, wo := wt.Zone()
				gn, gOff := gt.Zone()
				assert.Equal(t, wo, gOff, "zone offset kept")
				if wt.Location() == time.UTC {
					assert.Equal(t, time.UTC, gt.Location(), "UTC, not Local (%s)", gn)
				}
				_ = wn
			} else if wd, ok := tt.want.(connector.Decimal); ok {
				gd := got.(connector.Decimal)
				assert.Equal(t, wd.String(), gd.String())
				assert.Zero(t, wd.Cmp(gd))
			} else {
				assert.Equal(t, tt.want, got)
			}

			require.True(t, rows.Next())
			nd := tt.nullDest()
			require.NoError(t, rows.Scan(nd))
			assert.Equal(t, tt.nullWant, reflect.ValueOf(nd).Elem().Interface())
			assert.False(t, rows.Next())
			require.NoError(t, rows.Err())
		})
	}

	// NULL into a non-nullable destination is a clear error, not a zero value.
	var n int64
	err := db.QueryRowContext(ctx, `SELECT qty FROM all_types WHERE id = 2`).Scan(&n)
	assert.Error(t, err)
	var d connector.Date
	err = db.QueryRowContext(ctx, `SELECT day FROM all_types WHERE id = 2`).Scan(&d)
	assert.ErrorContains(t, err, "NullDate")
}

func mustDecimal(t *testing.T, s string) connector.Decimal {
	t.Helper()
	d, err := connector.ParseDecimal(s)
	require.NoError(t, err)
	return d
}

func TestColumnTypes(t *testing.T) {
	_, db := typesDB(t)
	rows, err := db.QueryContext(testCtx(t), `SELECT * FROM all_types ORDER BY id`)
	require.NoError(t, err)
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	require.NoError(t, err)

	type want struct {
		name, dbType string
		scan         reflect.Type
		length       int64
		hasLength    bool
		prec, scale  int64
		hasDecimal   bool
	}
	wants := []want{
		{"id", "LONG", reflect.TypeFor[sql.NullInt64](), 0, false, 0, 0, false},
		{"n", "LONG", reflect.TypeFor[sql.NullInt64](), 0, false, 0, 0, false},
		{"qty", "INTEGER", reflect.TypeFor[sql.NullInt32](), 0, false, 0, 0, false},
		{"price", "DOUBLE", reflect.TypeFor[sql.NullFloat64](), 0, false, 0, 0, false},
		{"ratio", "FLOAT", reflect.TypeFor[sql.NullFloat64](), 0, false, 0, 0, false},
		{"name", "STRING", reflect.TypeFor[sql.NullString](), math.MaxInt64, true, 0, 0, false},
		{"ok", "BOOLEAN", reflect.TypeFor[sql.NullBool](), 0, false, 0, 0, false},
		{"day", "DATE", reflect.TypeFor[sql.NullTime](), 0, false, 0, 0, false},
		{"at", "DATETIME", reflect.TypeFor[sql.NullTime](), 0, false, 0, 0, false},
		{"at_tz", "TIMESTAMP_TZ", reflect.TypeFor[sql.NullTime](), 0, false, 0, 0, false},
		{"amount", "DECIMAL128", reflect.TypeFor[sql.NullString](), 0, false, 38, 2, true},
		{"blob", "BINARY", reflect.TypeFor[[]byte](), math.MaxInt64, true, 0, 0, false},
	}
	require.Len(t, cts, len(wants))
	for i, w := range wants {
		ct := cts[i]
		t.Run(w.name, func(t *testing.T) {
			assert.Equal(t, w.name, ct.Name())
			assert.Equal(t, w.dbType, ct.DatabaseTypeName())
			assert.Equal(t, w.scan, ct.ScanType())
			nullable, ok := ct.Nullable()
			assert.False(t, ok, "the metadata does not report nullability")
			assert.True(t, nullable)
			l, ok := ct.Length()
			assert.Equal(t, w.hasLength, ok)
			assert.Equal(t, w.length, l)
			p, s, ok := ct.DecimalSize()
			assert.Equal(t, w.hasDecimal, ok)
			assert.Equal(t, w.prec, p)
			assert.Equal(t, w.scale, s)
		})
	}
	// Every value of row 1 scans into a new value of its ScanType.
	require.True(t, rows.Next())
	dest := make([]any, len(cts))
	for i, ct := range cts {
		dest[i] = reflect.New(ct.ScanType()).Interface()
	}
	require.NoError(t, rows.Scan(dest...))
	assert.Equal(t, sql.NullString{String: "-24510.72", Valid: true}, *dest[10].(*sql.NullString))
	require.True(t, rows.Next())
	require.NoError(t, rows.Scan(dest...)) // and the NULLs of row 2
	assert.False(t, dest[2].(*sql.NullInt32).Valid)
}

func TestPlaceholderArgs(t *testing.T) {
	srv, db := newTestDB(t, mock.Options{})
	_, err := srv.Exec(`CREATE TABLE args (id BIGINT, s STRING, at TIMESTAMP, day DATE, f DOUBLE, b BOOLEAN, amount DECIMAL(20,4))`)
	require.NoError(t, err)
	ctx := testCtx(t)

	strs := []string{trickyString, "", "'", "''", "\\", "\\'", "it's", "a\\b\\\\c", "\x01\u2028😀", "?", "-- x", "/* y */", "NULL", `"`}
	for i, s := range strs {
		_, err := db.ExecContext(ctx, `INSERT INTO args (id, s) VALUES (?, ?)`, i, s)
		require.NoError(t, err, "%q", s)
		var back string
		require.NoError(t, db.QueryRowContext(ctx, `SELECT s FROM args WHERE id = ?`, i).Scan(&back))
		assert.Equal(t, s, back, "stored and read back")
		require.NoError(t, db.QueryRowContext(ctx, `SELECT ?`, s).Scan(&back))
		assert.Equal(t, s, back, "as a literal")
		var n int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM args WHERE s = ?`, s).Scan(&n))
		assert.Equal(t, 1, n, "compared by value: %q", s)
	}

	t.Run("time", func(t *testing.T) {
		in := time.Date(2023, 6, 7, 8, 9, 10, 123456789, kolkata)
		_, err := db.ExecContext(ctx, `INSERT INTO args (id, at) VALUES (100, ?)`, in)
		require.NoError(t, err)
		var back time.Time
		require.NoError(t, db.QueryRowContext(ctx, `SELECT at FROM args WHERE id = 100`).Scan(&back))
		assert.True(t, in.Truncate(time.Microsecond).Equal(back), "%v != %v", back, in)
		var n int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM args WHERE at = ?`, in.Truncate(time.Microsecond)).Scan(&n))
		assert.Equal(t, 1, n)
	})
	t.Run("date", func(t *testing.T) {
		in := connector.Date{Year: 2024, Month: 2, Day: 29}
		_, err := db.ExecContext(ctx, `INSERT INTO args (id, day) VALUES (101, ?)`, in)
		require.NoError(t, err)
		var back connector.Date
		require.NoError(t, db.QueryRowContext(ctx, `SELECT day FROM args WHERE day = ?`, in).Scan(&back))
		assert.Equal(t, in, back)
		var nd connector.NullDate
		require.NoError(t, db.QueryRowContext(ctx, `SELECT ?`, connector.NullDate{}).Scan(&nd))
		assert.False(t, nd.Valid)
	})
	t.Run("numbers and bool", func(t *testing.T) {
		var (
			i8  int8
			u64 uint64
			i   int
			f   float64
			f32 float32
			b   bool
		)
		require.NoError(t, db.QueryRowContext(ctx, `SELECT ?, ?, ?, ?, ?, ?`,
			int8(-128), uint64(math.MaxInt64), -42, 0.1, float32(2.5), true).Scan(&i8, &u64, &i, &f, &f32, &b))
		assert.Equal(t, int8(-128), i8)
		assert.Equal(t, uint64(math.MaxInt64), u64)
		assert.Equal(t, -42, i)
		assert.Equal(t, 0.1, f)
		assert.Equal(t, float32(2.5), f32)
		assert.True(t, b)
		var x int64
		require.NoError(t, db.QueryRowContext(ctx, `SELECT 10 -?`, -5).Scan(&x))
		assert.EqualValues(t, 15, x, "x -? with -5 is not a comment")
		require.NoError(t, db.QueryRowContext(ctx, `SELECT ?`, int64(math.MinInt64)).Scan(&x))
		assert.Equal(t, int64(math.MinInt64), x)
		var big float64
		require.NoError(t, db.QueryRowContext(ctx, `SELECT ?`, 1e300).Scan(&big))
		assert.Equal(t, 1e300, big)
	})
	t.Run("decimal", func(t *testing.T) {
		// The mock's SQLite keeps a numeric literal as a double: stay within its 15 digits.
		d := mustDecimal(t, "1234567890.1234")
		_, err := db.ExecContext(ctx, `INSERT INTO args (id, amount) VALUES (102, ?)`, d)
		require.NoError(t, err)
		var back connector.Decimal
		require.NoError(t, db.QueryRowContext(ctx, `SELECT amount FROM args WHERE id = 102`).Scan(&back))
		assert.Equal(t, "1234567890.1234", back.String())
		var str string
		require.NoError(t, db.QueryRowContext(ctx, `SELECT amount FROM args WHERE amount = ?`, d).Scan(&str))
		assert.Equal(t, "1234567890.1234", str)
	})
	t.Run("nil", func(t *testing.T) {
		var s sql.NullString
		require.NoError(t, db.QueryRowContext(ctx, `SELECT ?`, nil).Scan(&s))
		assert.False(t, s.Valid)
		var np *int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT ?`, np).Scan(&s))
		assert.False(t, s.Valid)
		var n int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM args WHERE s IS ?`, nil).Scan(&n))
		assert.Greater(t, n, 0)
	})
	t.Run("slices for IN", func(t *testing.T) {
		// A slice renders as a parenthesized list, GORM's "IN ?" form.
		var n int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM args WHERE id IN ?`, []int64{0, 1, 2, 999}).Scan(&n))
		assert.Equal(t, 3, n)
		require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM args WHERE s IN ?`, []string{"it's", "\\'", "nope"}).Scan(&n))
		assert.Equal(t, 2, n)
		require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM args WHERE id IN ? AND s IN ?`, []int{6, 7}, []any{"it's", nil}).Scan(&n))
		assert.Equal(t, 1, n)
		require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM args WHERE id IN ?`, []int{}).Scan(&n))
		assert.Equal(t, 0, n, "an empty list matches nothing")
	})
	t.Run("? in literals and comments is not a placeholder", func(t *testing.T) {
		var a, b string
		require.NoError(t, db.QueryRowContext(ctx, `SELECT '?' /* ? */, ? -- ?`+"\n", "x").Scan(&a, &b))
		assert.Equal(t, "?", a)
		assert.Equal(t, "x", b)
	})
}
