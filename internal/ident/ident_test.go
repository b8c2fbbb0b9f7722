package ident

import (
	"strings"
	"testing"
)

// parts splits quoted output back into identifiers, or reports that it is malformed: every
// part must be * or "…" with embedded quotes doubled.
func parts(out string) ([]string, bool) {
	var res []string
	for i := 0; i <= len(out); {
		if strings.HasPrefix(out[i:], "*") {
			res = append(res, "*")
			i++
		} else {
			if i >= len(out) || out[i] != '"' {
				return nil, false
			}
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(out) {
					return nil, false
				}
				if out[j] == '"' {
					if j+1 < len(out) && out[j+1] == '"' {
						b.WriteByte('"')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(out[j])
				j++
			}
			res = append(res, b.String())
			i = j + 1
		}
		if i == len(out) {
			return res, true
		}
		if out[i] != '.' {
			return nil, false
		}
		i++
	}
	return res, true
}

// FuzzQuote: whatever the input, the output is well-formed quoted identifiers (nothing can
// escape them), and an input without quotes comes back part by part.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"users", `"users"`, `a"b`, "a.b.c", `"a.b".c`, `"a"b`, `"x`, "*", "", "..", `""""`, "t.*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Quote(s)
		got, ok := parts(out)
		if !ok {
			t.Fatalf("Quote(%q) = %q: not well-formed", s, out)
		}
		if !strings.Contains(s, `"`) {
			want := strings.Split(s, ".")
			if strings.Join(got, ".") != strings.Join(want, ".") || len(got) != len(want) {
				t.Fatalf("Quote(%q) = %q: parts %q, want %q", s, out, got, want)
			}
		}
	})
}
