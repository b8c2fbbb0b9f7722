package e6data_test

import (
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/mock"
)

// Models that match the demo dataset, in idiomatic field types.
type (
	migCustomer struct {
		ID            int64
		Name          string
		Email         *string
		Country       sql.NullString
		SignupDate    time.Time
		IsActive      bool
		CreditLimit   string `gorm:"type:decimal(12,2)"`
		LastLogin     *time.Time
		TzLogin       sql.NullTime
		Avatar        []byte
		Tags          string
		Prefs         string
		Address       string
		LoyaltyPoints int32
		Rating        float32
		Note          string `gorm:"-:migration"` // not in the table, and not checked
	}
	migProduct struct {
		ID         int64
		Sku        string
		Name       string
		Category   *string
		Price      float64 // decimal(10,2) read as float64
		WeightKg   float64
		InStock    sql.NullBool
		CreatedAt  time.Time
		LaunchDate time.Time
	}
	migFullOrder struct {
		ID         int64
		CustomerID int64
		Customer   migCustomer // belongs to: not a column
		ProductID  uint64
		Quantity   int
		UnitPrice  string `gorm:"type:decimal(10,2)"`
		Total      string `gorm:"type:decimal(12,2)"`
		Discount   float64
		Status     string
		OrderedAt  time.Time
		ShipDate   time.Time
	}
)

func (migCustomer) TableName() string  { return "customers" }
func (migProduct) TableName() string   { return "products" }
func (migFullOrder) TableName() string { return "orders" }

// Models that disagree with the demo dataset in every way AutoMigrate reports.
type (
	migBadCustomer struct {
		ID       int64
		Name     string
		Nickname string            // missing column
		Rating   float64           // float column: fine
		Tags     []string          `gorm:"serializer:json"`             // array<string> read as JSON text: fine
		Products []migProduct      `gorm:"many2many:customer_products"` // missing join table
		Prefs    map[string]string `gorm:"serializer:json"`
		Avatar   string            // binary column: incompatible
		_        struct{}          //nolint:unused
		Tz       time.Time         `gorm:"column:tz_login"`
		Address  int64             // struct column: incompatible
		Cents    int64             `gorm:"column:credit_limit"`   // decimal(12,2): incompatible
		Points   int16             `gorm:"column:loyalty_points"` // int column: too narrow
	}
	migBadOrder struct {
		ID        int64
		Quantity  time.Time // int column
		Status    int64     // string column
		Total     string    `gorm:"type:decimal(10,2)"` // decimal(12,2) does not fit
		UnitPrice float32   // decimal(10,2) into float32
	}
	migInvoice struct {
		ID     int64
		Amount float64
	}
)

func (migBadCustomer) TableName() string { return "customers" }
func (migBadOrder) TableName() string    { return "orders" }

func migTestAutoMigrateMatching(t *testing.T, srv *mock.Server) {
	db := migOpen(t, e6data.Open(srv.DSN()))
	prepares, columnCalls := migPrepares(srv), srv.Calls("getColumnsV2", "*")
	require.NoError(t, db.AutoMigrate(&migCustomer{}, &migProduct{}, &migFullOrder{}, "orders"))
	require.NoError(t, db.AutoMigrate()) // nothing to check
	// Only metadata RPCs: no statement was prepared.
	assert.Equal(t, prepares, migPrepares(srv))
	assert.Greater(t, srv.Calls("getColumnsV2", "*"), columnCalls)
}

func migTestAutoMigrateMismatches(t *testing.T, srv *mock.Server) {
	db := migOpen(t, e6data.Open(srv.DSN()))
	prepares := migPrepares(srv)
	err := db.AutoMigrate(&migBadCustomer{}, &migBadOrder{}, &migInvoice{}, "nope_table", &migProduct{})
	require.Error(t, err)
	var sme *e6data.SchemaMismatchError
	require.True(t, errors.As(err, &sme), "%T: %v", err, err)

	const table = "e6data.default."
	int64Want := "tinyint, smallint, int, bigint or decimal(p,0) with p ≤ 18"
	want := []e6data.Mismatch{
		{Kind: e6data.MissingColumn, Model: "migBadCustomer", Table: table + "customers", Field: "Nickname", FieldType: "string", Column: "nickname"},
		{Kind: e6data.IncompatibleType, Model: "migBadCustomer", Table: table + "customers", Field: "Avatar", FieldType: "string",
			Column: "avatar", ColumnType: "binary", Want: "string, varchar(n), char(n), decimal(p,s), array<…>, map<…> or struct<…>"},
		{Kind: e6data.IncompatibleType, Model: "migBadCustomer", Table: table + "customers", Field: "Address", FieldType: "int64",
			Column: "address", ColumnType: "struct<street:string,city:string,zip:string>", Want: int64Want},
		{Kind: e6data.IncompatibleType, Model: "migBadCustomer", Table: table + "customers", Field: "Cents", FieldType: "int64",
			Column: "credit_limit", ColumnType: "decimal(12,2)", Want: int64Want},
		{Kind: e6data.IncompatibleType, Model: "migBadCustomer", Table: table + "customers", Field: "Points", FieldType: "int16",
			Column: "loyalty_points", ColumnType: "int", Want: "tinyint or smallint"},
		{Kind: e6data.MissingTable, Model: "customer_products", Table: table + "customer_products"},
		{Kind: e6data.IncompatibleType, Model: "migBadOrder", Table: table + "orders", Field: "Quantity", FieldType: "time.Time",
			Column: "quantity", ColumnType: "int", Want: "date, timestamp or timestamp_tz"},
		{Kind: e6data.IncompatibleType, Model: "migBadOrder", Table: table + "orders", Field: "UnitPrice", FieldType: "float32",
			Column: "unit_price", ColumnType: "decimal(10,2)", Want: "float"},
		{Kind: e6data.IncompatibleType, Model: "migBadOrder", Table: table + "orders", Field: "Total", FieldType: "string (type:decimal(10,2))",
			Column: "total", ColumnType: "decimal(12,2)", Want: "decimal(p,s) with s ≤ 2 and p−s ≤ 8"},
		{Kind: e6data.IncompatibleType, Model: "migBadOrder", Table: table + "orders", Field: "Status", FieldType: "int64",
			Column: "status", ColumnType: "string", Want: int64Want},
		{Kind: e6data.MissingTable, Model: "migInvoice", Table: table + "mig_invoices"},
		{Kind: e6data.MissingTable, Table: table + "nope_table"},
	}
	assert.ElementsMatch(t, want, sme.Mismatches)

	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "e6data: AutoMigrate verifies models against the catalog and never alters tables; it found 12 mismatches"), msg)
	for _, line := range []string{
		"\n  - missing table e6data.default.mig_invoices (model migInvoice)",
		"\n  - missing table e6data.default.nope_table",
		"\n  - missing column e6data.default.customers.nickname (field migBadCustomer.Nickname string)",
		"\n  - incompatible type: column e6data.default.orders.quantity is int, field migBadOrder.Quantity time.Time wants date, timestamp or timestamp_tz",
	} {
		assert.Contains(t, msg, line)
	}
	assert.Equal(t, prepares, migPrepares(srv), "no statement was prepared")
}

func TestMismatchKindString(t *testing.T) {
	assert.Equal(t, "missing table", e6data.MissingTable.String())
	assert.Equal(t, "missing column", e6data.MissingColumn.String())
	assert.Equal(t, "incompatible type", e6data.IncompatibleType.String())
	assert.Equal(t, "MismatchKind(9)", e6data.MismatchKind(9).String())
	one := &e6data.SchemaMismatchError{Mismatches: []e6data.Mismatch{{Kind: e6data.MissingTable, Table: "c.s.t"}}}
	assert.Equal(t, "e6data: AutoMigrate verifies models against the catalog and never alters tables; it found 1 mismatch (change the model, or the table outside GORM):\n  - missing table c.s.t", one.Error())
}
