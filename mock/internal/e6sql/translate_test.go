package e6sql

import (
	"errors"
	"strings"
	"testing"
)

// testAliases maps catalog.schema to the SQLite database holding it.
var testAliases = map[string]string{
	"hive.sales":             "main",
	"hive.hr":                "hive.hr",
	"e6datapoc.icebergForTS": "db2",
}

func testScope() Scope {
	return Scope{Catalog: "hive", Schema: "sales", Alias: func(c, s string) (string, bool) {
		db, ok := testAliases[c+"."+s]
		return db, ok
	}}
}

func TestTranslate(t *testing.T) {
	tests := []struct {
		name, in, want string
		rows           bool
	}{
		{"spec string escapes", `SELECT 'it\'s C:\\tmp\nx'`, "SELECT 'it''s C:\\tmp\nx'", true},
		{"other escapes", `SELECT '\t\r\"\q\\\''`, "SELECT '\t\r\"q\\'''", true},
		{"spec placeholder example", `SELECT '?' AS "q?", a FROM "t" WHERE b = 5 -- ?`, `SELECT '?' AS "q?", a FROM "t" WHERE b = 5`, true},
		{"empty literal", `SELECT ''`, `SELECT ''`, true},
		{"doubled quote identifier", `SELECT "a""b" FROM "t"`, `SELECT "a""b" FROM "t"`, true},
		{"nested cast", `SELECT CAST(CAST(x AS VARCHAR) AS TIMESTAMP)`, `SELECT e6_timestamp(CAST(x AS VARCHAR))`, true},
		{"nested time casts", `SELECT CAST(CAST('2024-01-02' AS DATE) AS timestamp_tz)`, `SELECT e6_timestamp_tz(e6_date('2024-01-02'))`, true},
		{"cast in function args", `SELECT DATE_TRUNC('MONTH', CAST("created_at" AS TIMESTAMP)) FROM "t"`, `SELECT e6_date_trunc('MONTH', e6_timestamp("created_at")) FROM "t"`, true},
		{"cast of subquery", `SELECT CAST((SELECT MAX(d) AS m FROM t) AS DATE)`, `SELECT e6_date((SELECT MAX(d) AS m FROM t))`, true},
		{"cast datetime lowercase", `select cast(x as datetime)`, `select e6_timestamp(x)`, true},
		{"cast timestamp precision", `SELECT CAST(x AS TIMESTAMP(6))`, `SELECT e6_timestamp(x)`, true},
		{"cast passthrough", `SELECT CAST(x AS DECIMAL(10, 2)), CAST(y AS BIGINT)`, `SELECT CAST(x AS DECIMAL(10, 2)), CAST(y AS BIGINT)`, true},
		{"cast string json binary", `SELECT CAST(a AS STRING), CAST(b AS JSON), CAST(c AS VARBINARY)`, `SELECT CAST(a AS TEXT), CAST(b AS TEXT), CAST(c AS BLOB)`, true},
		{"cast boolean", `SELECT CAST('true' AS BOOLEAN)`, `SELECT e6_boolean('true')`, true},
		{"try_cast", `SELECT TRY_CAST(x AS INT), TRY_CAST(y AS DATE)`, `SELECT CAST(x AS INT), e6_try_date(y)`, true},
		{"ilike", `SELECT * FROM "t" WHERE "name" ILIKE 'ab%' OR "n" NOT ilike 'x'`, `SELECT * FROM "t" WHERE "name" LIKE 'ab%' OR "n" NOT LIKE 'x'`, true},
		{"renames", `SELECT DATE_ADD('DAY', 7, "d"), timestamp_add('HOUR', 1, "ts"), MOD("a", 2), mod ("b", 3)`, `SELECT e6_date_add('DAY', 7, "d"), e6_timestamp_add('HOUR', 1, "ts"), e6_mod("a", 2), e6_mod ("b", 3)`, true},
		{"rename needs a call", `SELECT mod FROM "t"`, `SELECT mod FROM "t"`, true},
		{"current", `SELECT CURRENT_DATE, CURRENT_TIMESTAMP, current_timestamp()`, `SELECT e6_current_date(), e6_current_timestamp(), e6_current_timestamp()`, true},
		{"current as column part", `SELECT t.current_date FROM t`, `SELECT t.current_date FROM t`, true},
		{"typed literals", `SELECT DATE '2024-01-02', TIMESTAMP '2024-01-02 03:04:05', date'2024-01-03'`, `SELECT e6_date('2024-01-02'), e6_timestamp('2024-01-02 03:04:05'), e6_date('2024-01-03')`, true},
		{"concat coalesce native", `SELECT CONCAT("a", 'b'), COALESCE("a", 'x'), LENGTH("s")`, `SELECT CONCAT("a", 'b'), COALESCE("a", 'x'), LENGTH("s")`, true},
		{"limit offset", `SELECT * FROM "users" ORDER BY "users"."id" ASC LIMIT 10 OFFSET 20`, `SELECT * FROM "users" ORDER BY "users"."id" ASC LIMIT 10 OFFSET 20`, true},
		// INTERVAL arithmetic and row limits SQLite lacks.
		{"interval minus", `SELECT CURRENT_TIMESTAMP - INTERVAL '5 DAY'`, `SELECT e6_interval_add('DAY', -5, e6_current_timestamp())`, true},
		{"interval plus qualified", `SELECT * FROM t WHERE t."ts" >= sales.t.ts + interval '2 hour'`, `SELECT * FROM t WHERE t."ts" >= e6_interval_add('HOUR', 2, "main".t.ts)`, true},
		{"interval negative amount", `SELECT "ts" - INTERVAL '-3 MINUTE' FROM t`, `SELECT e6_interval_add('MINUTE', 3, "ts") FROM t`, true},
		{"interval chain", `SELECT "ts" + INTERVAL '1 DAY' - INTERVAL '2 HOUR' FROM t`, `SELECT e6_interval_add('HOUR', -2, e6_interval_add('DAY', 1, "ts")) FROM t`, true},
		{"interval call operand", `SELECT CAST('2024-01-02 00:00:00' AS TIMESTAMP) + INTERVAL '1 WEEK'`, `SELECT e6_interval_add('WEEK', 1, e6_timestamp('2024-01-02 00:00:00'))`, true},
		{"interval paren operand", `SELECT * FROM t WHERE ("ts") - INTERVAL '1 SECOND' < "x"`, `SELECT * FROM t WHERE e6_interval_add('SECOND', -1, ("ts")) < "x"`, true},
		{"interval typed literal", `SELECT TIMESTAMP '2024-01-02 03:04:05' + INTERVAL '1 QUARTER'`, `SELECT e6_interval_add('QUARTER', 1, e6_timestamp('2024-01-02 03:04:05'))`, true},
		{"interval case operand", `SELECT CASE WHEN a THEN "ts" ELSE "u" END + INTERVAL '1 YEAR' FROM t`, `SELECT e6_interval_add('YEAR', 1, CASE WHEN a THEN "ts" ELSE "u" END) FROM t`, true},
		{"interval column amount", `SELECT "ts" - INTERVAL "n" 'HOUR' FROM t`, `SELECT e6_interval_add('HOUR', -("n"), "ts") FROM t`, true},
		{"column named interval", `SELECT interval, interval AS day FROM t`, `SELECT interval, interval AS day FROM t`, true},
		{"bare offset", `SELECT * FROM "u" OFFSET 20`, `SELECT * FROM "u" LIMIT -1 OFFSET 20`, true},
		{"offset rows", `SELECT * FROM "u" LIMIT 5 OFFSET 20 ROWS`, `SELECT * FROM "u" LIMIT 5 OFFSET 20`, true},
		{"fetch first", `SELECT * FROM "u" FETCH FIRST 3 ROWS ONLY`, `SELECT * FROM "u" LIMIT 3`, true},
		{"offset fetch", `SELECT * FROM "u" ORDER BY "id" OFFSET 2 ROWS FETCH NEXT ROW ONLY`, `SELECT * FROM "u" ORDER BY "id" LIMIT 1 OFFSET 2`, true},
		{"offset in subquery", `SELECT * FROM (SELECT * FROM "u" LIMIT 2 OFFSET 1) AS s OFFSET 1`, `SELECT * FROM (SELECT * FROM "u" LIMIT 2 OFFSET 1) AS s LIMIT -1 OFFSET 1`, true},
		{"column named offset", `SELECT offset FROM t ORDER BY offset`, `SELECT offset FROM t ORDER BY offset`, true},
		{"trailing semicolon", "  SELECT 1 ;  \n", `SELECT 1`, true},
		{"semicolon in literal", `SELECT ';'`, `SELECT ';'`, true},
		{"slash comment", "SELECT 1 // one\n, 2", "SELECT 1  \n, 2", true},
		{"block comment keeps tokens apart", `SELECT 3-/**/-1`, `SELECT 3- -1`, true},
		{"comment after semicolon", "SELECT 1; -- done", `SELECT 1`, true},
		{"division is not a comment", `SELECT 4 / 2`, `SELECT 4 / 2`, true},
		// Names.
		{"2 parts schema.table", `SELECT * FROM sales.orders`, `SELECT * FROM "main".orders`, true},
		{"2 parts other schema", `SELECT * FROM "hr"."emps"`, `SELECT * FROM "hive.hr"."emps"`, true},
		{"2 parts table.column", `SELECT t.a FROM t`, `SELECT t.a FROM t`, true},
		{"3 parts", `SELECT * FROM hive.hr.emps`, `SELECT * FROM "hive.hr".emps`, true},
		{"3 parts quoted", `SELECT * FROM "hive"."sales"."orders"`, `SELECT * FROM "main"."orders"`, true},
		{"3 parts schema.table.column", `SELECT hr.emps.id FROM hr.emps`, `SELECT "hive.hr".emps.id FROM "hive.hr".emps`, true},
		{"3 parts unknown", `SELECT * FROM nope.x.y`, `SELECT * FROM nope.x.y`, true},
		{"4 parts", `SELECT hive.hr.emps.id FROM hive.hr.emps`, `SELECT "hive.hr".emps.id FROM "hive.hr".emps`, true},
		{"quoted dotted name", `SELECT * FROM "e6datapoc.icebergForTS".jpm_submittal`, `SELECT * FROM "db2".jpm_submittal`, true},
		{"quoted dotted unknown", `SELECT * FROM "a.b".c`, `SELECT * FROM "a.b".c`, true},
		{"spaces break chains", `SELECT * FROM sales . orders`, `SELECT * FROM sales . orders`, true},
		{"names in literals untouched", `SELECT 'sales.orders'`, `SELECT 'sales.orders'`, true},
		// ReturnsRows.
		{"values", `VALUES (1), (2)`, `VALUES (1), (2)`, true},
		{"parenthesized select", `(SELECT 1) UNION ALL (SELECT 2)`, `(SELECT 1) UNION ALL (SELECT 2)`, true},
		{"with select", `WITH v AS (SELECT 1 AS n) SELECT n FROM v`, `WITH v AS (SELECT 1 AS n) SELECT n FROM v`, true},
		{"with insert", `WITH v AS (SELECT 1 AS n) INSERT INTO t SELECT n FROM v`, `WITH v AS (SELECT 1 AS n) INSERT INTO t SELECT n FROM v`, false},
		{"with delete", `WITH v(n) AS (SELECT 1) DELETE FROM t WHERE id IN (SELECT n FROM v)`, `WITH v(n) AS (SELECT 1) DELETE FROM t WHERE id IN (SELECT n FROM v)`, false},
		{"explain", `EXPLAIN SELECT 1`, `EXPLAIN SELECT 1`, true},
		{"pragma", `PRAGMA table_info("t")`, `PRAGMA table_info("t")`, true},
		{"insert", `INSERT INTO "events" ("id","kind") VALUES (1,'click'),(2,'view')`, `INSERT INTO "events" ("id","kind") VALUES (1,'click'),(2,'view')`, false},
		{"update", `UPDATE "events" SET "kind" = 'view' WHERE "id" = 1`, `UPDATE "events" SET "kind" = 'view' WHERE "id" = 1`, false},
		{"delete", `DELETE FROM "events" WHERE "id" = 1`, `DELETE FROM "events" WHERE "id" = 1`, false},
		{"create", `CREATE TABLE t (a INT)`, `CREATE TABLE t (a INT)`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Translate(tc.in, testScope())
			if err != nil {
				t.Fatalf("Translate(%q): %v", tc.in, err)
			}
			if got.SQL != tc.want || got.ReturnsRows != tc.rows {
				t.Errorf("Translate(%q)\n got %q rows=%v\nwant %q rows=%v", tc.in, got.SQL, got.ReturnsRows, tc.want, tc.rows)
			}
		})
	}
}

func TestTranslateNilAlias(t *testing.T) {
	got, err := Translate(`SELECT * FROM hive.sales.orders JOIN sales.x ON 1=1`, Scope{Catalog: "hive"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `SELECT * FROM hive.sales.orders JOIN sales.x ON 1=1`; got.SQL != want {
		t.Errorf("got %q, want %q", got.SQL, want)
	}
}

func TestTranslateErrors(t *testing.T) {
	tests := []struct {
		name, in, msg string
		unsupported   bool
	}{
		{"second statement", `SELECT 1; SELECT 2`, "more than one statement", false},
		{"two semicolons", `SELECT 1;;`, "more than one statement", false},
		{"empty", "  ", "empty statement", false},
		{"only semicolon", ";", "empty statement", false},
		{"only comment", "-- nothing", "empty statement", false},
		{"unterminated literal", `SELECT 'abc`, "unterminated string literal", false},
		{"literal ending in backslash", `SELECT 'abc\'`, "unterminated string literal", false},
		{"unterminated identifier", `SELECT "abc`, "unterminated quoted identifier", false},
		{"unterminated comment", `SELECT 1 /* x`, "unterminated block comment", false},
		{"placeholder", `SELECT * FROM t WHERE a = ?`, "placeholder", false},
		{"named parameter", `SELECT :name`, "':'", true},
		{"at parameter", `SELECT @a`, "named parameters", false},
		{"backticks", "SELECT `a`", "backtick", false},
		{"nul byte", "SELECT '\x00'", "NUL", false},
		{"interval unquoted", `SELECT CURRENT_TIMESTAMP - INTERVAL 5 DAY`, "unquoted amount", false},
		{"interval unit outside", `SELECT CURRENT_TIMESTAMP - INTERVAL '5' DAY`, "unit outside the quotes", false},
		{"interval plural", `SELECT CURRENT_TIMESTAMP - INTERVAL '5 DAYS'`, "plural INTERVAL unit", false},
		{"interval unknown unit", `SELECT CURRENT_TIMESTAMP - INTERVAL '5 FORTNIGHT'`, "INTERVAL unit 'FORTNIGHT'", false},
		{"interval two units", `SELECT CURRENT_TIMESTAMP - INTERVAL '1 DAY 2 HOUR'`, "INTERVAL '5 DAY'", false},
		{"interval column unquoted unit", `SELECT "ts" + INTERVAL "n" HOUR FROM t`, "unquoted unit", false},
		{"interval first", `SELECT INTERVAL '5 DAY' + CURRENT_TIMESTAMP`, "after a timestamp", true},
		{"interval fraction", `SELECT CURRENT_TIMESTAMP + INTERVAL '1.5 HOUR'`, "fractional", true},
		{"interval without operand", `SELECT * FROM t WHERE - INTERVAL '5 DAY' > 0`, "left operand", true},
		{"double colon cast", `SELECT x::varchar`, "'::'", true},
		{"json path", `SELECT "payload":"customer"`, "':'", true},
		{"subscript", `SELECT arr[1]`, "'['", true},
		{"array cast", `SELECT CAST(x AS ARRAY<INT>)`, "ARRAY", true},
		{"adjacent literals", `SELECT 'it''s'`, "two adjacent literals", true},
		{"prefixed literal", `SELECT X'0AFF'`, "prefixed", true},
		{"returning", `INSERT INTO t VALUES (1) RETURNING id`, "RETURNING", true},
		{"show", `SHOW TABLES`, "SHOW", true},
		{"set", `SET x = 1`, "setProps", true},
		{"begin", `BEGIN`, "transactions", true},
		{"attach", `ATTACH DATABASE 'x' AS y`, "ATTACH", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Translate(tc.in, testScope())
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Translate(%q) = %q, %v; want an *Error", tc.in, got.SQL, err)
			}
			if !strings.Contains(e.Error(), tc.msg) || e.Unsupported != tc.unsupported {
				t.Errorf("Translate(%q) error %q (unsupported=%v); want it to contain %q (unsupported=%v)",
					tc.in, e.Error(), e.Unsupported, tc.msg, tc.unsupported)
			}
			if tc.unsupported && !strings.Contains(e.Error(), "mock does not support") {
				t.Errorf("unsupported error %q does not say the mock does not support it", e.Error())
			}
		})
	}
}

func TestCreateTableStorageTypes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`CREATE TABLE t (a STRING, b BINARY, c VARBINARY, "string" INT)`, `CREATE TABLE t (a TEXT, b BLOB, c BLOB, "string" INT)`},
		// Time columns get the storage names the engine reads without SQLite's driver parsing them.
		{`CREATE TABLE t (id INT PRIMARY KEY, d DATE NOT NULL, ts timestamp, dt DATETIME, "date" DATE)`,
			`CREATE TABLE t (id INT PRIMARY KEY, d E6_DATE NOT NULL, ts E6_TIMESTAMP, dt E6_TIMESTAMP, "date" E6_DATE)`},
		{`CREATE TEMP TABLE IF NOT EXISTS "c"."s".t (date DATE, x INT DEFAULT (CAST('2024-01-01' AS DATE)))`,
			`CREATE TEMP TABLE IF NOT EXISTS "c"."s".t (date E6_DATE, x INT DEFAULT (e6_date('2024-01-01')))`},
		// Other positions and forms keep their words: names, arguments, WITH TIME ZONE, constraints.
		{`CREATE TABLE t (timestamp INT, a TIMESTAMP(3), b TIMESTAMP WITH TIME ZONE, c timestamp_tz, PRIMARY KEY (timestamp))`,
			`CREATE TABLE t (timestamp INT, a TIMESTAMP(3), b TIMESTAMP WITH TIME ZONE, c timestamp_tz, PRIMARY KEY (timestamp))`},
		{`CREATE TABLE t AS SELECT CAST(x AS DATE) AS d FROM u`, `CREATE TABLE t AS SELECT e6_date(x) AS d FROM u`},
		{`CREATE VIEW v AS SELECT DATE '2024-01-02' AS d`, `CREATE VIEW v AS SELECT e6_date('2024-01-02') AS d`},
	} {
		got, err := Translate(tc.in, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if got.SQL != tc.want {
			t.Errorf("Translate(%q) = %q, want %q", tc.in, got.SQL, tc.want)
		}
	}
}
