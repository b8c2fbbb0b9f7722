package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"
)

// hostileConstantBatch is a 47-byte batch whose one constant BOOLEAN column claims 2^31-1 rows:
// its bytes prove one value, nothing about the rows.
var hostileConstantBatch = chunkOf(math.MaxInt32, vecOf(sizeF(math.MaxInt32), typeF(Boolean),
	structF(4, structF(mBoolConst, appendBoolField(nil, 1, true))), constF(true)))

// allocated returns the bytes of heap f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDecodeLimits: a batch claiming more rows than Limits.MaxRows is refused with a DecodeError
// wrapping ErrCorrupt and ErrLimit at the size field, whatever its vectors; up to the bound, and
// with the zero Limits, it decodes (the decoder itself does nothing per row of a constant
// vector); vectors past Limits.MaxVectors are skipped, not decoded.
func TestDecodeLimits(t *testing.T) {
	const maxRows = 1 << 20
	garbageVector := vecOf(sizeF(3), typeF(99)) // refused when decoded: unknown vectorType
	cases := []struct {
		name        string
		in          []byte
		lim         Limits
		wantLimit   bool // refused with ErrLimit
		wantRows    int
		wantVectors int
	}{
		{"the issue's batch", hostileConstantBatch, Limits{MaxRows: maxRows}, true, 0, 0},
		{"NULL vector", chunkOf(math.MaxInt32, vecOf(sizeF(math.MaxInt32), typeF(Null))), Limits{MaxRows: maxRows}, true, 0, 0},
		{"no vectors", chunkOf(math.MaxInt32), Limits{MaxRows: maxRows}, true, 0, 0},
		{"one past the bound", chunkOf(maxRows+1, vecOf(sizeF(maxRows+1), typeF(Null))), Limits{MaxRows: maxRows}, true, 0, 0},
		{"at the bound", chunkOf(maxRows, vecOf(sizeF(maxRows), typeF(Null))), Limits{MaxRows: maxRows}, false, maxRows, 1},
		{"zero Limits bound nothing", hostileConstantBatch, Limits{}, false, math.MaxInt32, 1},
		{"end of results past the bound", chunkOf(-1, vecOf(sizeF(math.MaxInt32), typeF(Null))), Limits{MaxRows: maxRows}, false, 0, 0},
		{"vectors past MaxVectors skipped", chunkOf(3, vecOf(sizeF(3), typeF(Null)), garbageVector, garbageVector), Limits{MaxVectors: 1}, false, 3, 1},
		{"MaxVectors beyond the vectors", chunkOf(3, vecOf(sizeF(3), typeF(Null)), vecOf(sizeF(3), typeF(Null))), Limits{MaxVectors: 5}, false, 3, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c *Chunk
			var err error
			if n := allocated(func() { c, err = DecodeChunkNoCopy(bytes.Clone(tc.in), nil, tc.lim) }); n > 64<<10 {
				t.Errorf("decoding %d bytes allocated %d bytes", len(tc.in), n)
			}
			if tc.wantLimit {
				var de *DecodeError
				if !errors.As(err, &de) || !errors.Is(err, ErrCorrupt) || !errors.Is(err, ErrLimit) || de.Offset != 0 {
					t.Fatalf("got %+v, %v; want a DecodeError at byte 0 wrapping ErrCorrupt and ErrLimit", c, err)
				}
				if !strings.Contains(err.Error(), "1048576") {
					t.Errorf("error %q does not name the bound", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Size != tc.wantRows || len(c.Vectors) != tc.wantVectors {
				t.Fatalf("got %d rows, %d vectors; want %d, %d", c.Size, len(c.Vectors), tc.wantRows, tc.wantVectors)
			}
		})
	}
	// Skipped vectors are still read as Thrift: bytes that are not a struct are refused.
	if _, err := DecodeChunkNoCopy(chunkOf(1, vecOf(sizeF(1), typeF(Null)), []byte{tList, 0, 1}), nil, Limits{MaxVectors: 1}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("malformed skipped vector: %v", err)
	}
}

// TestDecodeReservesOnlyWhatItReads: a count that fits in the bytes that follow, which are not
// what it counts, costs no memory: a decoded Vector takes 34 times its least wire size, a Field
// 8 times, so reserving for the claim turned 1 MiB of vector list into 35 MB and 8 MiB of
// metadata into 64 MB.
func TestDecodeReservesOnlyWhatItReads(t *testing.T) {
	const vectors = 1 << 17
	in := appendListHeader(appendI32Field(nil, 1, 1), 2, tStruct, vectors)
	in = append(in, bytes.Repeat([]byte{0xff}, vectors*minVectorBytes)...)
	for _, lim := range []Limits{{}, {MaxVectors: 4}} {
		var err error
		if got := allocated(func() { _, err = DecodeChunkNoCopy(in, nil, lim) }); got > 64<<10 {
			t.Errorf("%+v: %d bytes allocated for a claim of %d vectors", lim, got, vectors)
		}
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%+v: %v, want ErrCorrupt", lim, err)
		}
	}

	const fields = 1 << 20
	md := binary.BigEndian.AppendUint32(make([]byte, 8), fields) // row count 0, field count
	md = append(md, bytes.Repeat([]byte{0xff}, fields*8)...)     // not modified UTF-8
	var err error
	// A string is at most 64 KiB, and its bytes are there: decoding the first may copy them.
	if got := allocated(func() { _, err = DecodeMetadata(md) }); got > 192<<10 {
		t.Errorf("%d bytes allocated for a claim of %d fields", got, fields)
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("metadata: %v, want ErrCorrupt", err)
	}
}
