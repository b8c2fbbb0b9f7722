package e6data

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// The column types e6data's metadata RPCs report: lower-case Hive type names such as "bigint",
// "decimal(7,2)", "varchar(16)", "array<int>" or "struct<street:string,zip:string>".

// columnKind is a family of e6data column types: what a value of the column is, whatever the
// spelling of its type name.
type columnKind int

const (
	kindUnknown columnKind = iota
	kindBoolean
	kindTinyint
	kindSmallint
	kindInt
	kindBigint
	kindFloat
	kindDouble
	kindDecimal
	kindString // string, varchar(n), char(n)
	kindBinary
	kindDate
	kindTimestamp // timestamp, datetime, int96
	kindTimestampTZ
	kindArray
	kindMap
	kindStruct
	kindNull
)

// typeNames maps every base type name (canonical or alias, lower case) to its kind. The
// canonical name of a kind is the first one in typeAliases.
var typeNames = map[string]columnKind{}

// typeAliases lists, per kind, the canonical Hive name first and then the other names the engine
// or its DDL use for the same type (e6data's result type names, SQL spellings). GetTypeAliases
// answers from it.
var typeAliases = map[columnKind][]string{
	kindBoolean:     {"boolean", "bool"},
	kindTinyint:     {"tinyint", "byte"},
	kindSmallint:    {"smallint", "short"},
	kindInt:         {"int", "integer"},
	kindBigint:      {"bigint", "long"},
	kindFloat:       {"float", "real"},
	kindDouble:      {"double", "double precision"},
	kindDecimal:     {"decimal", "numeric", "decimal128"},
	kindString:      {"string", "varchar", "char", "text"},
	kindBinary:      {"binary", "varbinary"},
	kindDate:        {"date"},
	kindTimestamp:   {"timestamp", "datetime", "int96"},
	kindTimestampTZ: {"timestamp_tz"},
	kindArray:       {"array"},
	kindMap:         {"map"},
	kindStruct:      {"struct"},
	kindNull:        {"void", "null"},
}

func init() {
	for k, names := range typeAliases {
		for _, n := range names {
			typeNames[n] = k
		}
	}
}

// Hive's precision and scale for a DECIMAL declared without them.
const (
	hiveDecimalPrecision = 10
	hiveDecimalScale     = 0
)

// columnType is a parsed e6data column type.
type columnType struct {
	full string     // the type as reported, trimmed and lower-cased: "decimal(7,2)"
	base string     // the name before any arguments: "decimal", "varchar", "array"
	kind columnKind // kindUnknown for a name the dialect does not know
	// length is n of varchar(n)/char(n), -1 otherwise.
	length int64
	// precision and scale of a decimal (Hive's defaults when the name has none), 0 otherwise.
	precision, scale int64
}

// parseColumnType parses a type name the metadata RPCs reported. Unknown names are not an error:
// they give kindUnknown, so a newer engine type does not break the migrator.
func parseColumnType(s string) (columnType, error) {
	full := strings.ToLower(strings.TrimSpace(s))
	t := columnType{full: full, length: -1}
	if full == "" {
		return t, fmt.Errorf("e6data: empty column type name")
	}
	base, rest := full, ""
	if i := strings.IndexAny(full, "(<"); i >= 0 {
		base, rest = strings.TrimSpace(full[:i]), full[i:]
	}
	t.base = base
	t.kind = typeNames[base]
	switch {
	case rest == "":
		if t.kind == kindDecimal {
			t.precision, t.scale = hiveDecimalPrecision, hiveDecimalScale
		}
	case rest[0] == '<':
		if !strings.HasSuffix(rest, ">") || !balancedAngles(rest) {
			return t, fmt.Errorf("e6data: column type %q: unbalanced <...>", s)
		}
		if t.kind != kindArray && t.kind != kindMap && t.kind != kindStruct {
			t.kind = kindUnknown
		}
	default: // "(...)"
		args, ok := strings.CutSuffix(rest[1:], ")")
		if !ok {
			return t, fmt.Errorf("e6data: column type %q: missing )", s)
		}
		nums, err := parseTypeArgs(args)
		if err != nil {
			return t, fmt.Errorf("e6data: column type %q: %w", s, err)
		}
		switch {
		case t.kind == kindDecimal && len(nums) <= 2:
			t.precision, t.scale = nums[0], hiveDecimalScale
			if len(nums) == 2 {
				t.scale = nums[1]
			}
			if t.scale > t.precision {
				return t, fmt.Errorf("e6data: column type %q: scale larger than precision", s)
			}
		case t.kind == kindString && (base == "varchar" || base == "char") && len(nums) == 1:
			t.length = nums[0]
		default:
			t.kind = kindUnknown
		}
	}
	return t, nil
}

// parseTypeArgs parses "7,2" or "16": one or two non-negative integers.
func parseTypeArgs(args string) ([]int64, error) {
	parts := strings.Split(args, ",")
	if len(parts) > 2 {
		return nil, fmt.Errorf("more than two type arguments")
	}
	nums := make([]int64, 0, 2)
	for _, p := range parts {
		n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 32)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("type argument %q is not a non-negative integer", strings.TrimSpace(p))
		}
		nums = append(nums, n)
	}
	return nums, nil
}

// balancedAngles reports whether the <> of a nested type name nest properly and the outermost
// pair spans the whole string.
func balancedAngles(s string) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			depth++
		case '>':
			depth--
			if depth < 0 || (depth == 0 && i != len(s)-1) {
				return false
			}
		}
	}
	return depth == 0
}

// scanTypes is the Go type a value of each kind is read into: the idiomatic non-NULL type, which
// gorm.io/gen writes into generated models (wrap it in a pointer or sql.Null* for NULLs).
// Decimals are exact decimal text, and nested types JSON-like text, as the driver returns them.
var scanTypes = map[columnKind]reflect.Type{
	kindBoolean:     reflect.TypeFor[bool](),
	kindTinyint:     reflect.TypeFor[int8](),
	kindSmallint:    reflect.TypeFor[int16](),
	kindInt:         reflect.TypeFor[int32](),
	kindBigint:      reflect.TypeFor[int64](),
	kindFloat:       reflect.TypeFor[float32](),
	kindDouble:      reflect.TypeFor[float64](),
	kindDecimal:     reflect.TypeFor[string](),
	kindString:      reflect.TypeFor[string](),
	kindBinary:      reflect.TypeFor[[]byte](),
	kindDate:        reflect.TypeFor[time.Time](),
	kindTimestamp:   reflect.TypeFor[time.Time](),
	kindTimestampTZ: reflect.TypeFor[time.Time](),
	kindArray:       reflect.TypeFor[string](),
	kindMap:         reflect.TypeFor[string](),
	kindStruct:      reflect.TypeFor[string](),
	kindNull:        reflect.TypeFor[any](),
	kindUnknown:     reflect.TypeFor[any](),
}

// scanType returns the Go type of the column's values.
func (t columnType) scanType() reflect.Type { return scanTypes[t.kind] }

// lengthOf returns the column's length as GORM's ColumnType.Length reports it: n for
// varchar(n)/char(n), unbounded (math.MaxInt64, as the driver's result columns say) for the
// other text and binary types, and ok=false for types without a length.
func (t columnType) lengthOf() (int64, bool) {
	switch {
	case t.length >= 0:
		return t.length, true
	case t.kind == kindString, t.kind == kindBinary, t.kind == kindArray, t.kind == kindMap, t.kind == kindStruct:
		return math.MaxInt64, true
	}
	return 0, false
}

// integerBits is the width of the integer kinds.
var integerBits = map[columnKind]int{kindTinyint: 8, kindSmallint: 16, kindInt: 32, kindBigint: 64}
