package strategy

import (
	"fmt"
	"regexp"

	"google.golang.org/grpc/codes"
)

// codeWrongStrategy is the gRPC code a server that speaks gRPC gives a wrong colour (the HTTP
// status as the code); grpc-go passes such custom codes through.
const codeWrongStrategy codes.Code = 456

// shape is one known wording of an error whose meaning is not in its code: what a gRPC library
// makes of an HTTP status a proxy answered instead of gRPC, or the engine's one message for a
// session it does not know. A message means the class only under that code and only as a whole:
// the patterns are anchored.
type shape struct {
	class Class
	code  codes.Code
	from  string // who words it so (docs/protocol.md lists the same)
	re    *regexp.Regexp
}

// shapes are every wording known to come from e6data's proxy, engine and test server, through
// the gRPC libraries its clients use. Code 456 itself needs no wording (Classify checks it first).
var shapes = []shape{
	{WrongStrategy, codes.Unknown, "grpc-go v1.40 and later", grpcGoHTTPStatus(456, "")},
	{WrongStrategy, codes.Unknown, "grpc-go v1.38 and earlier", grpcGoLegacyHTTPStatus(456, "")},
	{WrongStrategy, codes.Unknown, "gRPC C-core (e6data's Python client)", cCoreHTTPStatus(456)},
	{WrongStrategy, codes.InvalidArgument, "e6data's Python test server",
		regexp.MustCompile(`^Wrong strategy\. Status: 456\. Expected: [^,\n]*, Got: [^\n]*$`)},

	{Suspended, codes.Unavailable, "grpc-go v1.40 and later", grpcGoHTTPStatus(503, "Service Unavailable")},
	{Suspended, codes.Unavailable, "grpc-go v1.38 and earlier", grpcGoLegacyHTTPStatus(503, "Service Unavailable")},
	{Suspended, codes.Unavailable, "gRPC C-core", cCoreHTTPStatus(503)},

	// e6data's engine answers a call whose session it does not know (expired, never issued, or
	// issued by the other colour's stack) with exactly this text; its permission errors say more
	// ("Access denied for user ..."), and re-authenticating cannot fix those.
	{AccessDenied, codes.Internal, "e6data's engine", regexp.MustCompile(`^(?i:access denied)$`)},
}

// matchShape returns the class of the first shape that code and msg have.
func matchShape(code codes.Code, msg string) (Class, bool) {
	for _, s := range shapes {
		if s.code == code && s.re.MatchString(msg) {
			return s.class, true
		}
	}
	return OK, false
}

// goQuoted matches a Go-quoted string (%q), as grpc-go writes a content type and a body.
const goQuoted = `"(?:[^"\\\n]|\\.)*"`

// grpcGoHTTPStatus matches grpc-go's (v1.40 on) error for a response with HTTP status code and
// no gRPC framing: the status, then why the response is not gRPC (no content type, or another
// one; nothing when the content type was gRPC's), and from v1.82 the start of the body.
func grpcGoHTTPStatus(code int, text string) *regexp.Regexp {
	return regexp.MustCompile(fmt.Sprintf(
		`^unexpected HTTP status code received from server: %d \(%s\)`+
			`(?:; (?:malformed header: missing HTTP content-type|transport: received unexpected content-type %s))?`+
			`(?:\ndata: %s)?$`,
		code, regexp.QuoteMeta(text), goQuoted, goQuoted))
}

// grpcGoLegacyHTTPStatus matches grpc-go's error for the same response up to v1.38: the status
// text (empty for 456), the code, and what was wrong with the content type.
func grpcGoLegacyHTTPStatus(code int, text string) *regexp.Regexp {
	return regexp.MustCompile(fmt.Sprintf(
		`^%s: HTTP status code %d; transport: (?:missing content-type field|received the unexpected content-type %s)$`,
		regexp.QuoteMeta(text), code, goQuoted))
}

// cCoreHTTPStatus matches gRPC C-core's error for the same response.
func cCoreHTTPStatus(code int) *regexp.Regexp {
	return regexp.MustCompile(fmt.Sprintf(`^Received http2 header with status: %d$`, code))
}
