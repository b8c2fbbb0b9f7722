package engine

import (
	"fmt"
	"iter"
	"regexp"
	"strconv"
	"strings"

	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/mock/internal/e6sql"
)

// colType is the e6data type of a column: the vector type it travels as, its Hive type name for
// the metadata RPCs, and for DECIMAL128 the scale of its values.
type colType struct {
	vector codec.VectorType
	hive   string
	scale  int32
}

var (
	longType     = colType{vector: codec.Long, hive: "bigint"}
	intType      = colType{vector: codec.Integer, hive: "int"}
	doubleType   = colType{vector: codec.Double, hive: "double"}
	floatType    = colType{vector: codec.Float, hive: "float"}
	stringType   = colType{vector: codec.String, hive: "string"}
	boolType     = colType{vector: codec.Boolean, hive: "boolean"}
	dateType     = colType{vector: codec.Date, hive: "date"}
	datetimeType = colType{vector: codec.DateTime, hive: "timestamp"}
	tzType       = colType{vector: codec.TimestampTZ, hive: "timestamp_tz"}
	binaryType   = colType{vector: codec.Binary, hive: "binary"}
	nullType     = colType{vector: codec.Null, hive: "void"}
)

// exactTypes maps declared type names without arguments.
var exactTypes = map[string]colType{
	"BIGINT": longType, "LONG": longType, "INT8": longType,
	"INT": intType, "INTEGER": intType, "INT4": intType, "SMALLINT": intType, "TINYINT": intType, "MEDIUMINT": intType,
	"DOUBLE": doubleType, "REAL": doubleType, "DOUBLE PRECISION": doubleType, "FLOAT8": doubleType,
	"FLOAT": floatType, "FLOAT4": floatType,
	"STRING": stringType, "TEXT": stringType, "CLOB": stringType, "VARCHAR": stringType, "CHAR": stringType,
	"BOOLEAN": boolType, "BOOL": boolType,
	"DATE": dateType, e6sql.StorageDate: dateType,
	"DATETIME": datetimeType, "TIMESTAMP": datetimeType, e6sql.StorageTimestamp: datetimeType,
	"TIMESTAMP_TZ": tzType,
	"BINARY":       binaryType, "BLOB": binaryType, "VARBINARY": binaryType,
}

// Hive's defaults for DECIMAL without precision or scale.
const (
	defaultDecimalPrecision = 10
	defaultDecimalScale     = 0
)

// typeArgs matches a name with parenthesized integer arguments: "DECIMAL(12, 2)", "VARCHAR(16)".
var typeArgs = regexp.MustCompile(`^([A-Z_ ]+?)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$`)

// declaredType maps a column's declared SQLite type (any case, as CREATE TABLE wrote it) to its
// e6data type. ok is false for an empty declaration (expressions, aggregates), whose type the
// cursor infers from the values instead.
//
// Declarations outside the table follow SQLite's own affinity rules, so a column behaves the way
// SQLite stores it: a name containing INT is a 64-bit LONG, CHAR/CLOB/TEXT is STRING, BLOB is
// BINARY, REAL/FLOA/DOUB is DOUBLE. Anything else (numeric affinity, e.g. "JSON") is inferred
// from the values, like an undeclared column.
func declaredType(decl string) (colType, bool) {
	d := strings.Join(strings.Fields(strings.ToUpper(decl)), " ")
	if d == "" {
		return colType{}, false
	}
	if t, ok := exactTypes[d]; ok {
		return t, true
	}
	for _, nested := range []codec.VectorType{codec.Array, codec.Map, codec.Struct} {
		if strings.HasPrefix(d, nested.String()+"<") && strings.HasSuffix(d, ">") {
			// Hive writes these lower-case without spaces: array<int>, map<string,int>.
			return colType{vector: nested, hive: strings.ToLower(strings.ReplaceAll(d, " ", ""))}, true
		}
	}
	if m := typeArgs.FindStringSubmatch(d); m != nil {
		if t, ok := typeWithArgs(m[1], m[2], m[3]); ok {
			return t, true
		}
	}
	switch {
	case strings.Contains(d, "INT"):
		return longType, true
	case strings.Contains(d, "CHAR"), strings.Contains(d, "CLOB"), strings.Contains(d, "TEXT"):
		return stringType, true
	case strings.Contains(d, "BLOB"):
		return binaryType, true
	case strings.Contains(d, "REAL"), strings.Contains(d, "FLOA"), strings.Contains(d, "DOUB"):
		return doubleType, true
	}
	return colType{}, false
}

// typeWithArgs maps NAME(a) and NAME(a,b); b is "" when absent.
func typeWithArgs(name, a, b string) (colType, bool) {
	p, err := strconv.ParseInt(a, 10, 32)
	if err != nil {
		return colType{}, false
	}
	switch name {
	case "DECIMAL", "NUMERIC", "DEC":
		s := int64(defaultDecimalScale)
		if b != "" {
			if s, err = strconv.ParseInt(b, 10, 32); err != nil || s > p {
				return colType{}, false
			}
		}
		return decimalType(int32(p), int32(s)), true
	case "VARCHAR", "CHAR":
		if b != "" {
			return colType{}, false
		}
		return colType{vector: codec.String, hive: fmt.Sprintf("%s(%d)", strings.ToLower(name), p)}, true
	}
	return colType{}, false
}

func decimalType(precision, scale int32) colType {
	return colType{vector: codec.Decimal128, hive: fmt.Sprintf("decimal(%d,%d)", precision, scale), scale: scale}
}

func init() {
	// DECIMAL and NUMERIC alone take Hive's defaults.
	exactTypes["DECIMAL"] = decimalType(defaultDecimalPrecision, defaultDecimalScale)
	exactTypes["NUMERIC"] = decimalType(defaultDecimalPrecision, defaultDecimalScale)
}

// inferType decides the type of an undeclared column from its values in the first rows (nil is
// NULL). allNull reports that there was no value to decide by. Integers alone are LONG,
// numbers with any real are DOUBLE, blobs are BINARY. Text is DATETIME when every value is a
// canonical timestamp ("2006-01-02 15:04:05.000000", what e6_timestamp and the Exec of a
// time.Time produce: MAX(ts) or CAST(... AS TIMESTAMP) must come back as a timestamp), and
// STRING otherwise, as is any mix of text with other kinds.
func inferType(vals iter.Seq[any]) (t colType, allNull bool) {
	var ints, reals, texts, blobs, times, stamps int
	for v := range vals {
		switch x := v.(type) {
		case nil:
		case int64:
			ints++
		case float64:
			reals++
		case string:
			texts++
			if isCanonicalTimestamp(x) {
				stamps++
			}
		case []byte:
			blobs++
		default: // time.Time, from a driver that parsed it
			times++
		}
	}
	switch total := ints + reals + texts + blobs + times; {
	case total == 0:
		return stringType, true
	case ints == total:
		return longType, false
	case ints+reals == total:
		return doubleType, false
	case blobs == total:
		return binaryType, false
	case times+stamps == total:
		return datetimeType, false
	}
	return stringType, false
}

// isCanonicalTimestamp reports whether s is exactly "dddd-dd-dd dd:dd:dd.dddddd".
func isCanonicalTimestamp(s string) bool {
	const layout = "0000-00-00 00:00:00.000000"
	if len(s) != len(layout) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if layout[i] == '0' {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		} else if s[i] != layout[i] {
			return false
		}
	}
	return true
}
