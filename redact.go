package e6data

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/e6data/gorm-e6data/connector"
)

// A Config's DSN holds the token, and so does the connector.Config of a Connector: printed as
// fmt prints any struct, a Config would show it (in a log line, a panic, a test failure). So
// Config and Dialector print themselves, whatever the verb, with the token replaced as
// connector.Config.String replaces it.

// String returns the Config as %+v would print it, with the DSN's token replaced by "xxxxx",
// and the pools named by their type: e.g. {DSN:e6data://alice:xxxxx@host:443/sales Conn:<nil>
// Connector:<nil> AllowWrites:false}. A DSN that does not parse cannot be split into its parts
// and is not shown.
func (c Config) String() string {
	return fmt.Sprintf("{DSN:%s Conn:%s Connector:%s AllowWrites:%t}",
		shownDSN(c.DSN), shownPool(c.Conn, "<nil>"), shownConnector(c.Connector, "<nil>"), c.AllowWrites)
}

// GoString is String in Go syntax, for %#v; the token is replaced the same way.
func (c Config) GoString() string {
	return fmt.Sprintf("e6data.Config{DSN:%q, Conn:%s, Connector:%s, AllowWrites:%t}",
		shownDSN(c.DSN), shownPool(c.Conn, "nil"), shownConnector(c.Connector, "nil"), c.AllowWrites)
}

// Format prints the Config for every verb without its token: String for %v, %+v and %s,
// GoString for %#v, String quoted for %q.
func (c Config) Format(f fmt.State, verb rune) {
	formatRedacted(f, verb, "e6data.Config", c.String, c.GoString)
}

// LogValue makes slog log String, also with handlers that would otherwise marshal the fields
// (slog.JSONHandler), the DSN's token with them.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// String returns the Dialector as %+v would print it, its Config redacted (see Config.String).
func (d Dialector) String() string {
	if d.Config == nil {
		return "{Config:<nil>}"
	}
	return "{Config:&" + d.Config.String() + "}"
}

// GoString is String in Go syntax, for %#v.
func (d Dialector) GoString() string {
	if d.Config == nil {
		return "e6data.Dialector{Config:nil}"
	}
	return "e6data.Dialector{Config:&" + d.Config.GoString() + "}"
}

// Format prints the Dialector for every verb without its token, as Config.Format does.
func (d Dialector) Format(f fmt.State, verb rune) {
	formatRedacted(f, verb, "e6data.Dialector", d.String, d.GoString)
}

// formatRedacted writes the form of a value that verb asks for: goString for %#v, str for %v and
// %s, str quoted for %q, and fmt's wrong-verb form around str for other verbs.
func formatRedacted(f fmt.State, verb rune, typeName string, str, goString func() string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, goString())
	case verb == 'v' || verb == 's':
		_, _ = io.WriteString(f, str())
	case verb == 'q':
		_, _ = fmt.Fprintf(f, "%q", str())
	default:
		_, _ = fmt.Fprintf(f, "%%!%c(%s=%s)", verb, typeName, str())
	}
}

// shownDSN is dsn with its token replaced, by connector.Config.String.
func shownDSN(dsn string) string {
	if dsn == "" {
		return ""
	}
	cfg, err := connector.ParseDSN(dsn)
	if err != nil {
		return "(invalid DSN, not shown)"
	}
	return cfg.String()
}

// shownPool names the pool's type, never its contents; none is shown as none.
func shownPool(p any, none string) string {
	if p == nil {
		return none
	}
	return fmt.Sprintf("%T", p)
}

// shownConnector names the connector's type and, for the driver's own, its redacted DSN.
func shownConnector(c any, none string) string {
	if cc, ok := c.(*connector.Connector); ok && cc != nil {
		return fmt.Sprintf("%T(%s)", cc, cc.Config().String())
	}
	return shownPool(c, none)
}
