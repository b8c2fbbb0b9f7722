package codec

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// addGoldenSeeds adds every golden file whose name matches to the fuzz corpus, so the fuzz
// targets also run over them as ordinary tests.
func addGoldenSeeds(f *testing.F, meta bool) {
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.bin"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no golden files: %v", err)
	}
	for _, p := range files {
		if strings.HasPrefix(filepath.Base(p), "meta_") != meta {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzDecodeMetadata(f *testing.F) {
	addGoldenSeeds(f, true)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMetadata(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		// Whatever decodes re-encodes, and decodes to the same metadata.
		out, err := AppendMetadata(nil, &m)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		m2, err := DecodeMetadata(out)
		if err != nil || m2.RowCount != m.RowCount || len(m2.Fields) != len(m.Fields) {
			t.Fatalf("second decode: %+v, %v", m2, err)
		}
		for i := range m.Fields {
			if m.Fields[i] != m2.Fields[i] {
				t.Fatalf("field %d: %+v != %+v", i, m.Fields[i], m2.Fields[i])
			}
		}
	})
}

func FuzzDecodeChunk(f *testing.F) {
	addGoldenSeeds(f, false)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeChunk(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		for i := range c.Vectors {
			v := &c.Vectors[i]
			// Constant vectors let a tiny input claim a billion rows: probe the edges only.
			for _, r := range []int{-1, 0, 1, 2, c.Size / 2, c.Size - 1, c.Size} {
				// Corrupt input is an error, never a wrong value: a row that is not NULL has
				// a value.
				if x := v.Value(r); x == nil && r >= 0 && r < c.Size && !v.IsNull(r) {
					t.Fatalf("vector %d (%s), row %d: not NULL, but its value is nil", i, v.Type, r)
				}
			}
		}
		// A decoded chunk is valid input for the encoder, and survives a round trip.
		out, err := AppendChunk(nil, c)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		c2, err := DecodeChunk(out)
		if err != nil {
			t.Fatalf("decode of re-encoded chunk: %v", err)
		}
		out2, err := AppendChunk(nil, c2)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("encoding not stable: %v", err)
		}
		// Within Limits, the same chunk with its vectors past MaxVectors left out; a claim
		// beyond MaxRows is refused with ErrLimit, whatever else the bytes hold.
		lim := Limits{MaxRows: 8, MaxVectors: 1}
		c4, err := DecodeChunkNoCopy(bytes.Clone(b), nil, lim)
		switch {
		case err != nil && !errors.Is(err, ErrLimit):
			t.Fatalf("with %+v: %v, want nil or ErrLimit", lim, err)
		case err == nil && c.Size > lim.MaxRows:
			t.Fatalf("with %+v: %d rows accepted", lim, c.Size)
		case err == nil:
			want, _ := AppendChunk(nil, &Chunk{Size: c.Size, Vectors: c.Vectors[:min(len(c.Vectors), lim.MaxVectors)]})
			if got, err := AppendChunk(nil, c4); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("with %+v: decoded another chunk: %v", lim, err)
			}
		}
		// DecodeChunkNoCopy decodes exactly what DecodeChunk does, alone and into the memory
		// of a chunk of the same shape (c2, whose values PrepareValues filled in too).
		for _, recycle := range []*Chunk{nil, c2} {
			if recycle != nil {
				for i := range recycle.Vectors {
					recycle.Vectors[i].PrepareValues()
				}
			}
			c3, err := DecodeChunkNoCopy(bytes.Clone(b), recycle, Limits{})
			if err != nil {
				t.Fatalf("DecodeChunkNoCopy refused what DecodeChunk accepted: %v", err)
			}
			if out3, err := AppendChunk(nil, c3); err != nil || !bytes.Equal(out, out3) {
				t.Fatalf("DecodeChunkNoCopy (recycling %v) decoded another chunk: %v", recycle != nil, err)
			}
			for i := range c3.Vectors {
				for _, r := range []int{0, c3.Size / 2, c3.Size - 1} {
					if got, want := c3.Vectors[i].Value(r), c.Vectors[i].Value(r); !reflect.DeepEqual(got, want) {
						t.Fatalf("recycling %v: vector %d row %d: %#v, want %#v", recycle != nil, i, r, got, want)
					}
				}
			}
		}
	})
}
