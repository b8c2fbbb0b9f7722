package connector

import (
	"strings"
)

// Explain returns query with each ? placeholder replaced by the SQL literal of the matching
// argument, as Interpolate would send it, for logs and tools (the GORM dialect's Explain). It
// never fails and never modifies args: an argument that has no literal prints as an unparseable
// marker such as <unsupported []byte>, a placeholder without an argument stays ?, extra
// arguments are ignored, and when the text has an unterminated literal, identifier or block
// comment, everything after the last complete literal, identifier or comment before it is kept
// as it is (the driver would refuse to send such text).
func Explain(query string, args ...any) string {
	b := make([]byte, 0, len(query)+16*len(args))
	n := 0
	done := 0 // query[:done] is in b
	_ = scanSQL(query, func(kind spanKind, start, end int) error {
		code := query[start:end]
		done = end
		if kind != spanCode {
			b = append(b, code...)
			return nil
		}
		for {
			k := strings.IndexByte(code, '?')
			if k < 0 {
				b = append(b, code...)
				return nil
			}
			b = append(b, code[:k]...)
			code = code[k+1:]
			if n >= len(args) {
				b = append(b, '?')
				continue
			}
			if len(b) > 0 && b[len(b)-1] == '-' {
				b = append(b, ' ') // as Interpolate: "x -?" with -5 must not read as a comment
			}
			if lit, err := appendLiteral(b, args[n], litState{}); err == nil {
				b = lit
			} else {
				b = append(append(append(b, "<unsupported "...), typeName(args[n])...), '>')
			}
			n++
		}
	})
	return string(append(b, query[done:]...))
}
