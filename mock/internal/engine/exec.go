package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/e6data/gorm-e6data/mock/internal/e6sql"
)

// Exec runs one e6 SQL statement to completion in the given catalog and schema and returns the
// number of rows it changed. It serves test setup: args bind SQLite-style "?" placeholders,
// with time.Time stored as canonical UTC text, bool as 1/0 and []byte as a blob. (A
// TIMESTAMP_TZ value keeps its zone only as text: pass e6sql.FormatTimestampTZ's.)
func (e *Engine) Exec(ctx context.Context, catalog, schema, sqlText string, args ...any) (int64, error) {
	text, marker, err := markPlaceholders(sqlText, len(args))
	if err != nil {
		return 0, err
	}
	st, err := e.translate(catalog, schema, text)
	if err != nil {
		return 0, err
	}
	if marker != "" {
		st.sql = strings.ReplaceAll(st.sql, marker, "?")
	}
	ctx, stop := e.bind(ctx)
	defer stop()
	conn, err := e.acquire(ctx, st.home, st.need)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	res, err := conn.ExecContext(ctx, st.sql, execArgs(args)...)
	if err != nil {
		return 0, e.queryErr(ctx, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, &SQLError{Message: err.Error()}
	}
	return n, nil
}

// markPlaceholders replaces each '?' placeholder of e6 SQL with a marker word, because e6sql
// refuses '?' (e6data has no server-side parameters) while Exec binds its args through SQLite.
// After translation every marker turns back into '?'. The marker is a word that does not occur
// in the text, so only placeholders become '?'. A '?' inside a string literal, quoted
// identifier or comment is not a placeholder; the rules are e6sql's lexer's, so that both see
// the same tokens. The number of placeholders must equal want.
func markPlaceholders(s string, want int) (out, marker string, err error) {
	if want == 0 {
		return s, "", nil
	}
	marker = "e6mock_arg"
	for n := 0; strings.Contains(s, marker); n++ {
		marker = fmt.Sprintf("e6mock_arg%d", n)
	}
	var b strings.Builder
	found := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '?':
			b.WriteString(" " + marker + " ")
			found++
			continue
		case c == '\'' || c == '"':
			end := skipQuoted(s, i)
			b.WriteString(s[i:end])
			i = end - 1
			continue
		case strings.HasPrefix(s[i:], "--") || strings.HasPrefix(s[i:], "//"):
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				end = len(s) - i
			}
			b.WriteString(s[i : i+end])
			i += end - 1
			continue
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				end = len(s) - i - 4 // unterminated: e6sql reports it
			}
			b.WriteString(s[i : i+2+end+2])
			i += 2 + end + 1
			continue
		}
		b.WriteByte(c)
	}
	if found != want {
		return "", "", &SQLError{Message: fmt.Sprintf("statement has %d placeholders but %d arguments", found, want)}
	}
	return b.String(), marker, nil
}

// skipQuoted returns the index after the '…' literal (backslash escapes) or "…" identifier
// ("" escapes) starting at s[i], or len(s) if it is unterminated.
func skipQuoted(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case q == '\'' && s[j] == '\\':
			j++
		case s[j] == q && q == '"' && j+1 < len(s) && s[j+1] == '"':
			j++
		case s[j] == q:
			return j + 1
		}
	}
	return len(s)
}

// execArgs converts Exec arguments to what the SQLite driver stores the way the engine reads
// them back: times as canonical UTC text (the driver would write Go's String form), booleans
// as 1/0.
func execArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case bool:
			if v {
				out[i] = int64(1)
			} else {
				out[i] = int64(0)
			}
		case time.Time:
			out[i] = e6sql.FormatTimestamp(v)
		default:
			out[i] = a
		}
	}
	return out
}
