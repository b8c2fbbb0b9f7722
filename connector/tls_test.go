package connector_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/mock"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	pemPath string // the CA certificate as a PEM file
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), name+".pem")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	return &testCA{cert: cert, key: key, pemPath: path}
}

// serverTLS returns a server configuration with a certificate for 127.0.0.1 signed by ca.
func (ca *testCA) serverTLS(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "mock e6data"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		NextProtos:   []string{"h2"},
		MinVersion:   tls.VersionTLS12,
	}
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

func TestTLSWithCAFile(t *testing.T) {
	ca := newTestCA(t, "ca")
	srv := startMock(t, mock.Options{TLS: ca.serverTLS(t)})
	require.Contains(t, srv.DSN(), "secure=true")
	db := openDB(t, withParams(srv.DSN(), "ca-file="+ca.pemPath))
	ctx := testCtx(t)
	require.NoError(t, db.PingContext(ctx))
	var s string
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 'over tls'").Scan(&s))
	assert.Equal(t, "over tls", s)
}

func TestTLSWithConfigTLSConfig(t *testing.T) {
	ca := newTestCA(t, "ca")
	srv := startMock(t, mock.Options{TLS: ca.serverTLS(t)})
	cfg := configFor(t, srv)
	cfg.TLSConfig = &tls.Config{RootCAs: ca.pool()}
	db := openConfig(t, cfg)
	var n int
	require.NoError(t, db.QueryRowContext(testCtx(t), "SELECT 7").Scan(&n))
	assert.Equal(t, 7, n)
	assert.Empty(t, cfg.TLSConfig.ServerName, "the caller's TLSConfig is not mutated")
}

func TestTLSWrongCA(t *testing.T) {
	ca := newTestCA(t, "ca")
	other := newTestCA(t, "other")
	srv := startMock(t, mock.Options{TLS: ca.serverTLS(t)})

	check := func(t *testing.T, db *sql.DB) {
		t.Helper()
		err := db.PingContext(testCtx(t))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "certificate signed by unknown authority", "the error says why: %v", err)
		var e *connector.Error
		assert.ErrorAs(t, err, &e)
		assert.Zero(t, srv.Calls("authenticate", "*"), "nothing reached the cluster")
	}
	t.Run("ca-file", func(t *testing.T) {
		check(t, openDB(t, withParams(srv.DSN(), "ca-file="+other.pemPath)))
	})
	t.Run("TLSConfig", func(t *testing.T) {
		cfg := configFor(t, srv)
		cfg.TLSConfig = &tls.Config{RootCAs: other.pool()}
		check(t, openConfig(t, cfg))
	})
	t.Run("system roots", func(t *testing.T) {
		check(t, openDB(t, srv.DSN()))
	})
}

func TestTLSMisconfigured(t *testing.T) {
	ca := newTestCA(t, "ca")
	srv := startMock(t, mock.Options{TLS: ca.serverTLS(t)})

	t.Run("missing ca-file", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "nope.pem")
		_, err := sql.Open(connector.DriverName, withParams(srv.DSN(), "ca-file="+missing))
		require.Error(t, err)
		assert.ErrorIs(t, err, os.ErrNotExist)
		assert.Contains(t, err.Error(), "ca-file")
		assert.Contains(t, err.Error(), missing)
	})
	t.Run("ca-file without a certificate", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.pem")
		require.NoError(t, os.WriteFile(bad, []byte("not a certificate"), 0o600))
		_, err := sql.Open(connector.DriverName, withParams(srv.DSN(), "ca-file="+bad))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no certificate found")
	})
	t.Run("plaintext client, TLS server", func(t *testing.T) {
		cfg := configFor(t, srv)
		cfg.Secure = false
		err := openConfig(t, cfg).PingContext(testCtx(t))
		require.Error(t, err)
	})
}
