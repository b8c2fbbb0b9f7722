package e6data_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/mock"
)

// migDDLCall is one Migrator method that would send DDL, called on a model.
type migDDLCall struct {
	op   string
	call func(gorm.Migrator) error
}

// migDDLCalls lists every gorm.Migrator method that would send DDL.
func migDDLCalls() []migDDLCall {
	model := &migOrder{}
	return []migDDLCall{
		{"CreateTable", func(m gorm.Migrator) error { return m.CreateTable(model) }},
		{"DropTable", func(m gorm.Migrator) error { return m.DropTable(model, "orders") }},
		{"RenameTable", func(m gorm.Migrator) error { return m.RenameTable("orders", "orders_old") }},
		{"AddColumn", func(m gorm.Migrator) error { return m.AddColumn(model, "Total") }},
		{"DropColumn", func(m gorm.Migrator) error { return m.DropColumn(model, "Total") }},
		{"AlterColumn", func(m gorm.Migrator) error { return m.AlterColumn(model, "Total") }},
		{"MigrateColumn", func(m gorm.Migrator) error { return m.MigrateColumn(model, nil, nil) }},
		{"MigrateColumnUnique", func(m gorm.Migrator) error { return m.MigrateColumnUnique(model, nil, nil) }},
		{"RenameColumn", func(m gorm.Migrator) error { return m.RenameColumn(model, "total", "amount") }},
		{"CreateView", func(m gorm.Migrator) error {
			return m.CreateView("v", gorm.ViewOption{Query: &gorm.DB{}})
		}},
		{"DropView", func(m gorm.Migrator) error { return m.DropView("v") }},
		{"CreateConstraint", func(m gorm.Migrator) error { return m.CreateConstraint(model, "fk") }},
		{"DropConstraint", func(m gorm.Migrator) error { return m.DropConstraint(model, "fk") }},
		{"CreateIndex", func(m gorm.Migrator) error { return m.CreateIndex(model, "idx") }},
		{"DropIndex", func(m gorm.Migrator) error { return m.DropIndex(model, "idx") }},
		{"RenameIndex", func(m gorm.Migrator) error { return m.RenameIndex(model, "idx", "idx2") }},
	}
}

// migCheckRefused asserts err is the DDL refusal of op.
func migCheckRefused(t *testing.T, op string, err error) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, e6data.ErrDDLNotSupported)
	assert.NotErrorIs(t, err, e6data.ErrReadOnly)
	var pe *e6data.PolicyError
	require.True(t, errors.As(err, &pe), "%T", err)
	assert.Equal(t, "Migrator."+op, pe.Op)
	assert.Contains(t, err.Error(), "Migrator."+op)
}

// With go-sqlmock expecting nothing, any statement the migrator sent would fail the test.
func TestMigratorDDLRefusedWithSQLMock(t *testing.T) {
	for _, allowWrites := range []bool{false, true} {
		sqlDB, mock, err := sqlmock.New()
		require.NoError(t, err)
		t.Cleanup(func() { _ = sqlDB.Close() })
		db := migOpen(t, e6data.New(e6data.Config{Conn: sqlDB, AllowWrites: allowWrites}))
		for _, c := range migDDLCalls() {
			t.Run(fmt.Sprintf("%s/AllowWrites=%v", c.op, allowWrites), func(t *testing.T) {
				migCheckRefused(t, c.op, c.call(db.Migrator()))
			})
		}
		// No indexes or constraints: answered without asking anything.
		assert.False(t, db.Migrator().HasIndex(&migOrder{}, "idx"))
		assert.False(t, db.Migrator().HasConstraint(&migOrder{}, "fk"))
		idx, err := db.Migrator().GetIndexes(&migOrder{})
		require.NoError(t, err)
		assert.Empty(t, idx)
		require.NoError(t, mock.ExpectationsWereMet())
	}
}

// Through the real driver, a refused method sends nothing to the cluster at all.
func migTestDDLSendsNothing(t *testing.T, srv *mock.Server) {
	db := migOpen(t, e6data.Open(srv.DSN()))
	m := db.Migrator()
	require.True(t, m.HasTable("orders")) // opens the session first
	before := len(srv.CallLog())
	for _, c := range migDDLCalls() {
		migCheckRefused(t, c.op, c.call(m))
	}
	assert.Len(t, srv.CallLog(), before, "calls after the refused DDL methods")
	assert.True(t, m.HasTable("orders"), "the tables are untouched")
}
