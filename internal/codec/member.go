package codec

import "math"

// Data union member ids: the field id of each member struct in the Data union.
const (
	mBool           = 1
	mInt32          = 2
	mInt64          = 3
	mDate           = 4
	mFloat32        = 5
	mFloat64        = 6
	mVarchar        = 7
	mBoolConst      = 8
	mDateConst      = 9
	mNullConst      = 10
	mNumericConst   = 11
	mDoubleConst    = 12
	mIntervalConst  = 13
	mTimeConst      = 14
	mVarcharConst   = 15
	mTime           = 16
	mDecimal        = 17
	mDecimalConst   = 18
	constantMembers = 1<<mBoolConst | 1<<mDateConst | 1<<mNullConst | 1<<mNumericConst |
		1<<mDoubleConst | 1<<mIntervalConst | 1<<mTimeConst | 1<<mVarcharConst | 1<<mDecimalConst
)

// i64Members are the members carrying one i64 per row (or one constant i64): TIMESTAMP and
// INT96 accept any of them, since their Chunk layout was never observed.
const i64Members = 1<<mInt64 | 1<<mDate | 1<<mTime | 1<<mNumericConst | 1<<mDateConst | 1<<mTimeConst

// allowedMembers lists, per VectorType, the Data members that may carry its values.
var allowedMembers = [...]uint32{
	Binary:      1<<mVarchar | 1<<mVarcharConst,
	Boolean:     1<<mBool | 1<<mBoolConst,
	Double:      1<<mFloat32 | 1<<mFloat64 | 1<<mDoubleConst,
	Float:       1<<mFloat32 | 1<<mFloat64 | 1<<mDoubleConst,
	Int96:       i64Members,
	Integer:     1<<mInt32 | 1<<mNumericConst,
	Long:        1<<mInt64 | 1<<mNumericConst,
	String:      1<<mVarchar | 1<<mVarcharConst,
	Date:        1<<mDate | 1<<mDateConst,
	DateTime:    1<<mTime | 1<<mTimeConst,
	Timestamp:   i64Members,
	Struct:      1<<mVarchar | 1<<mVarcharConst,
	Map:         1<<mVarchar | 1<<mVarcharConst,
	Array:       1<<mVarchar | 1<<mVarcharConst,
	Null:        math.MaxUint32,
	TimestampTZ: 1<<mTime | 1<<mTimeConst,
	Decimal128:  1<<mDecimal | 1<<mDecimalConst,
}

// readMember decodes the fields of Data member m straight into the vector's slices. Fields
// with an unexpected id or type are skipped, as Thrift's generated readers do.
func (s *vecState) readMember(r *reader, m int16) error {
	v := &s.v
	for {
		t, id, err := r.fieldHeader()
		if err != nil {
			return err
		}
		if t == tStop {
			return nil
		}
		handled := true
		switch {
		case id == 1 && t == tList && m == mBool:
			v.Bools, err = readBoolList(r, s.prev.Bools)
		case id == 1 && t == tList && m == mInt32:
			v.Int64s, err = readI32List(r, s.prev.Int64s)
		case id == 1 && t == tList && (m == mInt64 || m == mDate || m == mTime):
			v.Int64s, err = readI64List(r, s.prev.Int64s)
		case id == 1 && t == tList && (m == mFloat32 || m == mFloat64):
			v.Float64s, err = readDoubleList(r, s.prev.Float64s)
		case id == 1 && t == tList && m == mVarchar:
			// BINARY keeps raw bytes. If the type is not known yet (vectorType after data),
			// decode as bytes too; finish converts them to strings without copying.
			if s.haveType && s.v.Type != Binary {
				v.Strings, _, err = readBinaryList(r, false, s.prev.Strings, nil)
			} else {
				_, v.Bytes, err = readBinaryList(r, true, nil, s.prev.Bytes)
				s.bytesText = true
			}
		case id == 2 && t == tList && m == mTime:
			v.Zones, _, err = readBinaryList(r, false, nil, nil)
		case id == 1 && t == tList && m == mDecimal:
			_, v.Bytes, err = readBinaryList(r, true, nil, s.prev.Bytes)
		case id == 2 && t == tI32 && (m == mDecimal || m == mDecimalConst):
			n, ok := r.i32()
			if !ok {
				return r.truncated("decimal scale")
			}
			v.Scale = n
		case id == 1 && t == tBool && m == mBoolConst:
			c, ok := r.u8()
			if !ok {
				return r.truncated("boolConstantData")
			}
			v.Bools = []bool{c != 0}
		case id == 1 && t == tI64 && (m == mDateConst || m == mNumericConst || m == mTimeConst):
			n, ok := r.i64()
			if !ok {
				return r.truncated("constant i64")
			}
			v.Int64s = []int64{n}
		case id == 1 && t == tDouble && m == mDoubleConst:
			n, ok := r.i64()
			if !ok {
				return r.truncated("numericDecimalConstantData")
			}
			v.Float64s = []float64{math.Float64frombits(uint64(n))}
		case id == 2 && t == tString && m == mTimeConst:
			b, err := r.bytesField()
			if err != nil {
				return err
			}
			v.Zones = []string{string(b)}
		case id == 1 && t == tString && m == mVarcharConst:
			b, err := r.bytesField()
			if err != nil {
				return err
			}
			if s.haveType && s.v.Type != Binary {
				v.Strings = []string{string(b)}
			} else {
				v.Bytes, s.bytesText = [][]byte{append([]byte{}, b...)}, true
			}
		case id == 1 && t == tString && m == mDecimalConst:
			b, err := r.bytesField()
			if err != nil {
				return err
			}
			v.Bytes = [][]byte{append([]byte{}, b...)}
		default: // includes nullConstantData and temporalIntervalConstantData (one ignored byte)
			handled = false
		}
		if !handled {
			err = r.skip(t, 0)
		}
		if err != nil {
			return err
		}
	}
}
