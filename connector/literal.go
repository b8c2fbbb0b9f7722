package connector

import (
	"database/sql/driver"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ArgumentError reports an argument that has no SQL literal (see AppendLiteral), or a named
// argument. Nothing was sent. The message names the argument and its Go type, never its value,
// which may be secret.
type ArgumentError struct {
	Index  int    // 1-based position among the query's arguments; 0 when unknown
	Type   string // the argument's Go type, such as "[]byte"
	Reason string // what is wrong and what to do instead
	Err    error  // the error the argument's Value method returned, if that is the cause
}

// Error says which argument, its type, and what to do.
func (e *ArgumentError) Error() string {
	s := "e6data: argument "
	if e.Index > 0 {
		s += strconv.Itoa(e.Index) + " "
	}
	s += "(" + e.Type + "): " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the error from the argument's Value method, if any.
func (e *ArgumentError) Unwrap() error { return e.Err }

// AppendLiteral appends the SQL literal for v to dst, by the rules in docs/dialect.md: it is
// the driver's one renderer, used to interpolate ? arguments and by the GORM dialect's Explain,
// so logs show exactly the text sent. It never panics (not even when a Value method does) and
// never modifies v. On error, dst is returned unchanged with an *ArgumentError (Index 0).
//
// In order: nil, nil pointers and invalid NullDate/NullDecimal are NULL; Date, Decimal,
// *big.Int, *big.Rat, *big.Float and values with Coefficient() *big.Int and Exponent() int32
// methods (shopspring/decimal's shape) are rendered directly; then a driver.Valuer's result is
// rendered; other pointers are dereferenced; then bools, integers, floats, strings, time.Time
// and slices by kind, so named types work. []byte and other types are errors.
func AppendLiteral(dst []byte, v any) ([]byte, error) {
	out, err := appendLiteral(dst, v, litState{})
	if err != nil {
		return dst, err
	}
	return out, nil
}

// litState carries what appendLiteral needs across its recursion.
type litState struct {
	depth  int  // Value calls and pointer dereferences so far, to stop cycles
	inList bool // rendering a slice element: another slice is an error
	check  bool // validate only (checkNamedValue): do not call Value methods
}

// maxLiteralDepth bounds Value-method and pointer chains; real ones are one or two deep.
const maxLiteralDepth = 16

const reasonTooDeep = "Value methods or pointers nest too deeply (a cycle?); return a basic value from Value"

type decimalShaped interface {
	Coefficient() *big.Int
	Exponent() int32
}

var bytesType = reflect.TypeFor[[]byte]()

func appendLiteral(dst []byte, v any, st litState) ([]byte, error) {
	// Fast paths for the types GORM passes most, without reflection.
	switch x := v.(type) {
	case nil:
		return append(dst, "NULL"...), nil
	case string:
		return appendString(dst, x, v, st)
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case bool:
		return appendBool(dst, x), nil
	case float64:
		return appendFloat(dst, x, 64, v)
	case time.Time:
		return appendTime(dst, x, v)
	case Date:
		return appendDate(dst, x, v)
	case NullDate:
		if !x.Valid {
			return append(dst, "NULL"...), nil
		}
		return appendDate(dst, x.Date, v)
	case Decimal:
		return appendScaled(dst, x.unscaled, int64(x.scale), v)
	case NullDecimal:
		if !x.Valid {
			return append(dst, "NULL"...), nil
		}
		return appendScaled(dst, x.Decimal.unscaled, int64(x.Decimal.scale), v)
	case []byte:
		return dst, argError(v, "binary parameters are not supported (e6data has no byte literal); "+
			"pass the bytes as a base64 string and decode them in SQL")
	case *big.Int:
		if x == nil {
			return append(dst, "NULL"...), nil
		}
		return x.Append(dst, 10), nil
	case *big.Rat:
		if x == nil {
			return append(dst, "NULL"...), nil
		}
		return appendRat(dst, x)
	case *big.Float:
		if x == nil {
			return append(dst, "NULL"...), nil
		}
		return appendBigFloat(dst, x)
	}

	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && rv.IsNil() {
		// Before any method call: a nil receiver would panic in most Value methods.
		return append(dst, "NULL"...), nil
	}
	if d, ok := v.(decimalShaped); ok {
		// Before driver.Valuer: shopspring's Value returns a string, which would be quoted.
		return appendDecimalShaped(dst, d)
	}
	if st.depth >= maxLiteralDepth {
		return dst, argError(v, reasonTooDeep)
	}
	if vr, ok := v.(driver.Valuer); ok {
		if st.check {
			return dst, nil // rendered, and Value called, only once: at interpolation
		}
		res, err := callValue(vr)
		if err != nil {
			return dst, err
		}
		st.depth++
		out, err := appendLiteral(dst, res, st)
		return out, wrapInner(err, v, "its Value method returned ")
	}
	switch rv.Kind() {
	case reflect.Pointer:
		if !rv.Elem().CanInterface() {
			return dst, argError(v, "unsupported type")
		}
		st.depth++
		out, err := appendLiteral(dst, rv.Elem().Interface(), st)
		return out, wrapInner(err, v, "it points to ")
	case reflect.Bool:
		return appendBool(dst, rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(dst, rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return strconv.AppendUint(dst, u, 10), nil
		}
		return dst, argError(v, "the value exceeds 9223372036854775807, the largest LONG; "+
			"pass it as a connector.Decimal or *big.Int")
	case reflect.Float32:
		return appendFloat(dst, rv.Float(), 32, v)
	case reflect.Float64:
		return appendFloat(dst, rv.Float(), 64, v)
	case reflect.String:
		return appendString(dst, rv.String(), v, st)
	case reflect.Slice, reflect.Array:
		return appendList(dst, rv, st)
	}
	return dst, argError(v, "no SQL literal for this type; pass a bool, number, string, time.Time, "+
		"connector.Date, connector.Decimal or a driver.Valuer")
}

// callValue calls vr.Value, turning a panic into an error: a Value method is user code.
func callValue(vr driver.Valuer) (res driver.Value, err error) {
	defer func() {
		if recover() != nil {
			// The panic value may contain the argument; do not repeat it.
			err = argError(vr, "its Value method panicked")
		}
	}()
	res, err = vr.Value()
	if err != nil {
		return nil, &ArgumentError{Type: typeName(vr), Reason: "its Value method failed", Err: err}
	}
	return res, nil
}

func appendList(dst []byte, rv reflect.Value, st litState) ([]byte, error) {
	v := rv.Interface()
	if rv.Type().Elem().Kind() == reflect.Uint8 {
		return dst, argError(v, "binary parameters are not supported (e6data has no byte literal); "+
			"pass the bytes as a base64 string and decode them in SQL")
	}
	if st.inList {
		return dst, argError(v, "nested lists have no SQL literal; flatten the list")
	}
	if rv.Len() == 0 {
		return append(dst, "(NULL)"...), nil // as GORM writes an empty IN list
	}
	st.inList = true
	dst = append(dst, '(')
	for i := range rv.Len() {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		var err error
		dst, err = appendLiteral(dst, rv.Index(i).Interface(), st)
		if err != nil {
			return dst, wrapInner(err, v, "element "+strconv.Itoa(i+1)+" is ")
		}
	}
	return append(dst, ')'), nil
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, "TRUE"...)
	}
	return append(dst, "FALSE"...)
}

// appendFloat writes the shortest digits that round-trip at bits precision, never with an
// exponent and always with a point, so the literal stays non-integer in arithmetic.
func appendFloat(dst []byte, f float64, bits int, v any) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, argError(v, "NaN and ±Inf have no SQL literal; pass nil for NULL or a finite number")
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', -1, bits)
	for _, c := range dst[start:] {
		if c == '.' {
			return dst, nil
		}
	}
	return append(dst, ".0"...), nil
}

// appendString quotes s as the official HiveParamEscaper does: \ → \\ (so every backslash in
// the output starts an escape pair), ' → \', CR → \r, LF → \n, TAB → \t. A quote is never
// doubled: e6data's parser reads a doubled quote as the end of one string and the start of another.
// Invalid UTF-8 and NUL have no literal.
func appendString(dst []byte, s string, v any, st litState) ([]byte, error) {
	if !utf8.ValidString(s) {
		return dst, argError(v, "the string is not valid UTF-8; send text as UTF-8 (binary data is not supported)")
	}
	if strings.IndexByte(s, 0) >= 0 {
		// e6data's SQL has no escape for NUL; sent raw, it would end the text early in some engines.
		return dst, argError(v, "the string contains a NUL character (U+0000), which an e6data string literal "+
			"cannot carry; remove it, or send binary data as base64 text")
	}
	if st.check {
		return dst, nil
	}
	dst = append(dst, '\'')
	start := 0
	for i := 0; i < len(s); i++ {
		var esc byte
		switch s[i] {
		case '\\':
			esc = '\\'
		case '\'':
			esc = '\''
		case '\r':
			esc = 'r'
		case '\n':
			esc = 'n'
		case '\t':
			esc = 't'
		default:
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, '\\', esc)
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '\''), nil
}

// appendTime writes t in UTC with exactly six fraction digits (nanoseconds truncated); the
// zone is dropped, as the official client does.
func appendTime(dst []byte, t time.Time, v any) ([]byte, error) {
	t = t.UTC()
	if y := t.Year(); y < 1 || y > 9999 {
		return dst, argError(v, "the year (in UTC) is outside 0001–9999, which a TIMESTAMP literal cannot hold")
	}
	dst = append(dst, "CAST('"...)
	dst = t.AppendFormat(dst, "2006-01-02 15:04:05.000000")
	return append(dst, "' AS TIMESTAMP)"...), nil
}

func appendDate(dst []byte, d Date, v any) ([]byte, error) {
	if d.Year < 1 || d.Year > 9999 || !d.IsValid() {
		return dst, argError(v, "not a calendar date in years 0001–9999")
	}
	dst = append(dst, "CAST('"...)
	dst = d.Time().AppendFormat(dst, time.DateOnly)
	return append(dst, "' AS DATE)"...), nil
}

// argError builds the error for v; the reason must not contain v's value.
func argError(v any, reason string) *ArgumentError {
	return &ArgumentError{Type: typeName(v), Reason: reason}
}

// wrapInner re-labels an error about a value found inside outer (its Value result, pointee or
// element) as an error about outer, keeping the inner type in the reason.
func wrapInner(err error, outer any, prefix string) error {
	ae, ok := err.(*ArgumentError)
	if !ok {
		return err
	}
	if ae.Reason != reasonTooDeep { // one chain of 16 prefixes would say nothing more
		ae.Reason = prefix + ae.Type + ": " + ae.Reason
	}
	ae.Type = typeName(outer)
	return ae
}

func typeName(v any) string {
	t := reflect.TypeOf(v)
	switch t {
	case nil:
		return "nil"
	case bytesType:
		return "[]byte"
	}
	return t.String()
}
