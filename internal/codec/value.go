package codec

import (
	"math"
	"time"
	"unsafe"
)

// IsNull reports whether row is NULL: every row of a NULL-typed vector, rows marked in Nulls,
// and (defensively, instead of panicking) rows outside 0..Size-1.
func (v *Vector) IsNull(row int) bool {
	if v.Type == Null || row < 0 || row >= v.Size {
		return true
	}
	if v.Nulls == nil {
		return false
	}
	if v.Constant {
		row = 0
	}
	return row < len(v.Nulls) && v.Nulls[row]
}

// Value returns row's value as a database/sql driver value: nil for NULL; int64 for INTEGER and
// LONG; float64 for FLOAT and DOUBLE; bool; string for STRING, ARRAY, MAP and STRUCT; []byte for
// BINARY; time.Time for DATE (midnight UTC), DATETIME, TIMESTAMP and INT96 (UTC, µs) and
// TIMESTAMP_TZ (in the row's zone); and DECIMAL128 as exact decimal text such as "-0.01". A row
// out of range or a vector not built by DecodeChunk whose slices are too short yields nil rather
// than a panic.
//
// Every value owns its memory. Strings and byte slices are copied out of the vector, whose
// values share one allocation per batch: database/sql hands a string to the caller as it is, so
// a string viewing the batch would keep the whole batch alive for as long as the caller keeps
// the string. A string, byte slice or decimal value takes exactly one allocation, the copy and
// its interface box together.
func (v *Vector) Value(row int) any { return v.ValueIn(row, nil) }

// ValueIn is Value with the fixed-size values (numbers, times) boxed from b, which takes one
// allocation per slab of values instead of one per value; with a nil b it is Value.
func (v *Vector) ValueIn(row int, b *Boxes) any {
	if v.IsNull(row) {
		return nil
	}
	i := row
	if v.Constant {
		i = 0
	}
	switch v.Type {
	case Boolean:
		if i < len(v.Bools) {
			return v.Bools[i]
		}
	case Integer, Long:
		if i < len(v.Int64s) {
			return b.int64(v.Int64s[i])
		}
	case Float, Double:
		if i < len(v.Float64s) {
			return b.float64(v.Float64s[i])
		}
	case String, Array, Map, Struct:
		if i < len(v.Strings) {
			return boxString(v.Strings[i])
		}
	case Binary:
		if i < len(v.Bytes) {
			return boxBytes(v.Bytes[i]) // never nil: a non-NULL empty value must not read as NULL
		}
	case Date:
		if i < len(v.Int64s) {
			return b.time(DateFromMicros(v.Int64s[i]))
		}
	case DateTime, Timestamp, Int96:
		if i < len(v.Int64s) {
			return b.time(MicrosToTime(v.Int64s[i]))
		}
	case TimestampTZ:
		if i < len(v.Int64s) {
			return b.time(MicrosToTime(v.Int64s[i]).In(v.location(i)))
		}
	case Decimal128:
		if i < len(v.decEnds) {
			start := int32(0)
			if i > 0 {
				start = v.decEnds[i-1]
			}
			return boxString(unsafe.String(unsafe.SliceData(v.decText[start:]), int(v.decEnds[i]-start))) // copies
		}
		if i < len(v.Bytes) {
			var stack [64]byte
			if b, err := AppendDecimal(stack[:0], v.Bytes[i], v.Scale); err == nil {
				return boxString(unsafe.String(unsafe.SliceData(b), len(b))) // copies b
			}
		}
	}
	return nil
}

// maxPreparedScale is the largest |scale| whose values PrepareValues formats ahead of time: the
// 38 digits of a DECIMAL's precision. Each value's text is about as long as its scale, so a
// larger scale, which only hostile input carries, would turn a batch of 5-byte values into text
// 2,000 times its size; ValueIn formats such values one at a time, as the reader asks for them.
const maxPreparedScale = 38

// PrepareValues does ahead of time the part of ValueIn's work that needs no allocation a value
// owns: it formats v's DECIMAL128 values as text, so that ValueIn then only copies the text. A
// reader that decodes batches on one goroutine and hands out their values on another calls it
// on the first, so that the formatting overlaps the reader's work. It changes no value; on a
// vector of another type, one whose |scale| is beyond 38, or a value that does not format, it
// does nothing (ValueIn then formats per value, as without it). Not safe for use concurrent
// with ValueIn.
func (v *Vector) PrepareValues() {
	if v.Type != Decimal128 || len(v.decEnds) == len(v.Bytes) || v.Scale > maxPreparedScale || v.Scale < -maxPreparedScale {
		return
	}
	ends := reuse(v.decEnds, len(v.Bytes))
	text := v.decText[:0]
	for i, b := range v.Bytes {
		if len(b) > 0 || !v.IsNull(i) { // a NULL's slot may be empty: it is never read
			var err error
			if text, err = AppendDecimal(text, b, v.Scale); err != nil {
				v.decText, v.decEnds = text[:0], ends[:0] // keep the memory, prepare nothing
				return
			}
		}
		if len(text) > math.MaxInt32 {
			v.decText, v.decEnds = text[:0], ends[:0]
			return
		}
		ends[i] = int32(len(text))
	}
	v.decText, v.decEnds = text, ends
}

// location returns the zone of value i: the decoder's resolved one, else parsed from Zones
// (vectors built by hand), else UTC, also for a spelling ParseZone rejects.
func (v *Vector) location(i int) *time.Location {
	if i < len(v.locs) && v.locs[i] != nil {
		return v.locs[i]
	}
	if i < len(v.Zones) {
		if loc, err := ParseZone(v.Zones[i]); err == nil {
			return loc
		}
	}
	return time.UTC
}

// MicrosToTime converts epoch microseconds to a UTC time.Time, flooring before 1970 (-1 is
// 1969-12-31T23:59:59.999999Z).
func MicrosToTime(us int64) time.Time {
	// time.UnixMicro splits with truncating division but normalizes a negative remainder,
	// which amounts to floor division.
	return time.UnixMicro(us).UTC()
}

// TimeToMicros converts t to epoch microseconds, flooring sub-microsecond parts (also before
// 1970). Instants outside the int64 µs range (about ±292,000 years) wrap.
func TimeToMicros(t time.Time) int64 {
	s, ns := t.Unix(), int64(t.Nanosecond()) // 0 <= ns < 1e9, so ns/1000 is already the floor
	return s*1_000_000 + ns/1000
}

// microsPerDay is the number of microseconds in a day.
const microsPerDay = 86_400_000_000

// DateFromMicros returns the date containing the epoch-microsecond instant us, as midnight UTC:
// floor(us / 86,400,000,000) days after 1970-01-01 (-1 µs is 1969-12-31).
func DateFromMicros(us int64) time.Time {
	days := us / microsPerDay
	if us%microsPerDay < 0 {
		days--
	}
	return time.Unix(days*86400, 0).UTC()
}
