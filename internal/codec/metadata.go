package codec

import (
	"encoding/binary"
	"math"
)

// DecodeMetadata decodes GetResultMetadataResponse.resultMetaData: an i64 row count, an i32
// field count, then per field name, type, zone and date format as Java UTF strings (modified
// UTF-8). Running out of bytes, a negative count or invalid modified UTF-8 is a *DecodeError
// wrapping ErrCorrupt. Trailing bytes are ignored after at least one field, as e6data's own
// client does; after a field count of 0 they are an error, since the count is then most likely
// corrupt and the result would silently read as having no columns.
func DecodeMetadata(b []byte) (Metadata, error) {
	if len(b) < 12 {
		return Metadata{}, metaErr(len(b), "need 12 header bytes, have "+itoa(int64(len(b))), nil)
	}
	m := Metadata{RowCount: int64(binary.BigEndian.Uint64(b))}
	n := int32(binary.BigEndian.Uint32(b[8:]))
	if n < 0 {
		return Metadata{}, metaErr(8, "negative field count "+itoa(int64(n)), nil)
	}
	pos := 12
	// Every field takes at least 4 empty strings = 8 bytes: check before allocating.
	if int64(n) > int64(len(b)-pos)/8 {
		return Metadata{}, metaErr(8, "field count "+itoa(int64(n))+" exceeds the remaining bytes", nil)
	}
	if n == 0 && len(b) > pos {
		return Metadata{}, metaErr(pos, itoa(int64(len(b)-pos))+" bytes after a field count of 0", nil)
	}
	// The count is only known to fit in the bytes, which may hold anything, and a Field takes 8
	// times its least wire size in memory: the slice grows with the fields actually decoded.
	m.Fields = make([]Field, 0, min(n, 64))
	for i := range int(n) {
		m.Fields = append(m.Fields, Field{})
		f := &m.Fields[i]
		for _, dst := range [4]*string{&f.Name, &f.Type, &f.Zone, &f.DateFormat} {
			if len(b)-pos < 2 {
				return Metadata{}, metaErr(pos, "truncated string length of field "+itoa(int64(i)), nil)
			}
			l := int(binary.BigEndian.Uint16(b[pos:]))
			if len(b)-pos-2 < l {
				return Metadata{}, metaErr(pos, "string of "+itoa(int64(l))+" bytes runs past the end in field "+itoa(int64(i)), nil)
			}
			s, err := decodeModifiedUTF8(b[pos+2 : pos+2+l])
			if err != nil {
				return Metadata{}, metaErr(pos, "string of field "+itoa(int64(i)), err)
			}
			*dst = s
			pos += 2 + l
		}
	}
	return m, nil
}

func metaErr(off int, reason string, err error) error {
	return &DecodeError{Part: "metadata", Offset: off, Reason: reason, Err: err}
}

// AppendMetadata appends m encoded as Java's DataOutputStream writes it to dst. A string
// that is not valid UTF-8 or encodes to more than 65535 bytes is an *EncodeError wrapping
// ErrInvalid; dst is then returned unchanged.
func AppendMetadata(dst []byte, m *Metadata) ([]byte, error) {
	if m == nil {
		return dst, &EncodeError{Part: "metadata", Index: -1, Reason: "nil metadata"}
	}
	if len(m.Fields) > math.MaxInt32 {
		return dst, &EncodeError{Part: "metadata", Index: -1, Reason: "too many fields"}
	}
	start := len(dst)
	dst = binary.BigEndian.AppendUint64(dst, uint64(m.RowCount))
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(m.Fields)))
	for i := range m.Fields {
		f := &m.Fields[i]
		for _, s := range [4]string{f.Name, f.Type, f.Zone, f.DateFormat} {
			var err error
			if dst, err = appendModifiedUTF8(dst, s); err != nil {
				return dst[:start], &EncodeError{Part: "metadata", Index: i, Reason: err.Error()}
			}
		}
	}
	return dst, nil
}
