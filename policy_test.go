package e6data_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	e6data "github.com/e6data/gorm-e6data"
	e6clause "github.com/e6data/gorm-e6data/clause"
	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// Event is a writable table of the write tests: its key is set by the application (e6data
// generates none), hence autoIncrement:false.
type Event struct {
	ID     int64 `gorm:"primaryKey;autoIncrement:false"`
	Kind   string
	Amount testDecimal
	At     time.Time
}

// writeCalls are every GORM write method; each must be refused before any SQL is sent.
var writeCalls = []struct {
	name string
	op   string // what the error must name
	run  func(db *gorm.DB) error
}{
	{"Create", "Create", func(db *gorm.DB) error { return db.Create(&Event{ID: 1, Kind: "click"}).Error }},
	{"Create slice", "Create", func(db *gorm.DB) error { return db.Create(&[]Event{{ID: 1}, {ID: 2}}).Error }},
	{"CreateInBatches", "Create", func(db *gorm.DB) error {
		return db.CreateInBatches(&[]Event{{ID: 1}, {ID: 2}, {ID: 3}}, 2).Error
	}},
	{"Create map", "Create", func(db *gorm.DB) error { return db.Model(&Event{}).Create(map[string]any{"id": 1}).Error }},
	{"Save new", "Create", func(db *gorm.DB) error { return db.Save(&Event{Kind: "x"}).Error }},
	{"Save existing", "Update", func(db *gorm.DB) error { return db.Save(&Event{ID: 5, Kind: "x"}).Error }},
	{"Update", "Update", func(db *gorm.DB) error { return db.Model(&Event{ID: 1}).Update("kind", "view").Error }},
	{"Updates struct", "Update", func(db *gorm.DB) error { return db.Model(&Event{ID: 1}).Updates(Event{Kind: "view"}).Error }},
	{"Updates map", "Update", func(db *gorm.DB) error {
		return db.Model(&Event{}).Where("id = ?", 1).Updates(map[string]any{"kind": "view"}).Error
	}},
	{"UpdateColumn", "Update", func(db *gorm.DB) error { return db.Model(&Event{ID: 1}).UpdateColumn("kind", "v").Error }},
	{"UpdateColumns", "Update", func(db *gorm.DB) error {
		return db.Model(&Event{ID: 1}).UpdateColumns(map[string]any{"kind": "v"}).Error
	}},
	{"Delete", "Delete", func(db *gorm.DB) error { return db.Delete(&Event{}, 1).Error }},
	{"Delete where", "Delete", func(db *gorm.DB) error { return db.Where("kind = ?", "x").Delete(&Event{}).Error }},
	{"Upsert", "ON CONFLICT", func(db *gorm.DB) error {
		return db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&Event{ID: 1}).Error
	}},
}

// TestWritesRefusedWithoutAllowWrites: every write fails with ErrReadOnly (upserts with
// ErrNotSupported) and sends nothing: the sqlmock pool expects no statement at all.
func TestWritesRefusedWithoutAllowWrites(t *testing.T) {
	for _, tc := range writeCalls {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := sqlmockDB(t, e6data.Config{}, nil)
			err := tc.run(db)
			require.Error(t, err)
			var pe *e6data.PolicyError
			require.True(t, errors.As(err, &pe), "%v", err)
			assert.Contains(t, err.Error(), tc.op)
			assert.Contains(t, err.Error(), "before any SQL was sent")
			if tc.op == "ON CONFLICT" {
				assert.ErrorIs(t, err, e6data.ErrNotSupported)
				return
			}
			assert.ErrorIs(t, err, e6data.ErrReadOnly)
			assert.Contains(t, err.Error(), "AllowWrites: true")
		})
	}
}

// TestWritesAlwaysRefused: upserts and RETURNING are refused even with AllowWrites.
func TestWritesAlwaysRefused(t *testing.T) {
	db, _ := sqlmockDB(t, e6data.Config{AllowWrites: true}, nil)
	err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&Event{ID: 1}).Error
	assert.ErrorIs(t, err, e6data.ErrNotSupported)
	assert.Contains(t, err.Error(), "use Create for new rows and Updates")
	err = db.Clauses(clause.Returning{}).Where("id = ?", 1).Delete(&Event{}).Error
	assert.ErrorIs(t, err, e6data.ErrNotSupported)
	assert.Contains(t, err.Error(), "RETURNING")
}

// TestLockingRefused: FOR UPDATE / FOR SHARE fails before sending; it is never dropped.
func TestLockingRefused(t *testing.T) {
	db, _ := sqlmockDB(t, e6data.Config{}, nil)
	var users []User
	for _, strength := range []string{clause.LockingStrengthUpdate, clause.LockingStrengthShare} {
		err := db.Clauses(clause.Locking{Strength: strength}).Find(&users).Error
		assert.ErrorIs(t, err, e6clause.ErrLockingNotSupported)
		assert.Contains(t, err.Error(), "FOR "+strength)
	}
}

// TestGoldenWriteSQL pins the INSERT, UPDATE and DELETE GORM builds with AllowWrites.
func TestGoldenWriteSQL(t *testing.T) {
	db, _ := sqlmockDB(t, e6data.Config{AllowWrites: true}, nil)
	db = db.Session(&gorm.Session{DryRun: true})
	at := mustTime("2024-01-02T03:04:05.5Z")
	cents := func(c int64) testDecimal {
		var d testDecimal
		d.coef.SetInt64(c)
		d.exp = -2
		return d
	}
	for _, tc := range []struct {
		name string
		run  func(tx *gorm.DB) *gorm.DB
		want string
	}{
		{"Create", func(tx *gorm.DB) *gorm.DB { return tx.Create(&Event{ID: 1, Kind: "it's", Amount: cents(1250), At: at}) },
			`INSERT INTO "events" ("id","kind","amount","at") VALUES (1,'it\'s',12.50,CAST('2024-01-02 03:04:05.500000' AS TIMESTAMP))`},
		{"Create multi-row", func(tx *gorm.DB) *gorm.DB {
			return tx.Select("id", "kind").Create(&[]Event{{ID: 1, Kind: "click"}, {ID: 2, Kind: "view"}})
		}, `INSERT INTO "events" ("id","kind") VALUES (1,'click'),(2,'view')`},
		{"Update", func(tx *gorm.DB) *gorm.DB { return tx.Model(&Event{ID: 1}).Update("kind", "view") },
			`UPDATE "events" SET "kind"='view' WHERE "id" = 1`},
		{"Updates map", func(tx *gorm.DB) *gorm.DB {
			return tx.Model(&Event{}).Where("kind = ?", "a").Updates(map[string]any{"kind": "b", "amount": cents(5)})
		}, `UPDATE "events" SET "amount"=0.05,"kind"='b' WHERE kind = 'a'`},
		{"Delete", func(tx *gorm.DB) *gorm.DB { return tx.Delete(&Event{}, 1) }, `DELETE FROM "events" WHERE "events"."id" = 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := tc.run(db)
			require.NoError(t, tx.Error)
			assert.Equal(t, tc.want, tx.Dialector.Explain(tx.Statement.SQL.String(), tx.Statement.Vars...))
		})
	}
	err := db.Create(&struct{ ID int64 }{}).Error
	assert.Error(t, err, "an INSERT without columns is refused")
}

// TestWritesWithAllowWrites runs every write method against the mock and checks the table's
// content in the mock's SQLite file.
func TestWritesWithAllowWrites(t *testing.T) {
	d := startDemo(t, e6data.Config{AllowWrites: true}, mock.Options{})
	_, err := d.srv.Exec(`CREATE TABLE events (id BIGINT, kind STRING, amount DECIMAL(10,2), at TIMESTAMP)`)
	require.NoError(t, err)
	db := d.db
	kinds := func() []string {
		return d.strings(t, `SELECT id || ':' || kind FROM events ORDER BY id`)
	}
	at := mustTime("2024-03-04T05:06:07.123456Z")

	require.NoError(t, db.Create(&Event{ID: 1, Kind: "click", At: at}).Error)
	res := db.CreateInBatches(&[]Event{{ID: 2, Kind: "view"}, {ID: 3, Kind: "buy"}, {ID: 4, Kind: "it's"}}, 2)
	require.NoError(t, res.Error)
	assert.Equal(t, []string{"1:click", "2:view", "3:buy", "4:it's"}, kinds())
	var got Event
	require.NoError(t, db.First(&got, 1).Error)
	assert.True(t, at.Equal(got.At))

	require.NoError(t, db.Model(&Event{ID: 2}).Update("kind", "seen").Error)
	require.NoError(t, db.Model(&Event{}).Where("id = ?", 3).Updates(map[string]any{"kind": "sold"}).Error)
	require.NoError(t, db.Model(&Event{ID: 4}).UpdateColumns(Event{Kind: "quote"}).Error)
	assert.Equal(t, []string{"1:click", "2:seen", "3:sold", "4:quote"}, kinds())
	res = db.Save(&Event{ID: 1, Kind: "saved", At: at})
	require.NoError(t, res.Error, "Save of an existing row is an UPDATE")
	assert.Equal(t, int64(1), res.RowsAffected, "as the engine reports it")

	require.NoError(t, db.Delete(&Event{}, 4).Error)
	require.NoError(t, db.Where("kind = ?", "sold").Delete(&Event{}).Error)
	assert.Equal(t, []string{"1:saved", "2:seen"}, kinds())
	assert.ErrorIs(t, db.Delete(&Event{}).Error, gorm.ErrMissingWhereClause, "GORM's guard stays on")

	// No transactions: Begin and Transaction fail with the driver's error, savepoints with GORM's.
	tx := db.Begin()
	assert.ErrorIs(t, tx.Error, connector.ErrTransactionsNotSupported)
	err = db.Transaction(func(tx *gorm.DB) error { return tx.Create(&Event{ID: 9}).Error })
	assert.ErrorIs(t, err, connector.ErrTransactionsNotSupported)
	assert.ErrorIs(t, db.SavePoint("sp").Error, gorm.ErrUnsupportedDriver)
	assert.ErrorIs(t, db.RollbackTo("sp").Error, gorm.ErrUnsupportedDriver)
	assert.Equal(t, []string{"1:saved", "2:seen"}, kinds())
}

// hooked records its hooks: a refused write must not run them either.
type hooked struct {
	ID    int64 `gorm:"primaryKey;autoIncrement:false"`
	calls *int
}

func (h *hooked) BeforeCreate(*gorm.DB) error { *h.calls++; return nil }
func (h *hooked) BeforeSave(*gorm.DB) error   { *h.calls++; return nil }
func (h *hooked) BeforeDelete(*gorm.DB) error { *h.calls++; return nil }

// TestPolicyRunsFirst: the policy is checked before GORM's hooks and before any SQL is built.
func TestPolicyRunsFirst(t *testing.T) {
	db, _ := sqlmockDB(t, e6data.Config{}, nil)
	calls := 0
	h := &hooked{ID: 1, calls: &calls}
	for _, tx := range []*gorm.DB{db.Create(h), db.Save(h), db.Delete(h)} {
		assert.ErrorIs(t, tx.Error, e6data.ErrReadOnly)
		assert.Empty(t, tx.Statement.SQL.String(), "no SQL was built")
	}
	assert.Zero(t, calls, "no hook ran")
}
