// Package e6sql translates the e6data SQL that the GORM dialect and users
// send into SQLite SQL for the mock engine, checks it against what e6data
// itself accepts, and provides the e6_* SQLite functions and the canonical
// time texts that the translation relies on.
//
// # Translation
//
// Translate lexes the statement once; literals, quoted identifiers and
// comments are opaque to every later step, so nothing is ever rewritten
// inside them. It then:
//
//   - re-encodes string literals: e6data's backslash escapes (\\ \' \n \r
//     \t, and \x for any other x) become SQLite's doubled quotes and raw
//     characters;
//   - drops comments (--, // and /* */; SQLite has no //);
//   - strips surrounding whitespace and one trailing ';', and refuses any
//     other ';' (one statement per call);
//   - rewrites CAST(x AS TIMESTAMP|DATETIME|DATE|timestamp_tz|BOOLEAN) to
//     e6_timestamp(x), e6_date(x), e6_timestamp_tz(x), e6_boolean(x)
//     (TRY_CAST to the e6_try_* forms, which give NULL instead of an error),
//     and CAST AS STRING/JSON to TEXT and VARBINARY/BINARY to BLOB, since
//     SQLite would give those NUMERIC affinity; other targets pass through;
//   - rewrites typed literals DATE '…' and TIMESTAMP '…' to e6_date('…') and
//     e6_timestamp('…');
//   - rewrites CURRENT_TIMESTAMP and CURRENT_DATE to e6_current_timestamp()
//     and e6_current_date(), which give the canonical texts;
//   - renames DATE_TRUNC, DATE_ADD, TIMESTAMP_ADD and MOD calls to
//     e6_date_trunc, e6_date_add, e6_timestamp_add and e6_mod;
//   - rewrites ts ± INTERVAL '5 DAY' (any singular unit from YEAR to
//     MILLISECOND) and ts ± INTERVAL "n" 'HOUR' to e6_interval_add('DAY',
//     ±5, ts), which refuses a DATE operand (e6data wants DATE_ADD there);
//   - turns FETCH FIRST|NEXT n ROWS ONLY into LIMIT n, drops ROWS after an
//     OFFSET amount, and gives an OFFSET without LIMIT a LIMIT -1, as SQLite
//     has neither form;
//   - turns ILIKE into LIKE;
//   - replaces the catalog/schema prefix of qualified names with the SQLite
//     database that holds them, through Scope.Alias.
//
// CONCAT, COALESCE, LENGTH, COUNT, CASE, window functions, LIMIT/OFFSET,
// NULLS FIRST/LAST, TRUE/FALSE and all joins are native SQLite (3.54 in
// modernc.org/sqlite v1.62.0).
//
// # Dialect checks
//
// Check runs the same pass with the dialect checks on; the mock applies it to
// every statement that arrives over gRPC, but not to its own setup
// statements, which may use SQLite forms. It refuses, with a message naming
// the e6data form to write instead, what e6data is known to reject:
//
//   - LIMIT m, n (write LIMIT n OFFSET m) and SELECT TOP n (LIMIT n);
//   - '%' as modulo (MOD(a, b));
//   - IFNULL() and ISNULL() (COALESCE), NOW() (CURRENT_TIMESTAMP),
//     CHAR_LENGTH() and LEN() (LENGTH), IF() and IIF() (CASE WHEN … END);
//   - CAST or TRY_CAST to STRING or TEXT (VARCHAR), SMALLINT or TINYINT
//     (INT), BINARY (VARBINARY), DATETIME (TIMESTAMP), ARRAY<…>, and
//     TIMESTAMP_TZ in upper case (timestamp_tz);
//   - a value typed in the SQL as a DATE or TIMESTAMP (CURRENT_DATE, DATE
//     '…', CAST(… AS TIMESTAMP), …) plus or minus a number (DATE_ADD or
//     TIMESTAMP_ADD('DAY', n, x)); columns are not checked;
//   - INTERVAL 5 DAY, INTERVAL '5' DAY, plural or unknown units (these fail
//     in Translate too).
//
// Forms whose fate on a real cluster is unknown pass: a bare OFFSET, FETCH
// FIRST, '||', LIMIT 0, and CAST targets outside both lists (INTEGER, REAL,
// …). A DATE ± INTERVAL fails when it runs.
//
// # Where the mock differs from e6data
//
//   - LIKE (and so ILIKE) ignores ASCII case, as SQLite's LIKE does; e6data's
//     LIKE is case-sensitive. Non-ASCII letters are compared exactly.
//   - CONCAT treats NULL as an empty string (SQLite's concat).
//   - MOD by zero gives NULL rather than an error; MOD's result takes the
//     sign of the dividend.
//   - CAST to numeric types never fails: SQLite converts what it can and
//     yields 0 otherwise. CAST to TIMESTAMP, DATE, timestamp_tz and BOOLEAN
//     do fail on bad input; TRY_CAST gives NULL there.
//   - e6_current_timestamp() is read per call, not once per statement.
//   - Numbers cast to TIMESTAMP or DATE are microseconds since the epoch.
//
// # Unsupported constructs
//
// Translate returns an *Error with Unsupported set for:
//
//   - INTERVAL anywhere but after a timestamp and + or -, and fractional
//     INTERVAL amounts;
//   - '::' casts and ':' variant/JSON path access;
//   - '[' (array subscripts);
//   - CAST to ARRAY<…>, MAP<…> or STRUCT<…>;
//   - a string literal directly followed by a quote (e6data reads two
//     literals, SQLite one with an embedded quote): escape quotes as \';
//   - prefixed string literals such as X'0AFF' or N'abc';
//   - RETURNING;
//   - statements e6data serves through RPCs or not at all: SHOW, DESCRIBE,
//     USE, SET, BEGIN/START/COMMIT/END/ROLLBACK, SAVEPOINT/RELEASE, and
//     ATTACH/DETACH (the mock attaches catalogs itself).
//
// Malformed input is also an *Error: an unterminated string literal, quoted
// identifier or block comment, a second statement, an empty statement, a
// NUL byte, a '?', '@' or '$' parameter marker (the driver interpolates
// values; e6data has no server-side parameters), and backtick quoting.
//
// Functions e6data has and SQLite lacks (ELEMENT_AT, DATE_DIFF, …) are not
// checked here; SQLite reports "no such function".
//
// # Time texts
//
// The mock stores TIMESTAMP as "2006-01-02 15:04:05.000000" in UTC, DATE as
// "2006-01-02" and timestamp_tz as the local wall time followed by a space
// and the zone ("2024-01-02 08:34:05.000000 +05:30"). The fixed width makes
// text order time order for TIMESTAMP and DATE, so SQLite compares them as
// text. CREATE TABLE declares DATE columns as E6_DATE and DATETIME and
// TIMESTAMP columns as E6_TIMESTAMP (StorageDate, StorageTimestamp): same
// texts, same affinity, but SQLite's driver no longer parses every value of a
// column declared exactly DATE or TIMESTAMP into a time.Time; the engine
// decodes the canonical texts itself.
package e6sql
