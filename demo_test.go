package e6data_test

import (
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	_ "modernc.org/sqlite" // reads the mock's data files directly, for expected values

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// The demo dataset's tables as GORM models, one idiomatic Go type per e6data type.
type Customer struct {
	ID            int64
	Name          string
	Email         *string
	Country       sql.NullString
	SignupDate    sql.NullTime // DATE
	IsActive      sql.NullBool
	CreditLimit   connector.NullDecimal // DECIMAL(12,2)
	LastLogin     *time.Time            // TIMESTAMP
	TzLogin       sql.NullTime          // TIMESTAMP_TZ
	Avatar        []byte                // BINARY
	Tags          *string               // ARRAY<STRING>
	Prefs         sql.NullString        // MAP<STRING,STRING>
	Address       sql.NullString        // STRUCT<...>
	LoyaltyPoints sql.NullInt32         // INT
	Rating        *float32              // FLOAT
	Orders        []DemoOrder           `gorm:"foreignKey:CustomerID"`
}

type Product struct {
	ID         int64
	Sku        string
	Name       string
	Category   sql.NullString
	Price      testDecimal // DECIMAL(10,2) into a shopspring-style decimal
	WeightKg   sql.NullFloat64
	InStock    *bool
	CreatedAt  *time.Time
	LaunchDate *time.Time
}

type DemoOrder struct {
	ID         int64
	CustomerID *int64
	ProductID  *int64
	Quantity   *int32
	UnitPrice  *testDecimal
	Total      connector.NullDecimal
	Discount   *float64
	Status     *string
	OrderedAt  sql.NullTime
	ShipDate   *time.Time
	Product    *Product `gorm:"foreignKey:ProductID"`
}

func (DemoOrder) TableName() string { return "orders" }

// testDecimal is a shopspring/decimal-shaped type (coefficient × 10^exponent) that scans from
// the decimal text the driver returns; the driver renders it back through its Coefficient and
// Exponent methods.
type testDecimal struct {
	coef big.Int
	exp  int32
}

func (d *testDecimal) Scan(src any) error {
	s, ok := src.(string)
	if !ok {
		return fmt.Errorf("testDecimal: cannot scan %T", src)
	}
	exp := int32(0)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		exp = -int32(len(s) - i - 1)
		s = s[:i] + s[i+1:]
	}
	if _, ok := d.coef.SetString(s, 10); !ok {
		return fmt.Errorf("testDecimal: bad text %q", src)
	}
	d.exp = exp
	return nil
}

// Value returns the decimal's text, as shopspring's does (this driver renders it from
// Coefficient and Exponent instead).
func (d testDecimal) Value() (driver.Value, error) {
	r := new(big.Rat).SetFrac(&d.coef, big.NewInt(1))
	if d.exp < 0 {
		r.Quo(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-d.exp)), nil)))
		return r.FloatString(int(-d.exp)), nil
	}
	return d.coef.String() + strings.Repeat("0", int(d.exp)), nil
}

func (d testDecimal) Coefficient() *big.Int { return new(big.Int).Set(&d.coef) }
func (d testDecimal) Exponent() int32       { return d.exp }

// cents returns the amount in hundredths (exact for scales up to 2).
func (d testDecimal) cents() int64 {
	c := new(big.Int).Set(&d.coef)
	for e := d.exp; e < -2; e++ {
		c.Quo(c, big.NewInt(10))
	}
	for e := d.exp; e > -2; e-- {
		c.Mul(c, big.NewInt(10))
	}
	return c.Int64()
}

func decimalCents(d connector.Decimal) int64 {
	r := new(big.Rat).Mul(d.Rat(), big.NewRat(100, 1))
	return new(big.Int).Quo(r.Num(), r.Denom()).Int64()
}

func floatCents(f float64) int64 { return int64(math.Round(f * 100)) }

// demo is a mock cluster with the demo dataset, GORM on it through the real driver, and the
// mock's SQLite file opened directly, to compute expected values independently of the driver.
type demo struct {
	srv  *mock.Server
	db   *gorm.DB
	lite *sql.DB
}

func startDemo(t testing.TB, cfg e6data.Config, opts mock.Options, params ...string) *demo {
	t.Helper()
	dir := t.TempDir()
	opts.Demo, opts.Dir = true, dir
	srv, err := mock.NewServer(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	dsn := srv.DSN()
	for _, p := range params {
		dsn += "&" + p
	}
	cfg.DSN = dsn
	db, err := gorm.Open(e6data.New(cfg), &gorm.Config{Logger: logger.Discard})
	require.NoError(t, err)
	sqlDB, err := db.DB()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sqlDB.Close() })
	file := filepath.Join(dir, "s_"+hex.EncodeToString([]byte("e6data"))+"_"+hex.EncodeToString([]byte("default"))+".db")
	lite, err := sql.Open("sqlite", "file:"+file+"?mode=ro")
	require.NoError(t, err)
	t.Cleanup(func() { _ = lite.Close() })
	return &demo{srv: srv, db: db, lite: lite}
}

// int64s runs a query on the SQLite file returning one integer column.
func (d *demo) int64s(t testing.TB, query string, args ...any) []int64 {
	t.Helper()
	rows, err := d.lite.Query(query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		require.NoError(t, rows.Scan(&v))
		out = append(out, v)
	}
	require.NoError(t, rows.Err())
	return out
}

func (d *demo) int64(t testing.TB, query string, args ...any) int64 {
	t.Helper()
	v := d.int64s(t, query, args...)
	require.Len(t, v, 1)
	return v[0]
}

func (d *demo) strings(t testing.TB, query string, args ...any) []string {
	t.Helper()
	rows, err := d.lite.Query(query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		require.NoError(t, rows.Scan(&v))
		out = append(out, v)
	}
	require.NoError(t, rows.Err())
	return out
}

func idsOf[T any](rows []T, id func(T) int64) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}
