package codec

import (
	"encoding/binary"
	"math"
)

// Thrift TBinaryProtocol type ids, the byte before each field, list and map element type.
const (
	tStop   byte = 0
	tBool   byte = 2
	tByte   byte = 3
	tDouble byte = 4
	tI16    byte = 6
	tI32    byte = 8
	tI64    byte = 10
	tString byte = 11
	tStruct byte = 12
	tMap    byte = 13
	tSet    byte = 14
	tList   byte = 15
	tUUID   byte = 16 // newer Thrift versions; only ever skipped
)

// maxSkipDepth bounds the nesting of unknown values we skip, so hostile input cannot exhaust
// the stack.
const maxSkipDepth = 64

// reader is a bounds-checked cursor over TBinaryProtocol bytes. Its methods never panic: each
// reports failure with ok=false or an error carrying the offset.
type reader struct {
	b   []byte
	pos int
	// shared: strings and byte slices decoded from b may view b (DecodeChunkNoCopy) instead of
	// a private copy.
	shared bool
	// old are the vectors of a chunk whose memory the decoded one may take over.
	old []Vector
}

func (r *reader) remaining() int { return len(r.b) - r.pos }

func (r *reader) fail(off int, reason string) error {
	return &DecodeError{Part: "chunk", Offset: off, Reason: reason}
}

func (r *reader) truncated(what string) error {
	return r.fail(r.pos, "truncated "+what)
}

func (r *reader) u8() (byte, bool) {
	if r.pos >= len(r.b) {
		return 0, false
	}
	c := r.b[r.pos]
	r.pos++
	return c, true
}

func (r *reader) i32() (int32, bool) {
	if r.remaining() < 4 {
		return 0, false
	}
	v := int32(binary.BigEndian.Uint32(r.b[r.pos:]))
	r.pos += 4
	return v, true
}

func (r *reader) i64() (int64, bool) {
	if r.remaining() < 8 {
		return 0, false
	}
	v := int64(binary.BigEndian.Uint64(r.b[r.pos:]))
	r.pos += 8
	return v, true
}

// fieldHeader reads a field header; typ is tStop (and id 0) at the end of a struct.
func (r *reader) fieldHeader() (typ byte, id int16, err error) {
	typ, ok := r.u8()
	if !ok {
		return 0, 0, r.truncated("struct: missing field header or STOP")
	}
	if typ == tStop {
		return tStop, 0, nil
	}
	if r.remaining() < 2 {
		return 0, 0, r.truncated("field header")
	}
	id = int16(binary.BigEndian.Uint16(r.b[r.pos:]))
	r.pos += 2
	return typ, id, nil
}

// bytesField reads a string/binary value, returning a slice of the input (callers copy it).
func (r *reader) bytesField() ([]byte, error) {
	off := r.pos
	n, ok := r.i32()
	if !ok {
		return nil, r.truncated("string length")
	}
	if n < 0 {
		return nil, r.fail(off, "negative string length "+itoa(int64(n)))
	}
	if int(n) > r.remaining() {
		return nil, r.fail(off, "string length "+itoa(int64(n))+" exceeds the remaining bytes")
	}
	s := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return s, nil
}

// list reads a list header whose element type must be want, and checks that count elements of
// at least minSize bytes each fit in the remaining bytes, so callers may allocate count.
func (r *reader) list(want byte, minSize int) (int, error) {
	off := r.pos
	et, ok := r.u8()
	if !ok {
		return 0, r.truncated("list header")
	}
	n, ok := r.i32()
	if !ok {
		return 0, r.truncated("list header")
	}
	if n < 0 {
		return 0, r.fail(off, "negative list count "+itoa(int64(n)))
	}
	if et != want && n > 0 {
		return 0, r.fail(off, "list element type "+itoa(int64(et))+", want "+itoa(int64(want)))
	}
	if int64(n) > int64(r.remaining()/minSize) {
		return 0, r.fail(off, "list count "+itoa(int64(n))+" exceeds the remaining bytes")
	}
	return int(n), nil
}

// fixedSize returns the encoded size of a fixed-width Thrift type, or 0 for variable ones.
func fixedSize(t byte) int {
	switch t {
	case tBool, tByte:
		return 1
	case tI16:
		return 2
	case tI32:
		return 4
	case tDouble, tI64:
		return 8
	case tUUID:
		return 16
	}
	return 0
}

// skip consumes one value of Thrift type t without allocating.
func (r *reader) skip(t byte, depth int) error {
	if depth > maxSkipDepth {
		return r.fail(r.pos, "values nested deeper than "+itoa(maxSkipDepth))
	}
	if n := fixedSize(t); n > 0 {
		if r.remaining() < n {
			return r.truncated("value")
		}
		r.pos += n
		return nil
	}
	switch t {
	case tString:
		_, err := r.bytesField()
		return err
	case tStruct:
		for {
			ft, _, err := r.fieldHeader()
			if err != nil || ft == tStop {
				return err
			}
			if err := r.skip(ft, depth+1); err != nil {
				return err
			}
		}
	case tMap, tSet, tList:
		off := r.pos
		var kt, vt byte = 0, 0
		hdr := 5
		if t == tMap {
			hdr = 6
		}
		if r.remaining() < hdr {
			return r.truncated("container header")
		}
		kt = r.b[r.pos]
		if t == tMap {
			vt = r.b[r.pos+1]
		}
		n := int32(binary.BigEndian.Uint32(r.b[r.pos+hdr-4:]))
		r.pos += hdr
		if n < 0 {
			return r.fail(off, "negative container count "+itoa(int64(n)))
		}
		if n == 0 {
			return nil
		}
		// Every element takes at least one byte: reject impossible counts before looping.
		if int64(n) > int64(r.remaining()) {
			return r.fail(off, "container count "+itoa(int64(n))+" exceeds the remaining bytes")
		}
		ks, vs := fixedSize(kt), fixedSize(vt)
		if ks > 0 && (t != tMap || vs > 0) {
			total := int64(n) * int64(ks+vs)
			if total > int64(r.remaining()) {
				return r.truncated("container")
			}
			r.pos += int(total)
			return nil
		}
		for i := int32(0); i < n; i++ {
			if err := r.skip(kt, depth+1); err != nil {
				return err
			}
			if t == tMap {
				if err := r.skip(vt, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return r.fail(r.pos, "unknown Thrift type "+itoa(int64(t)))
}

// Writer helpers: TBinaryProtocol encoding appended to a byte slice.

func appendField(b []byte, t byte, id int16) []byte {
	return append(b, t, byte(uint16(id)>>8), byte(id))
}

func appendI32Field(b []byte, id int16, v int32) []byte {
	return binary.BigEndian.AppendUint32(appendField(b, tI32, id), uint32(v))
}

func appendI64Field(b []byte, id int16, v int64) []byte {
	return binary.BigEndian.AppendUint64(appendField(b, tI64, id), uint64(v))
}

func appendBoolField(b []byte, id int16, v bool) []byte {
	return append(appendField(b, tBool, id), boolByte(v))
}

func appendDoubleField(b []byte, id int16, v float64) []byte {
	return binary.BigEndian.AppendUint64(appendField(b, tDouble, id), math.Float64bits(v))
}

func appendBinaryField(b []byte, id int16, v []byte) []byte {
	b = binary.BigEndian.AppendUint32(appendField(b, tString, id), uint32(len(v)))
	return append(b, v...)
}

func appendStringField(b []byte, id int16, v string) []byte {
	b = binary.BigEndian.AppendUint32(appendField(b, tString, id), uint32(len(v)))
	return append(b, v...)
}

func appendListHeader(b []byte, id int16, et byte, n int) []byte {
	b = append(appendField(b, tList, id), et)
	return binary.BigEndian.AppendUint32(b, uint32(n))
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}
