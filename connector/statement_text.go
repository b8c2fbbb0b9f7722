package connector

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SQLTextError reports SQL text the driver refuses to send: an unterminated literal, identifier
// or block comment, more than one statement, an empty statement, a ? placeholder glued to a
// neighbour its value would merge with, invalid UTF-8, or a NUL byte. Nothing was sent.
type SQLTextError struct {
	Pos    int    // byte offset in the query where the problem starts
	Reason string // what is wrong and what to do instead
}

// Error says where in the text the problem is and what to do about it.
func (e *SQLTextError) Error() string {
	return "e6data: SQL text at byte " + strconv.Itoa(e.Pos) + ": " + e.Reason
}

// PlaceholderCountError reports that the number of ? placeholders in the SQL text differs from
// the number of arguments. Nothing was sent.
type PlaceholderCountError struct {
	Placeholders int // ? placeholders outside literals, identifiers and comments
	Args         int // arguments passed
}

// Error gives both counts.
func (e *PlaceholderCountError) Error() string {
	return "e6data: the query has " + strconv.Itoa(e.Placeholders) + " ? placeholder(s) but " +
		strconv.Itoa(e.Args) + " argument(s) were passed; pass one argument per ? " +
		"(a ? inside '…', \"…\" or a comment is not a placeholder)"
}

// spanKind classifies a run of SQL text for scanSQL.
type spanKind uint8

const (
	spanCode    spanKind = iota // SQL outside the kinds below: the only place ? and ; mean anything
	spanString                  // '…' with \ escaping the next byte
	spanIdent                   // "…" (a doubled "" reads as two adjacent identifiers: same result)
	spanComment                 // -- … and // … to end of line (newline excluded), /* … */
)

// scanSQL is the one lexer for the dialect's scanning rules: it splits query into consecutive
// spans that cover it exactly, calling fn for each in order. Code spans are maximal and never
// empty. An error from fn stops the scan and is returned; an unterminated literal, identifier or
// block comment, and a ? placeholder touching a neighbour its value would merge with (?1, x?,
// 'a'?: see checkPlaceholders), are a *SQLTextError (after fn saw the spans before it).
// Interpolate, Explain and normalizeStatement all use it, so the rules cannot drift apart.
func scanSQL(query string, fn func(kind spanKind, start, end int) error) error {
	code := func(start, end int) error {
		if err := checkPlaceholders(query, start, end); err != nil {
			return err
		}
		return fn(spanCode, start, end)
	}
	codeStart := 0
	for i := 0; i < len(query); {
		// Jump to the next byte that can open a non-code span; all are ASCII, so this never
		// lands inside a multi-byte UTF-8 sequence.
		k := strings.IndexAny(query[i:], `'"-/`)
		if k < 0 {
			break
		}
		i += k
		var kind spanKind
		var end int
		switch c := query[i]; {
		case c == '\'':
			kind, end = spanString, stringEnd(query, i)
		case c == '"':
			kind, end = spanIdent, indexFrom(query, i+1, `"`, 1)
		case (c == '-' || c == '/') && i+1 < len(query) && query[i+1] == c:
			kind, end = spanComment, lineEnd(query, i)
		case c == '/' && i+1 < len(query) && query[i+1] == '*':
			kind, end = spanComment, indexFrom(query, i+2, "*/", 2)
		default:
			i++
			continue
		}
		if end < 0 {
			return unterminated(kind, i)
		}
		if codeStart < i {
			if err := code(codeStart, i); err != nil {
				return err
			}
		}
		if err := fn(kind, i, end); err != nil {
			return err
		}
		i, codeStart = end, end
	}
	if codeStart < len(query) {
		return code(codeStart, len(query))
	}
	return nil
}

// checkPlaceholders refuses a ? in the code span query[start:end] that touches a neighbour its
// value would merge with (mergesWithValue, or an exponent's sign). Where the text glues a ? to
// such a neighbour, its author most likely expected the value to join it (a$? for a$5, 1.? for
// 1.5): sent without a space the value would do just that, silently, and with one it would mean
// something else, so the driver refuses. The decision ignores the argument, so a statement
// fails for every value alike, not only for the values that happen to merge. A ? followed by an
// identifier character gets its own reason: it is most often another driver's numbered or
// named placeholder (?1, ?name). A '-' before a ? is fine: substitute keeps a negative value
// from making "--".
func checkPlaceholders(query string, start, end int) error {
	for i := start; i < end; {
		k := strings.IndexByte(query[i:end], '?')
		if k < 0 {
			return nil
		}
		p := i + k
		i = p + 1
		next := byte(' ')
		if i < len(query) {
			next = query[i]
		}
		if isIdentByte(next) {
			return &SQLTextError{Pos: p, Reason: "numbered or named placeholders such as ?1 or ?name " +
				"are not supported: write a plain ? for each argument and pass the arguments in that order " +
				"(separate a ? from a following word with a space)"}
		}
		if mergesWithValue(next) {
			return gluedPlaceholder(p, "before "+howItMerges(next))
		}
		if p > 0 && mergesWithValue(query[p-1]) {
			return gluedPlaceholder(p, "after "+howItMerges(query[p-1]))
		}
		if exponentSignBefore(query, p) {
			return gluedPlaceholder(p, "after the sign of an exponent: the value would become "+
				"the exponent (1e-? with 5 reads 1e-5)")
		}
	}
	return nil
}

// gluedPlaceholder is the error for the ? at pos that touches a neighbour its value would merge
// with; where names the neighbour and says how it would merge.
func gluedPlaceholder(pos int, where string) *SQLTextError {
	return &SQLTextError{Pos: pos, Reason: "a ? placeholder directly " + where +
		"; separate them with a space or an operator, or pass the whole value as one argument"}
}

// howItMerges names b, a byte mergesWithValue accepts, with an example of the merge.
func howItMerges(b byte) string {
	switch b {
	case '?':
		return "another ?: the two values would run together (?? with 1 and 2 reads 12)"
	case '\'', '"', '`':
		return "a quote (" + string(b) + "): the value would run into the quoted text " +
			"('a'? with 'b' reads 'a''b', one string)"
	case '$':
		return "'$': the value would become part of a name (a$? with 5 reads a$5)"
	case '.':
		return "'.': the value would become part of a number or name (1.? with 5 reads 1.5)"
	}
	return "a name or number: the value would become part of it (x? with 1 reads x1)"
}

// mergesWithValue reports whether b, directly next to a rendered literal, could join it into one
// token or change how it is read: a character of a name or number, '$' (part of e6data names),
// '.' (a decimal point or a qualifier), a quote (two adjacent string literals, a prefixed string
// such as x'…', a quoted name) or another ? (two values with nothing between them).
func mergesWithValue(b byte) bool {
	return isIdentByte(b) || b == '$' || b == '.' || b == '\'' || b == '"' || b == '`' || b == '?'
}

// exponentSignBefore reports whether the ? at p follows the sign of a number's exponent, as in
// 1e-? or 2.5E+?: the sign belongs to the number, so the value would become its exponent.
func exponentSignBefore(query string, p int) bool {
	return p >= 3 && (query[p-1] == '-' || query[p-1] == '+') && isExponentNumber(query[:p-1])
}

// isExponentNumber reports whether s ends with a number that awaits its exponent's digits, such
// as 1e, 2.5E or .5e: digits, then e or E, with no name's character before the digits (x1e is a
// name).
func isExponentNumber(s string) bool {
	n := len(s)
	if n < 2 || (s[n-1] != 'e' && s[n-1] != 'E') {
		return false
	}
	i := n - 1
	for i > 0 && '0' <= s[i-1] && s[i-1] <= '9' {
		i--
	}
	return i < n-1 && (i == 0 || !isIdentByte(s[i-1]) && s[i-1] != '$')
}

// isIdentByte reports whether b can be part of an unquoted identifier or number: an ASCII letter
// or digit, '_', or any byte of a non-ASCII character.
func isIdentByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_' || b >= 0x80
}

// stringEnd returns the offset just past the ' closing the literal opened at open, or -1.
func stringEnd(q string, open int) int {
	for i := open + 1; i < len(q); {
		k := strings.IndexAny(q[i:], `\'`)
		if k < 0 {
			return -1
		}
		i += k
		if q[i] == '\'' {
			return i + 1
		}
		i += 2 // a backslash escapes the next byte, including a quote
	}
	return -1
}

// indexFrom returns the offset just past the first sep at or after from, or -1.
func indexFrom(q string, from int, sep string, sepLen int) int {
	if from > len(q) {
		return -1
	}
	k := strings.Index(q[from:], sep)
	if k < 0 {
		return -1
	}
	return from + k + sepLen
}

// lineEnd returns the offset of the newline ending the line comment at start (the newline stays
// code), or len(q) when the comment runs to the end.
func lineEnd(q string, start int) int {
	k := strings.IndexByte(q[start:], '\n')
	if k < 0 {
		return len(q)
	}
	return start + k
}

func unterminated(kind spanKind, pos int) *SQLTextError {
	reason := "unterminated block comment: close /* with */"
	switch kind {
	case spanString:
		reason = `unterminated string literal: close it with ' ` +
			`(inside a literal, \ escapes the next character, so write \\ for a backslash)`
	case spanIdent:
		reason = `unterminated quoted identifier: close it with "`
	}
	return &SQLTextError{Pos: pos, Reason: reason}
}

// normalizeStatement prepares query for a prepare request: it trims surrounding whitespace and
// one trailing ; (with the whitespace before it), and refuses text checkEncoding refuses, text
// with another ; outside literals, identifiers and comments, text scanSQL refuses, and text with
// no SQL outside comments. It returns a substring of query: no allocation.
func normalizeStatement(query string) (string, error) {
	if err := checkEncoding(query); err != nil {
		return "", err
	}
	s := strings.TrimSpace(query)
	lead := len(query) - len(strings.TrimLeftFunc(query, unicode.IsSpace)) // error offsets are in query
	empty, terminated := true, false
	err := scanSQL(s, func(kind spanKind, start, end int) error {
		switch kind {
		case spanComment:
			return nil
		case spanCode:
			code := s[start:end]
			if k := strings.IndexByte(code, ';'); k >= 0 {
				if start+k != len(s)-1 {
					return &SQLTextError{Pos: start + k, Reason: "one statement per call: e6data runs " +
						"exactly one statement per request; split it into separate calls"}
				}
				terminated, code = true, code[:k]
			}
			if strings.TrimSpace(code) == "" {
				return nil
			}
		}
		empty = false
		return nil
	})
	if err != nil {
		if te, ok := err.(*SQLTextError); ok {
			te.Pos += lead
		}
		return "", err
	}
	if empty {
		return "", &SQLTextError{Pos: 0, Reason: "empty statement: the query has no SQL outside comments"}
	}
	if terminated {
		s = strings.TrimRightFunc(s[:len(s)-1], unicode.IsSpace)
	}
	return s, nil
}

// checkEncoding refuses text that cannot travel as e6data SQL, naming its first offending byte:
// invalid UTF-8, which the prepare request's protobuf string cannot carry (gRPC would fail to
// marshal it with an Internal error that reads like a server failure), and NUL, for which
// e6data's SQL has no escape, not even inside a string literal. Interpolated values are
// checked alike by the literal renderer, so checking the text before interpolation suffices.
func checkEncoding(query string) error {
	if strings.IndexByte(query, 0) < 0 && utf8.ValidString(query) {
		return nil // the common case, with the fastest scans
	}
	for i := 0; i < len(query); {
		r, size := utf8.DecodeRuneInString(query[i:])
		switch {
		case r == 0:
			return &SQLTextError{Pos: i, Reason: "the text contains a NUL character (U+0000), which e6data SQL " +
				"cannot carry, not even in a string literal; remove it"}
		case r == utf8.RuneError && size == 1:
			return &SQLTextError{Pos: i, Reason: "the text is not valid UTF-8; send SQL as UTF-8 " +
				"(convert it from its original encoding first)"}
		}
		i += size
	}
	return nil
}
