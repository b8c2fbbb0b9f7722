package connector

import (
	"database/sql/driver"
	"slices"
	"strings"
	"sync"
)

// e6data never binds parameters on the server (the official client leaves the protocol's
// ParameterValue unused), so the driver writes each argument into the SQL text as a literal.

// Interpolate replaces each ? placeholder in query with the SQL literal of the matching
// argument (see AppendLiteral). A ? inside a '…' literal, a "…" identifier or a comment (--,
// // or /* */) is left alone. Each literal stays a token of its own. It fails, sending nothing,
// when the placeholder and argument counts differ (*PlaceholderCountError), when a literal,
// identifier or block comment is not closed or a ? touches a neighbour its value would merge
// with: a name or number (?1, x?), '$', '.', a quote, another ? or an exponent's sign (1e-?)
// (*SQLTextError), or when an argument is named or has no literal (*ArgumentError). A literal
// after a '-' is set off by a space, so that a negative value cannot start a -- comment. With
// no arguments and no placeholders it returns query itself.
func Interpolate(query string, args []driver.NamedValue) (string, error) {
	for i := range args {
		if args[i].Name != "" {
			return "", namedArgError(&args[i], i)
		}
	}
	if len(args) == 0 {
		// The common no-argument case: scan without building anything.
		n := 0
		err := scanSQL(query, func(kind spanKind, start, end int) error {
			if kind == spanCode {
				n += strings.Count(query[start:end], "?")
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		if n != 0 {
			return "", &PlaceholderCountError{Placeholders: n}
		}
		return query, nil
	}

	bp := getBuffer()
	defer putBuffer(bp)
	b := slices.Grow((*bp)[:0], estimateLen(query, args))
	b, n, _, err := substitute(b, query, func(b []byte, i int) ([]byte, error) {
		if i >= len(args) {
			return b, nil // keep counting for the error
		}
		b, err := appendLiteral(b, args[i].Value, litState{})
		if err != nil {
			return b, withIndex(err, &args[i], i)
		}
		return b, nil
	})
	*bp = b // keep the grown buffer for the next call
	if err != nil {
		return "", err
	}
	if n != len(args) {
		return "", &PlaceholderCountError{Placeholders: n, Args: len(args)}
	}
	return string(b), nil
}

// substitute appends query to b with each ? placeholder outside literals, identifiers and
// comments replaced by what emit appends for it (i counts the placeholders from 0). It is the one
// walk behind Interpolate and Explain, so that what a log shows is what is sent. A literal is kept
// a token of its own: scanSQL refuses every ? whose neighbours could merge with a value, and
// "x -?" with -5 must not become the comment "x --5", so a space goes before a placeholder that
// follows a '-' (the one neighbour whose meaning is clear: minus the value). It returns the
// placeholders seen and how much of query is in b: all of it, unless the scan or emit failed.
func substitute(b []byte, query string, emit func(b []byte, i int) ([]byte, error)) (_ []byte, placeholders, done int, _ error) {
	err := scanSQL(query, func(kind spanKind, start, end int) error {
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
			if l := len(b); l > 0 && b[l-1] == '-' {
				b = append(b, ' ')
			}
			code = code[k+1:]
			var err error
			if b, err = emit(b, placeholders); err != nil {
				return err
			}
			placeholders++
		}
	})
	return b, placeholders, done, err
}

// buffers recycles interpolation buffers: rendering needs a []byte (AppendLiteral's shape), and
// recycling it leaves the final string as the one allocation per call.
var buffers = sync.Pool{New: func() any { return new([]byte) }}

func getBuffer() *[]byte { return buffers.Get().(*[]byte) }

func putBuffer(bp *[]byte) {
	if cap(*bp) > 64<<10 {
		return // let one huge query's buffer go rather than pin it
	}
	buffers.Put(bp)
}

// estimateLen guesses the interpolated length, so the builder usually allocates once.
func estimateLen(query string, args []driver.NamedValue) int {
	n := len(query)
	for i := range args {
		switch v := args[i].Value.(type) {
		case string:
			n += len(v) + len(v)/16 + 2 // quotes and a few escapes
		case int64, int, bool, nil:
			n += 8
		default:
			n += 32 // CAST('…' AS TIMESTAMP) is 42; most others are short
		}
	}
	return n
}

// checkNamedValue is the driver.NamedValueChecker rule (called by Conn and stmt): it accepts
// every value AppendLiteral can render, keeping it as it is so the renderer sees the original
// (database/sql then neither converts it nor calls its Value method), and rejects the rest,
// such as []byte, NaN and sql.Named arguments, before anything is sent. A driver.Valuer is
// accepted without calling Value; its result is checked at interpolation.
func checkNamedValue(nv *driver.NamedValue) error {
	if nv.Name != "" {
		return namedArgError(nv, nv.Ordinal-1)
	}
	bp := getBuffer()
	defer putBuffer(bp)
	var err error
	if *bp, err = appendLiteral((*bp)[:0], nv.Value, litState{check: true}); err != nil {
		return withIndex(err, nv, nv.Ordinal-1)
	}
	return nil
}

func namedArgError(nv *driver.NamedValue, i int) error {
	return withIndex(&ArgumentError{Type: typeName(nv.Value), Reason: "named arguments (sql.Named) " +
		"are not supported; write ? placeholders and pass the arguments in order"}, nv, i)
}

// withIndex sets the 1-based argument position on an *ArgumentError: the Ordinal when
// database/sql set it, else i+1.
func withIndex(err error, nv *driver.NamedValue, i int) error {
	if ae, ok := err.(*ArgumentError); ok {
		ae.Index = nv.Ordinal
		if ae.Index <= 0 {
			ae.Index = i + 1
		}
	}
	return err
}
