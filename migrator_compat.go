package e6data

import (
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm/schema"
)

// The rules behind the compatibility table in AutoMigrate's documentation: which e6data column
// types a model field can read without losing or misreading values.

// compatRule is what one field accepts.
type compatRule struct {
	kinds []columnKind
	// wholeDecimal accepts decimal(p,0) with p ≤ 18, which always fits an int64.
	wholeDecimal bool
	// fit, when set, accepts decimal columns whose values fit decimal(fit[0],fit[1]).
	fit *[2]int64
}

var (
	textKinds   = []columnKind{kindString}
	nestedKinds = []columnKind{kindArray, kindMap, kindStruct}
	timeKinds   = []columnKind{kindDate, kindTimestamp, kindTimestampTZ}
	intKinds    = []columnKind{kindTinyint, kindSmallint, kindInt, kindBigint}
)

// maxWholeDecimalDigits is the precision of the widest decimal(p,0) whose every value fits an
// int64 (which holds all 18-digit numbers but not all 19-digit ones).
const maxWholeDecimalDigits = 18

// intRule accepts the integer types no wider than bits (64 when GORM gave no size).
func intRule(bits int) compatRule {
	if bits <= 0 || bits > 64 {
		bits = 64
	}
	var r compatRule
	for _, k := range intKinds {
		if integerBits[k] <= bits {
			r.kinds = append(r.kinds, k)
		}
	}
	r.wholeDecimal = bits == 64
	return r
}

// ruleFor returns what field accepts; ok is false for a field class the dialect does not know.
func ruleFor(f *schema.Field) (compatRule, bool) {
	switch schema.DataType(strings.ToLower(string(f.DataType))) {
	case schema.Bool:
		return compatRule{kinds: []columnKind{kindBoolean}}, true
	case schema.Int, schema.Uint:
		return intRule(f.Size), true
	case schema.Float:
		if f.Size == 32 {
			return compatRule{kinds: []columnKind{kindFloat}}, true
		}
		return compatRule{kinds: []columnKind{kindFloat, kindDouble, kindDecimal}}, true
	case schema.String:
		return compatRule{kinds: slices.Concat(textKinds, []columnKind{kindDecimal}, nestedKinds)}, true
	case schema.Bytes:
		return compatRule{kinds: []columnKind{kindBinary, kindString}}, true
	case schema.Time:
		return compatRule{kinds: timeKinds}, true
	case "json":
		return compatRule{kinds: slices.Concat(textKinds, nestedKinds)}, true
	case "uuid":
		return compatRule{kinds: textKinds}, true
	}
	t, err := parseColumnType(string(f.DataType))
	if err != nil || t.kind == kindUnknown || t.kind == kindNull {
		return compatRule{}, false
	}
	switch t.kind {
	case kindDecimal:
		return compatRule{fit: &[2]int64{t.precision, t.scale}}, true
	case kindTinyint, kindSmallint, kindInt, kindBigint:
		return intRule(integerBits[t.kind]), true
	case kindTimestamp, kindTimestampTZ:
		return compatRule{kinds: []columnKind{kindTimestamp, kindTimestampTZ}}, true
	case kindDouble:
		return compatRule{kinds: []columnKind{kindFloat, kindDouble}}, true
	}
	return compatRule{kinds: []columnKind{t.kind}}, true
}

// accepts reports whether a column of type t fits the field.
func (r compatRule) accepts(t columnType) bool {
	if t.kind == kindDecimal {
		switch {
		case r.fit != nil:
			return t.scale <= r.fit[1] && t.precision-t.scale <= r.fit[0]-r.fit[1]
		case r.wholeDecimal && t.scale == 0 && t.precision <= maxWholeDecimalDigits:
			return true
		}
	}
	return slices.Contains(r.kinds, t.kind)
}

// String lists the accepted types, for mismatch messages: "tinyint, smallint or int".
func (r compatRule) String() string {
	var names []string
	for _, k := range r.kinds {
		name := typeAliases[k][0]
		switch k {
		case kindString:
			name = "string, varchar(n), char(n)"
		case kindArray, kindMap, kindStruct:
			name += "<…>"
		case kindDecimal:
			name = "decimal(p,s)"
		}
		names = append(names, name)
	}
	if r.wholeDecimal {
		names = append(names, fmt.Sprintf("decimal(p,0) with p ≤ %d", maxWholeDecimalDigits))
	}
	if r.fit != nil {
		names = append(names, fmt.Sprintf("decimal(p,s) with s ≤ %d and p−s ≤ %d", r.fit[1], r.fit[0]-r.fit[1]))
	}
	switch len(names) {
	case 0:
		return "nothing"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
