package e6sql

import (
	"errors"
	"strings"
	"testing"
)

// TestCheckRejects lists the forms e6data is known to reject: Check refuses
// each with an error that names the form and the e6data form to write.
func TestCheckRejects(t *testing.T) {
	tests := []struct{ name, in, form, instead string }{
		{"limit comma", `SELECT * FROM t LIMIT 5, 10`, "LIMIT m, n", "LIMIT n OFFSET m"},
		{"limit comma in subquery", `SELECT * FROM (SELECT * FROM t LIMIT 0, 1) s`, "LIMIT m, n", "LIMIT n OFFSET m"},
		{"top", `SELECT TOP 5 * FROM t`, "TOP n", "LIMIT n"},
		{"distinct top", `SELECT DISTINCT TOP (5) a FROM t`, "TOP n", "LIMIT n"},
		{"cast string", `SELECT CAST(1 AS STRING)`, "CAST to STRING", "CAST(x AS VARCHAR)"},
		{"cast text", `SELECT CAST(1 AS TEXT)`, "CAST to TEXT", "CAST(x AS VARCHAR)"},
		{"try_cast text", `SELECT TRY_CAST(x AS text) FROM t`, "CAST to TEXT", "CAST(x AS VARCHAR)"},
		{"cast smallint", `SELECT CAST(1 AS SMALLINT)`, "CAST to SMALLINT", "CAST(x AS INT)"},
		{"cast tinyint", `SELECT CAST(1 AS TINYINT)`, "CAST to TINYINT", "CAST(x AS INT)"},
		{"cast binary", `SELECT CAST('a' AS BINARY)`, "CAST to BINARY", "CAST(x AS VARBINARY)"},
		{"cast datetime", `SELECT CAST('2024-01-02' AS DATETIME)`, "CAST to DATETIME", "CAST(x AS TIMESTAMP)"},
		{"cast array", `SELECT CAST(x AS ARRAY<INT>) FROM t`, "CAST to ARRAY<…>", "VARCHAR"},
		{"cast timestamp_tz upper case", `SELECT CAST(x AS TIMESTAMP_TZ) FROM t`, "CAST to TIMESTAMP_TZ", "timestamp_tz in lower case"},
		{"nested cast", `SELECT CAST(CAST(1 AS STRING) AS VARCHAR)`, "CAST to STRING", "VARCHAR"},
		{"modulo", `SELECT 7 % 2`, "'%' as the modulo operator", "MOD(a, b)"},
		{"modulo in where", `SELECT * FROM t WHERE "id"%2 = 0`, "'%' as the modulo operator", "MOD(a, b)"},
		{"ifnull", `SELECT IFNULL("a", 0) FROM t`, "IFNULL()", "COALESCE(a, b)"},
		{"isnull", `SELECT isnull("a", 0) FROM t`, "ISNULL()", "COALESCE(a, b)"},
		{"now", `SELECT NOW()`, "NOW()", "CURRENT_TIMESTAMP"},
		{"char_length", `SELECT CHAR_LENGTH("s") FROM t`, "CHAR_LENGTH()", "LENGTH(s)"},
		{"len", `SELECT LEN ("s") FROM t`, "LEN()", "LENGTH(s)"},
		{"if", `SELECT IF("a" > 1, 'x', 'y') FROM t`, "IF()", "CASE WHEN"},
		{"iif", `SELECT IIF("a" > 1, 'x', 'y') FROM t`, "IIF()", "CASE WHEN"},
		{"interval unquoted", `SELECT CURRENT_TIMESTAMP - INTERVAL 5 DAYS`, "unquoted amount", "INTERVAL '5 DAY'"},
		{"interval unit outside", `SELECT CURRENT_TIMESTAMP - INTERVAL '5' DAY`, "unit outside the quotes", "INTERVAL '5 DAY'"},
		{"current_date plus days", `SELECT CURRENT_DATE + 7`, "a DATE plus or minus a number", "DATE_ADD('DAY', n, d)"},
		{"date literal minus days", `SELECT DATE '2024-01-02' - 1`, "a DATE plus or minus a number", "DATE_ADD('DAY', n, d)"},
		{"cast date plus days", `SELECT CAST("x" AS DATE) + 7 FROM t`, "a DATE plus or minus a number", "DATE_ADD('DAY', n, d)"},
		{"current_timestamp plus", `SELECT current_timestamp() + 1`, "a TIMESTAMP plus or minus a number", "TIMESTAMP_ADD('DAY', n, ts)"},
		{"interval plural", `SELECT CURRENT_TIMESTAMP + INTERVAL '5 HOURS'`, "plural INTERVAL unit HOURS", "singular unit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.in)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Check(%q) = %v, want an *Error", tc.in, err)
			}
			msg := e.Error()
			if !strings.Contains(msg, tc.form+" is not e6data SQL: write ") || !strings.Contains(msg, tc.instead) || e.Unsupported {
				t.Errorf("Check(%q) error %q (unsupported=%v); want it to name %q and %q", tc.in, msg, e.Unsupported, tc.form, tc.instead)
			}
			if e.Pos < 0 || e.Pos >= len(tc.in) {
				t.Errorf("Check(%q) error position %d is outside the statement", tc.in, e.Pos)
			}
		})
	}
}

// TestCheckAccepts lists forms e6data accepts, or may accept (the unverified
// ones: bare OFFSET, ||, FETCH FIRST, LIMIT 0, other CAST targets): Check
// passes them and Translate has a translation for them.
func TestCheckAccepts(t *testing.T) {
	for _, in := range []string{
		`SELECT CURRENT_TIMESTAMP - INTERVAL '5 DAY'`,
		`SELECT CURRENT_TIMESTAMP + INTERVAL '1 YEAR', "ts" - INTERVAL '1 QUARTER', "ts" + INTERVAL '1 MONTH', "ts" + INTERVAL '1 WEEK' FROM t`,
		`SELECT "ts" - INTERVAL '1 HOUR', "ts" - INTERVAL '1 MINUTE', "ts" - INTERVAL '1 SECOND', "ts" - INTERVAL '1 MILLISECOND' FROM t`,
		`SELECT "ts" - INTERVAL "n" 'HOUR' FROM t`,
		`SELECT DATE_TRUNC('MONTH', "created_at") FROM t`,
		`SELECT DATE_ADD('DAY', 7, "d"), TIMESTAMP_ADD('HOUR', 1, "ts") FROM t`,
		`SELECT MOD("a", 2), COALESCE("a", 'x'), CONCAT("a", "b"), LENGTH("s") FROM t`,
		`SELECT * FROM t WHERE "name" ILIKE 'ab%' AND "p" LIKE '50/%' ESCAPE '/'`,
		`SELECT CAST(x AS VARCHAR), CAST(x AS CHAR), CAST(x AS INT), CAST(x AS BIGINT), CAST(x AS BOOLEAN) FROM t`,
		`SELECT CAST(x AS DATE), CAST(x AS FLOAT), CAST(x AS DOUBLE), CAST(x AS TIMESTAMP), CAST(x AS DECIMAL(10, 2)) FROM t`,
		`SELECT CAST(x AS JSON), CAST(x AS VARBINARY), CAST(x AS timestamp_tz), TRY_CAST(x AS INT) FROM t`,
		`SELECT CAST(x AS INTEGER), CAST(x AS REAL) FROM t`,
		`SELECT CURRENT_DATE, CURRENT_TIMESTAMP`,
		`SELECT CASE WHEN "a" > 1 THEN 'x' ELSE 'y' END FROM t`,
		`SELECT ROW_NUMBER() OVER (PARTITION BY "k" ORDER BY "v" DESC) AS rn, LAG("v", 1) OVER (ORDER BY "v") FROM t`,
		`SELECT * FROM "users" ORDER BY "users"."id" ASC LIMIT 10 OFFSET 20`,
		`SELECT * FROM "users" LIMIT 9223372036854775807 OFFSET 20`,
		`SELECT * FROM "users" LIMIT 0`,
		`SELECT * FROM "users" OFFSET 20`,
		`SELECT "a" || "b" FROM t`,
		`SELECT * FROM t FETCH FIRST 5 ROWS ONLY`,
		`SELECT COUNT(DISTINCT("name")) FROM t WHERE "name" LIKE '%x%'`,
		`SELECT '7 % 2', "top", "limit" FROM t`,
		`SELECT top, "len"(1) FROM t`,
		`SELECT t.if(1) FROM t`,
		`SELECT CAST("x" AS INT) + 7, "d" + 7, DATE '2024-01-02' = "d" FROM t`,
	} {
		if err := Check(in); err != nil {
			t.Errorf("Check(%q): %v", in, err)
		}
		if _, err := Translate(in, testScope()); err != nil {
			t.Errorf("Translate(%q): %v", in, err)
		}
	}
}

// TestTranslateLenient: the mock's setup statements keep the SQLite-flavoured
// forms that Check refuses.
func TestTranslateLenient(t *testing.T) {
	for _, in := range []string{
		`SELECT 7 % 2`,
		`SELECT * FROM t LIMIT 5, 10`,
		`SELECT CAST(1 AS STRING), CAST(1 AS TEXT), CAST(1 AS SMALLINT)`,
		`SELECT IFNULL(a, 0) FROM t`,
	} {
		if _, err := Translate(in, testScope()); err != nil {
			t.Errorf("Translate(%q): %v", in, err)
		}
		if Check(in) == nil {
			t.Errorf("Check(%q) passed, want an error", in)
		}
	}
}

// TestCheckKeepsOtherErrors: Check reports malformed SQL and the mock's
// unsupported constructs just as Translate does.
func TestCheckKeepsOtherErrors(t *testing.T) {
	for _, in := range []string{"SELECT `a`", `SELECT 'it''s'`, `SELECT x::varchar`, `SELECT 1; SELECT 2`, `SELECT ?`} {
		want, _ := Translate(in, Scope{})
		err := Check(in)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Check(%q) = %v (Translate gave %q), want an *Error", in, err, want.SQL)
		}
	}
}
