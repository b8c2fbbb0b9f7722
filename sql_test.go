package e6data_test

import (
	"bytes"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	gormclause "gorm.io/gorm/clause"
	"gorm.io/gorm/logger"
	"gorm.io/gorm/schema"

	"github.com/DATA-DOG/go-sqlmock"

	e6data "github.com/e6data/gorm-e6data"
	e6clause "github.com/e6data/gorm-e6data/clause"
	"github.com/e6data/gorm-e6data/connector"
)

func TestQuoteTo(t *testing.T) {
	d := e6data.Dialector{}
	for _, tc := range []struct{ in, want string }{
		{`users`, `"users"`},
		{`"users"`, `"users"`},
		{`a"b`, `"a""b"`},
		{`sales.orders`, `"sales"."orders"`},
		{`hive.sales.orders`, `"hive"."sales"."orders"`},
		{`"e6datapoc.icebergForTS".jpm_submittal`, `"e6datapoc.icebergForTS"."jpm_submittal"`},
		{`Users`, `"Users"`},
		{`date`, `"date"`},
		{`"a""b"`, `"a""b"`},
		{`"a""b".c`, `"a""b"."c"`},
		{`"a"b`, `"""a""b"`},
		{`"unterminated.x`, `"""unterminated.x"`},
		{`users.*`, `"users".*`},
		{`*`, `*`},
		{``, `""`},
		{`a..b`, `"a".""."b"`},
		{` spaced name `, `" spaced name "`},
		{`"x".y."z"`, `"x"."y"."z"`},
		{`Ada 🚀`, `"Ada 🚀"`},
		{`""`, `""`},
	} {
		var b strings.Builder
		d.QuoteTo(&b, tc.in)
		assert.Equal(t, tc.want, b.String(), "QuoteTo(%q)", tc.in)
	}
}

func BenchmarkQuoteTo(b *testing.B) {
	d := e6data.Dialector{}
	var buf bytes.Buffer // keeps its capacity across Reset: measures QuoteTo alone
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		d.QuoteTo(&buf, `hive."sales.eu".orders`)
	}
}

func TestBindVarTo(t *testing.T) {
	var b strings.Builder
	e6data.Dialector{}.BindVarTo(&b, nil, 1)
	assert.Equal(t, "?", b.String())
}

// TestExplain: the driver's literals, the args untouched, markers for values without a literal.
func TestExplain(t *testing.T) {
	d := e6data.Dialector{}
	name := "it's"
	bs := []byte{1, 2}
	args := []any{&name, bs, nil, 1.5, float32(0.1), time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.UTC), big.NewRat(5, 4), []int{1, 2}}
	keep := fmt.Sprintf("%#v", args)
	got := d.Explain(`SELECT '?', "?" FROM t WHERE a = ? AND b = ? AND c = ? AND d = ? -- ?
AND e = ? AND f = ? AND g = ? AND h IN ? AND i = -?`, append(args, -5)...)
	assert.Equal(t, `SELECT '?', "?" FROM t WHERE a = 'it\'s' AND b = <unsupported []byte> AND c = NULL AND d = 1.5 -- ?
AND e = 0.1 AND f = CAST('2024-01-02 03:04:05.123456' AS TIMESTAMP) AND g = 1.25 AND h IN (1, 2) AND i = - -5`, got)
	assert.Equal(t, keep, fmt.Sprintf("%#v", args), "Explain never modifies its arguments")
	assert.Equal(t, []byte{1, 2}, bs)

	assert.Equal(t, `a = ? AND b = ?`, d.Explain(`a = ? AND b = ?`), "placeholders without arguments stay")
	assert.Equal(t, `a = 1`, d.Explain(`a = ?`, 1, 2), "extra arguments are ignored")
	assert.Equal(t, `a = 1 AND "x" = ? AND 'open ?`, d.Explain(`a = ? AND "x" = ? AND 'open ?`, 1, 2),
		"after the last complete literal or identifier, an unterminated text is kept as it is")
	assert.Equal(t, `x = <unsupported e6data_test.panicky>`, d.Explain(`x = ?`, panicky{}), "never panics")
	assert.Equal(t, `x = <unsupported float64>`, d.Explain(`x = ?`, nan()))
}

type panicky struct{}

func (panicky) Value() (driver.Value, error) { panic("boom") }

func TestDataTypeOf(t *testing.T) {
	type model struct {
		B    bool
		I8   int8
		I16  int16
		I32  int32
		U8   uint8
		U16  uint16
		I    int
		I64  int64
		U    uint
		U32  uint32
		U64  uint64
		F32  float32
		F64  float64
		Dec  float64 `gorm:"precision:10;scale:2"`
		S    string
		SL   string `gorm:"size:20"`
		J    string `gorm:"type:json"`
		Bs   []byte
		T    time.Time
		PT   *time.Time
		D    time.Time             `gorm:"type:date"`
		Amt  connector.Decimal     `gorm:"type:decimal(12, 2)"`
		Nd   connector.NullDecimal `gorm:"type:decimal(7,2)"`
		NS   sql.NullString
		NI   sql.NullInt64
		Days connector.Date // GormDataType: date
		ND   connector.NullDate
	}
	want := map[string]string{
		"B": "BOOLEAN", "I8": "INT", "I16": "INT", "I32": "INT", "U8": "INT", "U16": "INT", "I": "BIGINT", "I64": "BIGINT",
		"U": "BIGINT", "U32": "BIGINT", "U64": "BIGINT", "F32": "FLOAT", "F64": "DOUBLE", "Dec": "DECIMAL(10,2)", "S": "STRING",
		"SL": "STRING", "J": "STRING", "Bs": "BINARY", "T": "TIMESTAMP", "PT": "TIMESTAMP", "D": "DATE", "Amt": "DECIMAL(12,2)",
		"Nd": "DECIMAL(7,2)", "NS": "STRING", "NI": "BIGINT", "Days": "DATE", "ND": "DATE",
	}
	db := dryRun(t)
	s, err := schema.Parse(&model{}, &sync.Map{}, db.NamingStrategy)
	require.NoError(t, err)
	for _, f := range s.Fields {
		got := db.Migrator().(interface{ DataTypeOf(*schema.Field) string }).DataTypeOf(f)
		assert.Equal(t, want[f.Name], got, "field %s (%s)", f.Name, f.DataType)
	}
	assert.Equal(t, "NULL", db.ToSQL(func(tx *gorm.DB) *gorm.DB {
		return tx.Raw("?", db.Dialector.DefaultValueOf(s.Fields[0]))
	}))
}

// TestConfig: exactly one of DSN, Conn and Connector, with an error that says so.
func TestConfig(t *testing.T) {
	sqlDB, _, err := sqlmockNew()
	require.NoError(t, err)
	defer sqlDB.Close()
	cc := connector.NewConfig()
	cc.Host, cc.Port, cc.User, cc.Token, cc.Database = "127.0.0.1", 1, "u", "t", "d"
	c, err := connector.NewConnector(*cc)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		cfg  e6data.Config
		set  int
	}{
		{"none", e6data.Config{}, 0},
		{"DSN and Conn", e6data.Config{DSN: "e6data://u:t@h:1/d", Conn: sqlDB}, 2},
		{"all", e6data.Config{DSN: "e6data://u:t@h:1/d", Conn: sqlDB, Connector: c}, 3},
	} {
		_, err := gorm.Open(e6data.New(tc.cfg), &gorm.Config{Logger: discard})
		require.ErrorIs(t, err, e6data.ErrConfig, tc.name)
		assert.Contains(t, err.Error(), fmt.Sprintf("set exactly one of DSN, Conn and Connector (%d are set)", tc.set))
	}
	_, err = gorm.Open(e6data.Open("mysql://x"), &gorm.Config{Logger: discard})
	assert.ErrorIs(t, err, connector.ErrInvalidDSN)
	_, err = gorm.Open(&e6data.Dialector{}, &gorm.Config{Logger: discard})
	assert.ErrorIs(t, err, e6data.ErrConfig)

	// A Connector or a DSN opens a pool lazily: nothing is dialled (port 1 would refuse).
	for _, d := range []gorm.Dialector{e6data.New(e6data.Config{Connector: c}), e6data.Open("e6data://u:t@127.0.0.1:1/d")} {
		db, err := gorm.Open(d, &gorm.Config{Logger: discard, DisableAutomaticPing: true})
		require.NoError(t, err)
		assert.Equal(t, "e6data", db.Dialector.Name())
		assert.True(t, db.SkipDefaultTransaction)
		// Initialize again: idempotent, no duplicated callbacks.
		require.NoError(t, db.Dialector.Initialize(db))
		s, _ := db.DB()
		_ = s.Close()
	}
}

// TestClauseBuildersNotOverwritten: a builder the application registered is kept.
func TestClauseBuildersNotOverwritten(t *testing.T) {
	sqlDB, _, err := sqlmockNew()
	require.NoError(t, err)
	defer sqlDB.Close()
	mine := func(c gormclause.Clause, b gormclause.Builder) { b.WriteString("LIMIT MINE") }
	db, err := gorm.Open(e6data.New(e6data.Config{Conn: sqlDB}), &gorm.Config{Logger: discard,
		ClauseBuilders: map[string]gormclause.ClauseBuilder{e6clause.ClauseLimit: mine}})
	require.NoError(t, err)
	var users []User
	assert.Equal(t, `SELECT * FROM "users" LIMIT MINE`, db.ToSQL(func(tx *gorm.DB) *gorm.DB { return tx.Limit(3).Find(&users) }))
	assert.Equal(t, `SELECT * FROM "users" ORDER BY "id" DESC`, db.ToSQL(func(tx *gorm.DB) *gorm.DB {
		return tx.Order(gormclause.OrderByColumn{Column: gormclause.Column{Name: "id"}, Desc: true}).Find(&users)
	}), "the other builders are the dialect's")
}

func TestTranslate(t *testing.T) {
	d := e6data.Dialector{}
	for _, tc := range []struct {
		err  error
		want error
	}{
		{connector.ErrTransactionsNotSupported, gorm.ErrUnsupportedDriver},
		{fmt.Errorf("x: %w", connector.ErrNoLastInsertID), gorm.ErrNotImplemented},
		{&connector.ArgumentError{Type: "[]byte", Reason: "r"}, gorm.ErrInvalidData},
		{&connector.PlaceholderCountError{Placeholders: 1}, gorm.ErrInvalidValue},
		{e6clause.ErrLockingNotSupported, gorm.ErrNotImplemented},
	} {
		got := d.Translate(tc.err)
		assert.ErrorIs(t, got, tc.want, "%v", tc.err)
		assert.ErrorIs(t, got, tc.err, "the original is kept")
	}
	other := errors.New("other")
	assert.Same(t, other, d.Translate(other))
	assert.NoError(t, d.Translate(nil))
}

var discard = logger.Discard

func nan() float64 { return math.NaN() }

func sqlmockNew() (*sql.DB, sqlmock.Sqlmock, error) { return sqlmock.New() }
