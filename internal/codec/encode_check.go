package codec

import (
	"errors"
	"math"
)

// rows is how many slots v's slices hold: Size, or 1 for a constant vector.
func (v *Vector) rows() int {
	if v.Constant {
		return 1
	}
	return v.Size
}

// checkVector validates v for AppendChunk and returns an upper estimate of its encoded size,
// so the whole chunk is written into one allocation.
func checkVector(v *Vector, chunkSize int) (int, error) {
	if v.Size != chunkSize {
		return 0, errors.New("vector has " + itoa(int64(v.Size)) + " rows, the chunk " + itoa(int64(chunkSize)))
	}
	if !v.Type.Valid() {
		return 0, errors.New("unknown vector type " + v.Type.String())
	}
	n := v.rows()
	if v.Nulls != nil && len(v.Nulls) != n {
		return 0, errors.New("Nulls has " + itoa(int64(len(v.Nulls))) + " entries, want " + itoa(int64(n)))
	}
	est := 64 + n
	if v.Type == Null {
		return est, nil
	}
	if have := dataLen(v); have != n {
		return 0, errors.New(v.Type.String() + " data has " + itoa(int64(have)) + " values, want " + itoa(int64(n)))
	}
	switch v.Type {
	case Boolean:
		est += n
	case Integer:
		for _, x := range v.Int64s {
			if x < math.MinInt32 || x > math.MaxInt32 {
				return 0, errors.New("INTEGER value " + itoa(x) + " does not fit in 32 bits")
			}
		}
		est += 8 * n
	case Float, Double, Long, Date, DateTime, Timestamp, Int96:
		est += 8 * n
	case String, Array, Map, Struct:
		for _, s := range v.Strings {
			if len(s) > math.MaxInt32 {
				return 0, errors.New("string longer than 2 GiB")
			}
			est += 4 + len(s)
		}
	case Binary, Decimal128:
		for i, b := range v.Bytes {
			if len(b) > math.MaxInt32 {
				return 0, errors.New("value longer than 2 GiB")
			}
			if v.Type == Decimal128 && len(b) == 0 && !v.nullSlot(i) {
				return 0, errors.New("empty DECIMAL128 value in row " + itoa(int64(i)))
			}
			est += 4 + len(b)
		}
		if v.Scale > MaxDecimalScale || v.Scale < -MaxDecimalScale {
			return 0, errors.New("DECIMAL128 scale " + itoa(int64(v.Scale)) + " out of range")
		}
	case TimestampTZ:
		est += 8 * n
		if v.Zones == nil {
			break
		}
		if len(v.Zones) != n {
			return 0, errors.New("Zones has " + itoa(int64(len(v.Zones))) + " entries, want " + itoa(int64(n)))
		}
		last, parsed := "", false // zones repeat down a column: parse each run once
		for i, z := range v.Zones {
			est += 4 + len(z)
			if (parsed && z == last) || v.nullSlot(i) {
				continue
			}
			if _, err := ParseZone(z); err != nil {
				return 0, err
			}
			last, parsed = z, true
		}
	}
	return est, nil
}

// nullSlot reports whether slot i (not row: a constant vector has one slot) is NULL.
func (v *Vector) nullSlot(i int) bool { return i < len(v.Nulls) && v.Nulls[i] }
