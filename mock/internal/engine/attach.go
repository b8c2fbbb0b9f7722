package engine

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// maxAttached is SQLite's SQLITE_MAX_ATTACHED as modernc.org/sqlite compiles it. The limit is a
// compile-time ceiling that sqlite3_limit can only lower, so it cannot be raised here. The
// engine attaches only the schemas a statement names (not every schema), so the cap applies to
// one statement: it may name at most this many schemas besides its own.
const maxAttached = 10

// idleConns is how many idle connections each schema's pool keeps. Above the default of 2 so
// that a handful of concurrent cursors do not reopen (and re-attach) connections each time.
const idleConns = 8

// openPool opens the connection pool whose main database is file and creates the file.
// WAL lets readers run beside a writer; the busy timeout makes concurrent writers wait instead
// of failing; e6data has no foreign keys.
func openPool(ctx context.Context, file string) (*sql.DB, error) {
	if strings.ContainsRune(file, '?') {
		// The driver cuts its DSN at the first '?', so such a path cannot be opened as given.
		return nil, fmt.Errorf("engine: database path %q must not contain '?'", file)
	}
	db, err := sql.Open("sqlite", file+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(0)")
	if err != nil {
		return nil, fmt.Errorf("engine: opening %s: %w", file, err)
	}
	db.SetMaxIdleConns(idleConns)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("engine: opening %s: %w", file, err)
	}
	return db, nil
}

// acquire takes a dedicated connection from home's pool and makes its attached databases
// exactly need: the schemas missing are attached, and schemas earlier statements attached are
// detached. Detaching keeps name resolution independent of the connection's history (SQLite
// looks unqualified names up in attached databases too) and keeps under the attach cap.
func (e *Engine) acquire(ctx context.Context, home *schemaEntry, need []*schemaEntry) (*sql.Conn, error) {
	if len(need) > maxAttached {
		return nil, &SQLError{Message: fmt.Sprintf(
			"a statement may name at most %d schemas besides its own, this one names %d", maxAttached, len(need))}
	}
	conn, err := home.db.Conn(ctx)
	if err != nil {
		return nil, e.queryErr(ctx, err)
	}
	if err := syncAttached(ctx, conn, need); err != nil {
		_ = conn.Close()
		return nil, e.queryErr(ctx, err)
	}
	return conn, nil
}

// syncAttached makes the databases attached to conn (besides main and temp) exactly need.
// pragma_database_list is the ground truth: per-connection bookkeeping could not tell a new
// connection from a closed one whose memory was reused.
func syncAttached(ctx context.Context, conn *sql.Conn, need []*schemaEntry) error {
	rows, err := conn.QueryContext(ctx, `SELECT name FROM pragma_database_list WHERE name NOT IN ('main', 'temp')`)
	if err != nil {
		return err
	}
	var attached []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			_ = rows.Close()
			return err
		}
		attached = append(attached, name)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, name := range attached {
		if !containsAlias(need, name) {
			if _, err := conn.ExecContext(ctx, "DETACH DATABASE "+quoteIdent(name)); err != nil {
				return err
			}
		}
	}
	for _, s := range need {
		if containsFold(attached, s.alias) {
			continue
		}
		if _, err := conn.ExecContext(ctx, "ATTACH DATABASE "+quoteString(s.file)+" AS "+quoteIdent(s.alias)); err != nil {
			return err
		}
	}
	return nil
}

func containsAlias(need []*schemaEntry, name string) bool {
	for _, s := range need {
		if strings.EqualFold(s.alias, name) {
			return true
		}
	}
	return false
}

func containsFold(names []string, name string) bool {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// quoteIdent quotes a SQLite identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// quoteString quotes a SQLite string literal.
func quoteString(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }
