package e6sql

import (
	"fmt"
	"strings"
)

// tokKind classifies one lexed token.
type tokKind uint8

const (
	tkSpace  tokKind = iota // whitespace, or a comment already reduced to whitespace
	tkWord                  // bare identifier or keyword
	tkQuoted                // "quoted identifier"
	tkString                // 'string literal'
	tkNumber                // numeric literal
	tkPunct                 // any other single byte
)

// token is one lexeme. text is what Translate emits for it: the original
// spelling, except for string literals (already re-quoted for SQLite) and
// comments (reduced to whitespace). val is the decoded value of a string
// literal or quoted identifier, and the spelling of a bare word.
type token struct {
	kind tokKind
	text string
	val  string
	pos  int
}

// is reports whether t is the punctuation byte p.
func (t token) is(p string) bool { return t.kind == tkPunct && t.text == p }

// isWord reports whether t is the bare word w, case-insensitively.
func (t token) isWord(w string) bool { return t.kind == tkWord && strings.EqualFold(t.text, w) }

// Error is returned by Translate for input it cannot or will not translate.
type Error struct {
	// Pos is the byte offset in the statement where the problem starts, or -1.
	Pos int
	// Unsupported is true when the SQL may be valid e6data SQL but the mock
	// cannot run it (as opposed to SQL that is malformed).
	Unsupported bool
	// Msg says what is wrong.
	Msg string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Pos >= 0 {
		return fmt.Sprintf("e6sql: %s (at byte %d)", e.Msg, e.Pos)
	}
	return "e6sql: " + e.Msg
}

func errAt(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func unsupportedAt(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Unsupported: true, Msg: "the e6data mock does not support " + fmt.Sprintf(format, args...)}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// trimSpace trims the whitespace the lexer knows, and not Unicode spaces,
// which the lexer treats as parts of identifiers.
func trimSpace(s string) string { return strings.Trim(s, " \t\n\r\f\v") }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isWordStart accepts any non-ASCII byte so that UTF-8 identifiers stay whole.
func isWordStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isWordByte(c byte) bool { return isWordStart(c) || isDigit(c) || c == '$' }

// lex splits e6data SQL into tokens in one pass. It is the only place that
// knows the quoting and comment rules, so every later step sees literals,
// quoted identifiers and comments as opaque units.
func lex(s string) ([]token, error) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		// SQLite would see the statement, or a literal's text, cut there.
		return nil, errAt(i, "NUL byte in statement")
	}
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		start := i
		switch {
		case isSpace(c):
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			toks = append(toks, token{kind: tkSpace, text: s[start:i], pos: start})
		case c == '-' && strings.HasPrefix(s[i:], "--"), c == '/' && strings.HasPrefix(s[i:], "//"):
			// SQLite has no // comments; a comment becomes a space, never
			// nothing, so that "a-/**/-b" cannot turn into a "--" comment.
			for i < len(s) && s[i] != '\n' {
				i++
			}
			toks = append(toks, token{kind: tkSpace, text: " ", pos: start})
		case c == '/' && strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return nil, errAt(start, "unterminated block comment")
			}
			i += 2 + end + 2
			toks = append(toks, token{kind: tkSpace, text: " ", pos: start})
		case c == '\'':
			val, n, err := lexString(s, i)
			if err != nil {
				return nil, err
			}
			i = n
			toks = append(toks, token{kind: tkString, text: quoteString(val), val: val, pos: start})
		case c == '"':
			val, n, err := lexQuoted(s, i)
			if err != nil {
				return nil, err
			}
			i = n
			toks = append(toks, token{kind: tkQuoted, text: s[start:i], val: val, pos: start})
		case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
			i = lexNumber(s, i)
			toks = append(toks, token{kind: tkNumber, text: s[start:i], pos: start})
		case isWordStart(c):
			for i < len(s) && isWordByte(s[i]) {
				i++
			}
			toks = append(toks, token{kind: tkWord, text: s[start:i], val: s[start:i], pos: start})
		default:
			if err := refusePunct(s, i); err != nil {
				return nil, err
			}
			i++
			toks = append(toks, token{kind: tkPunct, text: s[start:i], pos: start})
		}
	}
	return toks, nil
}

// refusePunct rejects bytes that SQLite would read differently from e6data:
// parameter markers, backtick and bracket quoting, and e6's ':' operators.
func refusePunct(s string, i int) error {
	switch s[i] {
	case '?':
		return errAt(i, "placeholder '?' reached the engine: e6data has no server-side parameters, the driver must interpolate them")
	case '@', '$':
		return errAt(i, "unexpected %q: named parameters are not e6data SQL", s[i])
	case '`':
		return errAt(i, "backtick-quoted identifiers are not e6data SQL: use \"double quotes\"")
	case '[':
		return unsupportedAt(i, "array subscripts or bracketed identifiers ('[')")
	case ':':
		if strings.HasPrefix(s[i:], "::") {
			return unsupportedAt(i, "'::' casts: write CAST(x AS type)")
		}
		return unsupportedAt(i, "':' variant/JSON path access")
	}
	return nil
}

// lexString decodes an e6data '…' literal starting at s[i]. Backslash
// escapes the next character; a quote ends the literal. A literal followed
// at once by another quote is refused: e6data reads two strings there, SQLite
// one string holding a quote, so either answer would be a guess.
func lexString(s string, i int) (val string, next int, err error) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; c {
		case '\\':
			if j+1 >= len(s) {
				return "", 0, errAt(i, "unterminated string literal")
			}
			j++
			b.WriteByte(unescape(s[j]))
		case '\'':
			if j+1 < len(s) && s[j+1] == '\'' {
				return "", 0, unsupportedAt(j, "'' inside a string literal (e6data reads two adjacent literals): escape a quote as \\'")
			}
			return b.String(), j + 1, nil
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, errAt(i, "unterminated string literal")
}

// unescape maps the character after a backslash to what it stands for, as
// e6data's (Hive's) escaping does for the characters the driver escapes.
func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return c
}

// lexQuoted decodes a "…" identifier starting at s[i]; "" stands for ".
func lexQuoted(s string, i int) (val string, next int, err error) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		if s[j] != '"' {
			b.WriteByte(s[j])
			continue
		}
		if j+1 < len(s) && s[j+1] == '"' {
			b.WriteByte('"')
			j++
			continue
		}
		return b.String(), j + 1, nil
	}
	return "", 0, errAt(i, "unterminated quoted identifier")
}

// lexNumber returns the end of the numeric literal starting at s[i]:
// digits, an optional fraction and an optional exponent.
func lexNumber(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	return i
}

// quoteString renders v as a SQLite string literal: quotes doubled, every
// other character raw.
func quoteString(v string) string {
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// quoteIdent renders v as a SQLite quoted identifier.
func quoteIdent(v string) string {
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
}
