package codec

import (
	"bytes"
	"encoding/binary"
	"math"
	"unsafe"
)

// The list readers below are the decoder's hot loops. Each checks the whole list against the
// remaining bytes once (reader.list), allocates the result exactly once, and then converts
// elements in a tight loop over a pre-sliced window of the input, so the per-element work is a
// load, a byte swap and a store with no function calls or error checks.

// reuse returns s resliced to n elements when it has the room, else a new slice: the list
// readers fill every element, so old contents never show.
func reuse[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

func decodeBools(src []byte, old []bool) []bool {
	out := reuse(old, len(src))
	for i, c := range src {
		out[i] = c != 0
	}
	return out
}

func readBoolList(r *reader, old []bool) ([]bool, error) {
	n, err := r.list(tBool, 1)
	if err != nil {
		return nil, err
	}
	out := decodeBools(r.b[r.pos:r.pos+n], old)
	r.pos += n
	return out, nil
}

func readI32List(r *reader, old []int64) ([]int64, error) {
	n, err := r.list(tI32, 4)
	if err != nil {
		return nil, err
	}
	src := r.b[r.pos : r.pos+4*n]
	r.pos += 4 * n
	out := reuse(old, n)
	for i := range out {
		out[i] = int64(int32(binary.BigEndian.Uint32(src[4*i : 4*i+4])))
	}
	return out, nil
}

func readI64List(r *reader, old []int64) ([]int64, error) {
	n, err := r.list(tI64, 8)
	if err != nil {
		return nil, err
	}
	src := r.b[r.pos : r.pos+8*n]
	r.pos += 8 * n
	out := reuse(old, n)
	for i := range out {
		out[i] = int64(binary.BigEndian.Uint64(src[8*i : 8*i+8]))
	}
	return out, nil
}

func readDoubleList(r *reader, old []float64) ([]float64, error) {
	n, err := r.list(tDouble, 8)
	if err != nil {
		return nil, err
	}
	src := r.b[r.pos : r.pos+8*n]
	r.pos += 8 * n
	out := reuse(old, n)
	for i := range out {
		out[i] = math.Float64frombits(binary.BigEndian.Uint64(src[8*i : 8*i+8]))
	}
	return out, nil
}

// readBinaryList reads a LIST of STRING/BINARY as strings (asBytes false) or byte slices.
//
// A first pass validates every length and finds the end of the list. The whole list, length
// prefixes included, is then copied into ONE private allocation with a single memmove (cheaper
// than n small copies; the prefixes cost 4 bytes a row), and a second pass slices the values
// out of that copy. So a vector costs two allocations whatever its row count, and never
// aliases the caller's input. Byte slices get cap == len so an append cannot overwrite the
// neighbouring value.
func readBinaryList(r *reader, asBytes bool, oldStrings []string, oldBytes [][]byte) ([]string, [][]byte, error) {
	n, err := r.list(tString, 4)
	if err != nil {
		return nil, nil, err
	}
	start, b := r.pos, r.b
	p := start
	for i := 0; i < n; i++ {
		if len(b)-p < 4 {
			return nil, nil, r.fail(p, "truncated string in list")
		}
		l := int32(binary.BigEndian.Uint32(b[p:]))
		if l < 0 {
			return nil, nil, r.fail(p, "negative string length "+itoa(int64(l)))
		}
		p += 4
		if int(l) > len(b)-p {
			return nil, nil, r.fail(p-4, "string length "+itoa(int64(l))+" exceeds the remaining bytes")
		}
		p += int(l)
	}
	r.pos = p
	blob := b[start:p:p]
	if !r.shared {
		blob = bytes.Clone(blob) // unlike make+copy, does not zero the memory first
	}
	if asBytes {
		out := reuse(oldBytes, n)
		q := 0
		for i := range out {
			l := int(binary.BigEndian.Uint32(blob[q:]))
			q += 4
			out[i] = blob[q : q+l : q+l]
			q += l
		}
		return nil, out, nil
	}
	out := reuse(oldStrings, n)
	q := 0
	for i := range out {
		l := int(binary.BigEndian.Uint32(blob[q:]))
		q += 4
		if l > 0 {
			// unsafe.String over blob: blob is this function's private copy (or, shared, an
			// input its caller promised never to modify), nothing ever writes to it again, so
			// the strings are immutable.
			out[i] = unsafe.String(&blob[q], l)
		}
		q += l
	}
	return out, nil, nil
}

// bytesToStrings turns byte slices produced by readBinaryList into strings without copying.
// Only valid for slices of a private blob that no one will write to or hand out again: the
// caller drops the [][]byte right after.
func bytesToStrings(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		if len(b) > 0 {
			out[i] = unsafe.String(&b[0], len(b))
		}
	}
	return out
}
