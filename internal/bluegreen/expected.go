package bluegreen

import (
	"regexp"

	"google.golang.org/grpc/status"
)

// expected456 finds the serving colour a 456 names, as e6data's test server words it ("Wrong
// strategy. Status: 456. Expected: blue, Got: green") and as the mock's other shapes do
// ("expected blue").
var expected456 = regexp.MustCompile(`(?i)\bexpected:?\s+(blue|green)\b`)

// expectedColour returns the serving colour named by the 456 err, or "" when it names none.
func expectedColour(err error) string {
	st, ok := status.FromError(err)
	if !ok {
		return ""
	}
	if m := expected456.FindStringSubmatch(st.Message()); m != nil {
		return normColour(m[1])
	}
	return ""
}
