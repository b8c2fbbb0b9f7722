package connector_test

import (
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/mock"
)

// TestIPv6ZoneDSN runs a query through the documented DSN form of an IPv6 address with a zone,
// [addr%25zone], against a mock cluster on the IPv6 loopback address (skipped where there is
// none).
func TestIPv6ZoneDSN(t *testing.T) {
	zone := loopbackInterface(t)
	srv, err := mock.NewServer(mock.Options{Listen: "[::1]:0"})
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	dsn := srv.DSN()
	require.Contains(t, dsn, "@[::1]:")
	dsn = strings.Replace(dsn, "@[::1]:", "@[::1%25"+zone+"]:", 1)

	db := openDB(t, dsn)
	var n int64
	require.NoError(t, db.QueryRowContext(testCtx(t), "SELECT 42").Scan(&n))
	require.Equal(t, int64(42), n)
}

// loopbackInterface returns the name of the loopback network interface ("lo" on Linux).
func loopbackInterface(t *testing.T) string {
	ifs, err := net.Interfaces()
	require.NoError(t, err)
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback != 0 {
			return i.Name
		}
	}
	t.Skip("no loopback interface")
	return ""
}
