package connector

import (
	"strconv"
	"strings"
	"unicode"
)

// SQLTextError reports SQL text the driver refuses to send: an unterminated literal, identifier
// or block comment, more than one statement, or an empty statement. Nothing was sent.
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
// block comment, and a ? placeholder followed by an identifier character (?1, ?name), are a
// *SQLTextError (after fn saw the spans before it). Interpolate and normalizeStatement both use
// it, so the rules cannot drift apart.
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

// checkPlaceholders refuses a ? in the code span query[start:end] that is followed by an
// identifier character. Such a ? is not a placeholder form this driver knows: interpolating it
// as a plain ? would glue the argument to what follows (?1 with 5 would become 51), so the
// caller's numbered or named placeholder would silently mean something else.
func checkPlaceholders(query string, start, end int) error {
	for i := start; i < end; {
		k := strings.IndexByte(query[i:end], '?')
		if k < 0 {
			return nil
		}
		i += k + 1
		if i < len(query) && isIdentByte(query[i]) {
			return &SQLTextError{Pos: i - 1, Reason: "numbered or named placeholders such as ?1 or ?name " +
				"are not supported: write a plain ? for each argument and pass the arguments in that order " +
				"(separate a ? from a following word with a space)"}
		}
	}
	return nil
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
// one trailing ; (with the whitespace before it), and refuses text with another ; outside
// literals, identifiers and comments, text scanSQL refuses, and text with no SQL outside
// comments. It returns a substring of query: no allocation.
func normalizeStatement(query string) (string, error) {
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
