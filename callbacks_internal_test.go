package e6data

import (
	"context"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

type ctxKey struct{}

// dryRunDB opens the dialect on a pool that must not be used: DryRun statements run the
// callbacks without sending anything.
func dryRunDB(t *testing.T) *gorm.DB {
	t.Helper()
	sqlDB, mock, err := sqlmock.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := mock.ExpectationsWereMet(); err != nil {
			t.Error(err)
		}
		_ = sqlDB.Close()
	})
	db, err := gorm.Open(New(Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

type row struct{ ID int64 }

// TestStatementContextRestored: after a run the statement's context is the one it had plus the
// run's QueryInfo, and a statement run again starts from that same context: the chain of
// contexts does not grow with each run.
func TestStatementContextRestored(t *testing.T) {
	db := dryRunDB(t)
	ctx := context.WithValue(context.Background(), ctxKey{}, "caller's")
	tx := db.WithContext(ctx).Scopes(WithSchema("s1")).Find(&[]row{})
	if tx.Error != nil {
		t.Fatal(tx.Error)
	}
	for run := 1; run <= 3; run++ {
		st, ok := tx.Statement.Context.(*stmtState)
		if !ok {
			t.Fatalf("run %d: the statement's context is %T; want the run's state", run, tx.Statement.Context)
		}
		if st.Context != ctx {
			t.Fatalf("run %d: the restored context is not the caller's", run)
		}
		if v := tx.Statement.Context.Value(ctxKey{}); v != "caller's" {
			t.Fatalf("run %d: the caller's value is %v", run, v)
		}
		if stateOf(tx.Statement) != st || tx.Statement.Context.Value(queryInfoKey{}) != &st.info {
			t.Fatalf("run %d: the state or its QueryInfo is not found in the context", run)
		}
		tx = tx.Find(&[]row{}) // run the same statement again
		if tx.Error != nil {
			t.Fatal(tx.Error)
		}
	}
}

// TestCallbacksAllocations bounds what the dialect's callbacks cost every statement: the run's
// state (with its QueryInfo) and the driver's options context.
func TestCallbacksAllocations(t *testing.T) {
	db := dryRunDB(t).Session(&gorm.Session{})
	finish := finishStatement(false)
	fresh := func() {
		db.Statement.Context = context.Background()
		db.Statement.Settings.Clear() // as a new statement's
	}
	n := testing.AllocsPerRun(100, func() {
		fresh()
		applyOptions(db)
		finish(db)
	}) - testing.AllocsPerRun(100, fresh)
	if n > 3 {
		t.Errorf("the callbacks take %v allocations per statement; want at most 3", n)
	}
}
