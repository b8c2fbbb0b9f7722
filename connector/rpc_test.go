package connector_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// TestExecuteErrorNamesItsRPC: a failed execute names the RPC that was sent, V1 or V2.
func TestExecuteErrorNamesItsRPC(t *testing.T) {
	tests := []struct {
		name    string
		catalog string // "" prepares and executes with the V1 RPCs
		rpc     string
	}{
		{"with a catalog", "e6data", "executeStatementV2"},
		{"without a catalog", "", "executeStatement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startMock(t, mock.Options{})
			cfg := configFor(t, srv)
			cfg.Catalog = tt.catalog
			db := openConfig(t, cfg)
			srv.FailNext(tt.rpc, 1, status.Error(codes.InvalidArgument, "mock: bad statement"))
			_, err := db.ExecContext(testCtx(t), "SELECT 1")
			var e *connector.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.rpc, e.RPC)
			assert.Equal(t, codes.InvalidArgument, e.Code)
			assert.Equal(t, 1, srv.Calls(tt.rpc, "*"))
		})
	}
}
