package connector

// Explain returns query with each ? placeholder replaced by the SQL literal of the matching
// argument, as Interpolate would send it, for logs and tools (the GORM dialect's Explain). It
// never fails and never modifies args: an argument that has no literal prints as an unparseable
// marker such as <unsupported []byte>, a placeholder without an argument stays ?, extra
// arguments are ignored, and when the driver would refuse the text (an unterminated literal,
// identifier or block comment, or a ? glued to a neighbour its value would merge with),
// everything after the last complete literal, identifier or comment before the problem is kept
// as it is, placeholders unreplaced.
func Explain(query string, args ...any) string {
	b := make([]byte, 0, len(query)+16*len(args))
	b, _, done, _ := substitute(b, query, func(b []byte, i int) ([]byte, error) {
		if i >= len(args) {
			return append(b, '?'), nil
		}
		if lit, err := appendLiteral(b, args[i], litState{}); err == nil {
			return lit, nil
		}
		return append(append(append(b, "<unsupported "...), typeName(args[i])...), '>'), nil
	})
	return string(append(b, query[done:]...))
}
