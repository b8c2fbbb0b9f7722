package codec

import (
	"math"
	"time"
)

// finish validates a decoded vector against its type (allowedMembers) and trims every slice to the
// rows it covers, so Value can index without further checks.
func (s *vecState) finish(r *reader) error {
	v := &s.v
	if !s.haveType {
		return r.fail(s.off, "vector without vectorType")
	}
	if v.Type == Null { // every row is NULL; nullSet and data are not read
		*v = Vector{Type: Null, Size: v.Size, Constant: v.Constant}
		return nil
	}
	need := v.Size
	if v.Constant {
		need = min(1, v.Size)
	}
	if s.member == 0 {
		if need > 0 {
			return r.fail(s.off, v.Type.String()+" vector has no data")
		}
	} else {
		if allowedMembers[v.Type]&(1<<s.member) == 0 {
			return r.fail(s.memberOff, "Data member "+itoa(int64(s.member))+" cannot carry "+v.Type.String())
		}
		if isConst := constantMembers&(1<<s.member) != 0; isConst != v.Constant {
			return r.fail(s.memberOff, "Data member "+itoa(int64(s.member))+" does not match isConstantVector")
		}
	}
	if s.nullLen >= 0 && s.nullLen < need {
		return r.fail(s.off, "nullSet has "+itoa(int64(s.nullLen))+" entries for "+itoa(int64(need))+" rows")
	}
	if v.Nulls != nil {
		v.Nulls = v.Nulls[:need:need]
	}
	// Text arrives as bytes when the type was unknown at the time (or a later duplicate
	// vectorType changed it): bring it to the slice this type uses. The bytes are a private
	// copy that is dropped here, so viewing them as strings is safe.
	if v.Type == Binary && v.Strings != nil {
		v.Bytes, v.Strings = stringsToBytes(v.Strings), nil
	} else if s.bytesText && v.Type != Binary {
		v.Strings, v.Bytes = bytesToStrings(v.Bytes), nil
	}
	have := dataLen(v)
	if have < need {
		if !(v.Constant && have == 0 && v.IsNull(0)) {
			return r.fail(s.off, v.Type.String()+" data has "+itoa(int64(have))+" values for "+itoa(int64(need))+" rows")
		}
		// A NULL constant may come without its value (writers that skip unset fields).
		fillZero(v)
	}
	trim(v, need)
	switch v.Type {
	case Integer:
		if v.Constant && need > 0 && (v.Int64s[0] < math.MinInt32 || v.Int64s[0] > math.MaxInt32) {
			return r.fail(s.memberOff, "INTEGER constant "+itoa(v.Int64s[0])+" does not fit in 32 bits")
		}
	case Decimal128:
		// A scale DecimalString refuses would make every value of the vector read as NULL.
		if v.Scale > MaxDecimalScale || v.Scale < -MaxDecimalScale {
			return r.fail(s.memberOff, "DECIMAL128 scale "+itoa(int64(v.Scale))+" is beyond ±"+itoa(MaxDecimalScale))
		}
		for i := 0; i < need; i++ {
			if len(v.Bytes[i]) == 0 && !v.IsNull(i) {
				return r.fail(s.memberOff, "empty DECIMAL128 value in row "+itoa(int64(i)))
			}
		}
	case TimestampTZ:
		return s.zones(r, need)
	}
	v.Zones = nil // zones only mean something for TIMESTAMP_TZ
	return nil
}

// zones checks the TIMESTAMP_TZ zone list and resolves it into v.locs. Zones of NULL rows are
// not parsed (their slot is ignored like any NULL row's value).
func (s *vecState) zones(r *reader, need int) error {
	v := &s.v
	if v.Zones == nil {
		return nil
	}
	if len(v.Zones) < need {
		return r.fail(s.memberOff, "zoneData has "+itoa(int64(len(v.Zones)))+" entries for "+itoa(int64(need))+" rows")
	}
	v.Zones = v.Zones[:need:need]
	v.locs = make([]*time.Location, need)
	var last string
	var lastLoc *time.Location
	for i, z := range v.Zones {
		if v.IsNull(i) {
			continue
		}
		if lastLoc == nil || z != last { // zones repeat down a column: skip the cache lookup
			loc, err := ParseZone(z)
			if err != nil {
				return &DecodeError{Part: "chunk", Offset: s.memberOff, Reason: "zone of row " + itoa(int64(i)), Err: err}
			}
			last, lastLoc = z, loc
		}
		v.locs[i] = lastLoc
	}
	return nil
}

// dataLen is the number of values in the slice v's type uses.
func dataLen(v *Vector) int {
	switch v.Type {
	case Boolean:
		return len(v.Bools)
	case Float, Double:
		return len(v.Float64s)
	case Binary, Decimal128:
		return len(v.Bytes)
	case String, Array, Map, Struct:
		return len(v.Strings)
	}
	return len(v.Int64s)
}

// fillZero gives a valueless (NULL) constant vector its one zero slot.
func fillZero(v *Vector) {
	switch v.Type {
	case Boolean:
		v.Bools = []bool{false}
	case Float, Double:
		v.Float64s = []float64{0}
	case Binary, Decimal128:
		v.Bytes = [][]byte{nil}
	case String, Array, Map, Struct:
		v.Strings = []string{""}
	default:
		v.Int64s = []int64{0}
	}
}

// trim cuts the data slices to n values: extra list elements have no row.
func trim(v *Vector, n int) {
	if len(v.Bools) > n {
		v.Bools = v.Bools[:n:n]
	}
	if len(v.Int64s) > n {
		v.Int64s = v.Int64s[:n:n]
	}
	if len(v.Float64s) > n {
		v.Float64s = v.Float64s[:n:n]
	}
	if len(v.Strings) > n {
		v.Strings = v.Strings[:n:n]
	}
	if len(v.Bytes) > n {
		v.Bytes = v.Bytes[:n:n]
	}
}

// stringsToBytes copies strings into one allocation and returns slices of it.
func stringsToBytes(ss []string) [][]byte {
	total := 0
	for _, s := range ss {
		total += len(s)
	}
	blob := make([]byte, 0, total)
	out := make([][]byte, len(ss))
	for i, s := range ss {
		p := len(blob)
		blob = append(blob, s...)
		out[i] = blob[p:len(blob):len(blob)]
	}
	return out
}
