package engine

import (
	"database/sql"
	"reflect"
	"sync"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// interrupter stops the statement running on one connection from another goroutine.
//
// modernc.org/sqlite interrupts a statement when its context ends only while the QueryContext
// call itself runs: the later steps behind sql.Rows.Next are not watched, so a query that takes
// long between two rows (a filter over a billion generated rows) would ignore cancelQuery and
// Close. The driver exposes no interrupt, so the interrupter reads the connection's sqlite3
// handle (the unexported field db of the driver's connection, read through reflect, which
// needs no unsafe) and calls sqlite3_interrupt on it, as the driver itself does on a fresh TLS.
// If a driver upgrade renames the field, interrupts degrade to what the driver does itself.
type interrupter struct {
	mu sync.Mutex
	db uintptr // 0 once the connection is released: it may then run someone else's statement
}

// newInterrupter finds conn's sqlite3 handle.
func newInterrupter(conn *sql.Conn) *interrupter {
	it := &interrupter{}
	_ = conn.Raw(func(dc any) error {
		v := reflect.ValueOf(dc)
		if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
			return nil
		}
		if f := v.Elem().FieldByName("db"); f.IsValid() && f.Kind() == reflect.Uintptr {
			it.db = uintptr(f.Uint())
		}
		return nil
	})
	return it
}

// interrupt makes the running statement fail with SQLITE_INTERRUPT. SQLite clears the flag
// once no statement of the connection is running, so the connection stays usable.
func (it *interrupter) interrupt() {
	it.mu.Lock()
	defer it.mu.Unlock()
	if it.db == 0 {
		return
	}
	tls := libc.NewTLS()
	sqlite3.Xsqlite3_interrupt(tls, it.db)
	tls.Close()
}

// release forgets the handle; call it before the connection goes back to the pool.
func (it *interrupter) release() {
	it.mu.Lock()
	it.db = 0
	it.mu.Unlock()
}
