package e6sql

import (
	"errors"
	"strings"
	"testing"
)

// FuzzTranslate checks that Translate never panics, fails only with an
// *Error, and is idempotent on its own output when no string literal is
// involved (literal quoting is the one thing it deliberately re-encodes).
func FuzzTranslate(f *testing.F) {
	for _, s := range []string{
		`SELECT 'it\'s C:\\tmp\nx'`,
		`SELECT '?' AS "q?", a FROM "t" WHERE b = 5 -- ?`,
		`SELECT CAST(CAST(x AS VARCHAR) AS TIMESTAMP) FROM hive.sales.orders`,
		`SELECT DATE_TRUNC('MONTH', CAST("created_at" AS TIMESTAMP)) FROM "e6datapoc.icebergForTS".t`,
		`SELECT * FROM "users" WHERE "name" ILIKE 'ab%' ORDER BY "id" DESC NULLS LAST LIMIT 10 OFFSET 20;`,
		`WITH v AS (SELECT 1) INSERT INTO t SELECT * FROM v`,
		"SELECT 1 // c\n/* d */ , MOD(a, 2), CURRENT_DATE",
		`SELECT CAST(x AS`, `SELECT ((`, `CAST(`, `'`, `"`, `/*`, `a.b.c.d.e`, `"a"".b".c`,
		`SELECT TRY_CAST(x AS DATE), CAST(y AS DECIMAL(10,2)), DATE '2024-01-02'`,
		`SELECT 1e5, .5, 3.e-2, x1.y2`,
		"\u00a0", "CAST(\u00a0 AS INT)",
		`SELECT "ts" - INTERVAL '5 DAY' + INTERVAL "n" 'HOUR', CASE WHEN a THEN b END - INTERVAL '1 YEAR' FROM t`,
		`SELECT * FROM t OFFSET 2 ROWS FETCH NEXT 3 ROWS ONLY`, `SELECT TOP 5 a % 2 FROM t LIMIT 1, 2`,
		`SELECT IFNULL(a, NOW()) - INTERVAL '5' DAY`, `(((x)))+INTERVAL'1 day'`, `END-INTERVAL a'day'`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if err := Check(in); err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Check(%q) error %T %v, want *Error", in, err, err)
			}
		}
		for _, scope := range []Scope{testScope(), {}} {
			got, err := Translate(in, scope)
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("Translate(%q) error %T %v, want *Error", in, err, err)
				}
				continue
			}
			if got.SQL == "" || strings.Contains(got.SQL, "//") && !strings.ContainsAny(got.SQL, `'"`) {
				t.Fatalf("Translate(%q) = %q", in, got.SQL)
			}
			if strings.Contains(got.SQL, "'") {
				continue
			}
			again, err := Translate(got.SQL, Scope{})
			if err != nil || again != got {
				t.Fatalf("not idempotent: %q -> %+v -> %+v, %v", in, got, again, err)
			}
		}
	})
}
