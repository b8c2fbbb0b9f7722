package codec

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// goldenDir is the in-repo copy of /work/shared/testdata/wire, so tests never depend on a
// path outside the repository. TestGoldenCopyInSync compares it with the shared original when
// that exists beside the repo.
const goldenDir = "testdata/wire"

type chunkCase struct {
	File    string `json:"file"`
	Note    string `json:"note"`
	Rows    int    `json:"rows"`
	Error   bool   `json:"error"`
	Columns []struct {
		Type      string   `json:"type"`
		Scale     *int32   `json:"scale"`
		Values    []any    `json:"values"`
		ValuesHex []any    `json:"values_hex"`
		Zones     []string `json:"zones"`
	} `json:"columns"`
}

func readGolden(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(goldenDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func loadChunkCases(t testing.TB) []chunkCase {
	var doc struct{ Cases []chunkCase }
	if err := json.Unmarshal(readGolden(t, "chunks.json"), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Cases
}

func TestGoldenCopyInSync(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared", "testdata", "wire")
	entries, err := os.ReadDir(shared)
	if err != nil {
		t.Skipf("shared golden files not beside the repo: %v", err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".md" {
			continue // the data must match; our README describes it in our own words
		}
		want, err := os.ReadFile(filepath.Join(shared, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if got := readGolden(t, e.Name()); !bytes.Equal(got, want) {
			t.Errorf("%s: testdata copy differs from %s", e.Name(), shared)
		}
	}
}

func TestGoldenChunks(t *testing.T) {
	for _, tc := range loadChunkCases(t) {
		t.Run(tc.File, func(t *testing.T) {
			in := readGolden(t, tc.File)
			c, err := DecodeChunk(in)
			if tc.Error {
				var de *DecodeError
				if !errors.Is(err, ErrCorrupt) || !errors.As(err, &de) {
					t.Fatalf("want a DecodeError wrapping ErrCorrupt, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Size != tc.Rows || len(c.Vectors) != len(tc.Columns) {
				t.Fatalf("size %d vectors %d, want %d %d", c.Size, len(c.Vectors), tc.Rows, len(tc.Columns))
			}
			for ci, col := range tc.Columns {
				v := &c.Vectors[ci]
				if want, _ := ParseVectorType(col.Type); v.Type != want {
					t.Fatalf("column %d type %v, want %v", ci, v.Type, want)
				}
				if col.Scale != nil && v.Scale != *col.Scale {
					t.Errorf("column %d scale %d, want %d", ci, v.Scale, *col.Scale)
				}
				values := col.Values
				if col.ValuesHex != nil {
					values = col.ValuesHex
				}
				for r, want := range values {
					checkGoldenValue(t, v, r, want, col.Zones)
				}
			}
			// The encoder must reproduce the Thrift library's bytes exactly. Every golden
			// chunk was written with all nullSets and isConstantVector present, so no optional
			// field differs.
			out, err := AppendChunk(nil, c)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, in) {
				t.Errorf("re-encoded bytes differ:\n got %x\nwant %x", out, in)
			}
		})
	}
}

func checkGoldenValue(t *testing.T, v *Vector, r int, want any, zones []string) {
	t.Helper()
	got := v.Value(r)
	if want == nil {
		if got != nil || !v.IsNull(r) {
			t.Errorf("row %d: got %#v, want NULL", r, got)
		}
		return
	}
	var s string
	switch g := got.(type) {
	case int64:
		s = strconv.FormatInt(g, 10)
	case float64, bool:
		if got != want {
			t.Errorf("row %d: got %v, want %v", r, got, want)
		}
		return
	case string:
		s = g
	case []byte:
		s = hex.EncodeToString(g)
	case time.Time:
		switch v.Type {
		case Date:
			s = g.Format(time.DateOnly)
		case TimestampTZ:
			w, err := time.Parse(time.RFC3339Nano, want.(string))
			if err != nil {
				t.Fatal(err)
			}
			_, goff := g.Zone()
			_, woff := w.Zone()
			if !g.Equal(w) || goff != woff {
				t.Errorf("row %d: got %v, want %v", r, g, w)
			}
			if v.Zones[min(r, len(v.Zones)-1)] != zones[r] {
				t.Errorf("row %d: zone %q, want %q", r, v.Zones[r], zones[r])
			}
			return
		default:
			s = g.Format("2006-01-02T15:04:05.000000Z07:00")
		}
	default:
		t.Fatalf("row %d: unexpected %T %v", r, got, got)
	}
	if s != want {
		t.Errorf("row %d: got %q, want %q", r, s, want)
	}
}

func TestGoldenMetadata(t *testing.T) {
	var doc struct {
		Cases []struct {
			File     string     `json:"file"`
			RowCount string     `json:"rowcount"`
			Fields   [][]string `json:"fields"`
		}
	}
	if err := json.Unmarshal(readGolden(t, "meta.json"), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tc := range doc.Cases {
		t.Run(tc.File, func(t *testing.T) {
			in := readGolden(t, tc.File)
			m, err := DecodeMetadata(in)
			if err != nil {
				t.Fatal(err)
			}
			if strconv.FormatInt(m.RowCount, 10) != tc.RowCount || len(m.Fields) != len(tc.Fields) {
				t.Fatalf("got rowcount %d, %d fields; want %s, %d", m.RowCount, len(m.Fields), tc.RowCount, len(tc.Fields))
			}
			for i, f := range m.Fields {
				got := []string{f.Name, f.Type, f.Zone, f.DateFormat}
				for j := range got {
					if got[j] != tc.Fields[i][j] {
						t.Errorf("field %d part %d: got %q, want %q", i, j, got[j], tc.Fields[i][j])
					}
				}
			}
			out, err := AppendMetadata(nil, &m)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, in) {
				t.Errorf("re-encoded metadata differs:\n got %x\nwant %x", out, in)
			}
		})
	}
}
