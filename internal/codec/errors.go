package codec

import (
	"errors"
	"strconv"
)

// ErrCorrupt is the sentinel every decode error wraps: errors.Is(err, ErrCorrupt) reports that
// the bytes could not be decoded (truncated, malformed or semantically invalid).
var ErrCorrupt = errors.New("codec: corrupt input")

// ErrLimit is wrapped, beside ErrCorrupt, by a decode error for input that claims more than a
// bound its caller set (Limits): the claim is refused before anything is allocated or done for
// it. errors.Is(err, ErrLimit) tells such a refusal from malformed bytes, so that the caller can
// name the setting behind the bound.
var ErrLimit = errors.New("codec: beyond the configured limit")

// ErrInvalid is the sentinel every encode error wraps: the value handed to an encoder cannot be
// written (inconsistent lengths, out-of-range numbers, strings too long, ...).
var ErrInvalid = errors.New("codec: invalid value")

// ErrUnknownZone is wrapped by ParseZone (and by decode errors caused by it) when a zone
// spelling is neither an offset form nor a known IANA name.
var ErrUnknownZone = errors.New("codec: unknown time zone")

// DecodeError describes why and where decoding failed. It wraps ErrCorrupt and, when set, Err.
type DecodeError struct {
	Part   string // "metadata" or "chunk"
	Offset int    // byte offset in the input where the problem was detected
	Reason string // what is wrong
	Err    error  // underlying cause, e.g. from ParseZone; may be nil
}

// Error reports the part, the offset and the reason.
func (e *DecodeError) Error() string {
	s := "codec: corrupt " + e.Part + " at byte " + strconv.Itoa(e.Offset) + ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns ErrCorrupt and the underlying cause, so errors.Is matches either.
func (e *DecodeError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrCorrupt, e.Err}
	}
	return []error{ErrCorrupt}
}

// EncodeError describes why a value could not be encoded. It wraps ErrInvalid.
type EncodeError struct {
	Part   string // "metadata" or "chunk"
	Index  int    // field (metadata) or vector (chunk) index; -1 when it concerns the whole value
	Reason string // what is wrong
}

// Error reports the part, the index and the reason.
func (e *EncodeError) Error() string {
	s := "codec: cannot encode " + e.Part
	if e.Index >= 0 {
		s += " column " + strconv.Itoa(e.Index)
	}
	return s + ": " + e.Reason
}

// Unwrap returns ErrInvalid so errors.Is(err, ErrInvalid) holds.
func (e *EncodeError) Unwrap() error { return ErrInvalid }
