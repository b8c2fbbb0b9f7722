package codec

import (
	"errors"
	"strings"
	"testing"
)

func TestMetadataSpecExample(t *testing.T) {
	in := []byte{0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 'i', 'd', 0, 4, 'L', 'O', 'N', 'G', 0, 0, 0, 0}
	m, err := DecodeMetadata(in)
	if err != nil || m.RowCount != 2 || len(m.Fields) != 1 || m.Fields[0] != (Field{Name: "id", Type: "LONG"}) {
		t.Fatalf("got %+v, %v", m, err)
	}
	// Trailing bytes are ignored.
	if m2, err := DecodeMetadata(append(in, 1, 2, 3)); err != nil || len(m2.Fields) != 1 {
		t.Fatalf("trailing bytes: %+v, %v", m2, err)
	}
}

func TestMetadataErrors(t *testing.T) {
	head := func(n byte) []byte { return []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n} }
	cases := map[string][]byte{
		"short header":      {0, 0, 0},
		"negative count":    {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff},
		"count too large":   append(head(9), make([]byte, 16)...),
		"truncated strings": append(head(1), 0, 2, 'i', 'd', 0, 4, 'L'),
		"missing length":    append(head(1), 0, 0, 0, 0, 0, 0, 0),
		"bad modified UTF8": append(head(1), 0, 1, 0x80, 0, 0, 0, 0, 0, 0),
	}
	for name, in := range cases {
		_, err := DecodeMetadata(in)
		var de *DecodeError
		if !errors.Is(err, ErrCorrupt) || !errors.As(err, &de) || de.Part != "metadata" {
			t.Errorf("%s: got %v, want a metadata DecodeError", name, err)
		}
	}
}

func TestAppendMetadataErrors(t *testing.T) {
	prefix := []byte("keep")
	for name, m := range map[string]*Metadata{
		"nil":         nil,
		"too long":    {Fields: []Field{{Name: "a"}, {Name: strings.Repeat("x", 65536)}}},
		"invalid utf": {Fields: []Field{{Type: "\xff"}}},
	} {
		out, err := AppendMetadata(prefix, m)
		if !errors.Is(err, ErrInvalid) || string(out) != "keep" {
			t.Errorf("%s: got %q, %v", name, out, err)
		}
	}
	m := &Metadata{RowCount: -1, Fields: []Field{{"nul\x00", "STRING", "Asia/Kolkata", "yyyy"}, {"😀", "LONG", "", ""}}}
	b, err := AppendMetadata(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeMetadata(b)
	if err != nil || got.RowCount != -1 || got.Fields[0] != m.Fields[0] || got.Fields[1] != m.Fields[1] {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
}
