// Package ident quotes e6data identifiers, for the GORM dialect's QuoteTo and the clause
// builders: every part of a dotted name in double quotes, embedded quotes doubled, parts that are
// already quoted kept as they are.
package ident

import "strings"

// Writer is what the quoting writes to: a *strings.Builder, a *bytes.Buffer, a gorm.Statement.
type Writer interface {
	WriteByte(c byte) error
	WriteString(s string) (int, error)
}

// The states of the scanner that finds the end of one part of a dotted name.
type state uint8

const (
	partStart state = iota // at the first byte of a part
	bare                   // in a part that did not start with "
	quoted                 // inside "…"
	quoteSeen              // just after a " inside "…": "" (an escaped quote), the end of the part, or junk
	junk                   // after a closing " that was not followed by . or the end: not a quoted part
)

// Write writes name quoted for e6data to w: it splits name on the dots outside double quotes,
// writes each part that is exactly "…" (with embedded quotes doubled) as it is and quotes any
// other part, doubling its quotes; a part that is * stays *. It never changes case, trims, or
// adds a qualifier: users → "users", sales.orders → "sales"."orders", a"b → "a""b",
// "cat.db".t → "cat.db"."t".
func Write(w Writer, name string) {
	st, start := partStart, 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch st {
		case partStart:
			switch c {
			case '"':
				st = quoted
			case '.':
				writePart(w, name[start:i], false)
				_ = w.WriteByte('.')
				start = i + 1
			default:
				st = bare
			}
		case bare, junk:
			if c == '.' {
				writePart(w, name[start:i], false)
				_ = w.WriteByte('.')
				st, start = partStart, i+1
			}
		case quoted:
			if c == '"' {
				st = quoteSeen
			}
		case quoteSeen:
			switch c {
			case '"':
				st = quoted // "" inside a quoted part
			case '.':
				writePart(w, name[start:i], true)
				_ = w.WriteByte('.')
				st, start = partStart, i+1
			default:
				st = junk // "a"b: not a quoted part; quote all of it
			}
		}
	}
	writePart(w, name[start:], st == quoteSeen)
}

// writePart writes one part: as it is when it is already quoted or *, else quoted.
func writePart(w Writer, part string, isQuoted bool) {
	if isQuoted || part == "*" {
		_, _ = w.WriteString(part)
		return
	}
	_ = w.WriteByte('"')
	for {
		k := strings.IndexByte(part, '"')
		if k < 0 {
			break
		}
		_, _ = w.WriteString(part[:k+1])
		_ = w.WriteByte('"')
		part = part[k+1:]
	}
	_, _ = w.WriteString(part)
	_ = w.WriteByte('"')
}

// Quote returns name quoted as Write writes it.
func Quote(name string) string {
	var b strings.Builder
	b.Grow(len(name) + 4)
	Write(&b, name)
	return b.String()
}
