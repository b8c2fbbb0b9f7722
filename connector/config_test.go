package connector

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
)

func TestNewConfigDefaults(t *testing.T) {
	c := NewConfig()
	tests := []struct {
		name      string
		got, want any
	}{
		{"Port", c.Port, 0},
		{"AutoResume", c.AutoResume, true},
		{"ResumeTimeout", c.ResumeTimeout, 5 * time.Minute},
		{"ResumePollInterval", c.ResumePollInterval, 5 * time.Second},
		{"PrepareTimeout", c.PrepareTimeout, 600 * time.Second},
		{"CancelTimeout", c.CancelTimeout, 5 * time.Second},
		{"RetryAttempts", c.RetryAttempts, 5},
		{"Prefetch", c.Prefetch, 2},
		{"StrategyTTL", c.StrategyTTL, 5 * time.Minute},
		{"Strategy", c.Strategy, ""},
		{"KeepaliveTime", c.KeepaliveTime, 30 * time.Second},
		{"KeepaliveTimeout", c.KeepaliveTimeout, 10 * time.Second},
		{"MaxRecvMsgSize", c.MaxRecvMsgSize, 1 << 30},
		{"MaxSendMsgSize", c.MaxSendMsgSize, 300 << 20},
		{"Secure", c.Secure, false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("NewConfig().%s = %v; want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *Config)
		key  string // "" = valid
	}{
		{"valid", func(c *Config) {}, ""},
		{"token source instead of token", func(c *Config) {
			c.Token = ""
			c.TokenSource = func(context.Context) (string, error) { return "t", nil }
		}, ""},
		{"ipv6 host", func(c *Config) { c.Host = "::1" }, ""},
		{"ipv6 host with zone", func(c *Config) { c.Host = "fe80::1%eth0" }, ""},
		{"strategy-ttl zero", func(c *Config) { c.StrategyTTL = 0 }, ""},
		{"no user", func(c *Config) { c.User = "" }, partUser},
		{"no token", func(c *Config) { c.Token = "" }, partToken},
		{"no host", func(c *Config) { c.Host = "" }, partHost},
		{"bracketed host", func(c *Config) { c.Host = "[::1]" }, partHost},
		{"host with port", func(c *Config) { c.Host = "h:443" }, partHost},
		{"host with slash", func(c *Config) { c.Host = "h/x" }, partHost},
		{"negative port", func(c *Config) { c.Port = -1 }, partPort},
		{"port too big", func(c *Config) { c.Port = 65536 }, partPort},
		{"zero resume-timeout", func(c *Config) { c.ResumeTimeout = 0 }, "resume-timeout"},
		{"zero resume-poll-interval", func(c *Config) { c.ResumePollInterval = 0 }, "resume-poll-interval"},
		{"negative prepare-timeout", func(c *Config) { c.PrepareTimeout = -time.Second }, "prepare-timeout"},
		{"zero cancel-timeout", func(c *Config) { c.CancelTimeout = 0 }, "cancel-timeout"},
		{"zero retry-attempts", func(c *Config) { c.RetryAttempts = 0 }, "retry-attempts"},
		{"zero prefetch", func(c *Config) { c.Prefetch = 0 }, "prefetch"},
		{"upper-case strategy", func(c *Config) { c.Strategy = "Blue" }, "strategy"},
		{"negative strategy-ttl", func(c *Config) { c.StrategyTTL = -1 }, "strategy-ttl"},
		{"keepalive below grpc's floor", func(c *Config) { c.KeepaliveTime = 9 * time.Second }, "keepalive-time"},
		{"zero keepalive-timeout", func(c *Config) { c.KeepaliveTimeout = 0 }, "keepalive-timeout"},
		{"zero max-recv-msg-size", func(c *Config) { c.MaxRecvMsgSize = 0 }, "max-recv-msg-size"},
		{"negative max-send-msg-size", func(c *Config) { c.MaxSendMsgSize = -1 }, "max-send-msg-size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dsnBaseConfig()
			tt.edit(c)
			err := c.Validate()
			if tt.key == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			wantDSNError(t, err, tt.key)
		})
	}

	// A literal Config misses the defaults; the error says where they come from.
	err := (&Config{User: "u", Token: dsnSecret, Host: "h"}).Validate()
	wantDSNError(t, err, "resume-timeout")
	if !strings.Contains(err.Error(), "NewConfig") {
		t.Errorf("error does not point at NewConfig: %v", err)
	}
}

func TestConfigAddr(t *testing.T) {
	tests := []struct {
		host   string
		port   int
		secure bool
		ca     string
		tls    bool
		want   string
	}{
		{host: "h", want: "h:80"},
		{host: "h", secure: true, want: "h:443"},
		{host: "h", ca: "/ca.pem", want: "h:443"},
		{host: "h", tls: true, want: "h:443"},
		{host: "h", port: 8443, want: "h:8443"},
		{host: "h", port: 80, secure: true, want: "h:80"},
		{host: "10.0.0.1", port: 50051, want: "10.0.0.1:50051"},
		{host: "::1", want: "[::1]:80"},
		{host: "fe80::1%eth0", port: 1, want: "[fe80::1%eth0]:1"},
	}
	for _, tt := range tests {
		c := NewConfig()
		c.Host, c.Port, c.Secure, c.CAFile = tt.host, tt.port, tt.secure, tt.ca
		if tt.tls {
			c.TLSConfig = &tls.Config{}
		}
		if got := c.Addr(); got != tt.want {
			t.Errorf("Addr(%+v) = %q; want %q", tt, got, tt.want)
		}
	}
}

func TestConfigClone(t *testing.T) {
	c := dsnBaseConfig()
	c.TLSConfig = &tls.Config{ServerName: "a"}
	c.DialOptions = []grpc.DialOption{grpc.WithUserAgent("x")}
	cp := c.Clone()
	if cp == c || cp.TLSConfig == c.TLSConfig {
		t.Fatal("Clone shares the Config or its TLSConfig")
	}
	cp.TLSConfig.ServerName = "b"
	cp.DialOptions[0] = grpc.WithUserAgent("y")
	cp.User = "bob"
	if c.TLSConfig.ServerName != "a" || c.User != "alice" {
		t.Error("changing the clone changed the original")
	}
	if len(c.DialOptions) != 1 || &c.DialOptions[0] == &cp.DialOptions[0] {
		t.Error("Clone shares DialOptions' array")
	}
	if cp.Token != c.Token || cp.FormatDSN() == "" {
		t.Error("Clone lost fields")
	}
}

// writeTestCA writes a self-signed CA certificate in PEM to dir and returns its path, and a leaf
// certificate for host signed by it.
func writeTestCA(t *testing.T, dir, host string) (string, *x509.Certificate) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "e6data test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(leafDER)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, leaf
}

func TestConfigTLS(t *testing.T) {
	t.Run("plaintext", func(t *testing.T) {
		got, err := dsnBaseConfig().tlsConfig()
		if got != nil || err != nil {
			t.Errorf("tlsConfig() = %v, %v; want nil, nil", got, err)
		}
	})
	t.Run("system roots", func(t *testing.T) {
		c := dsnBaseConfig()
		c.Secure = true
		got, err := c.tlsConfig()
		if err != nil {
			t.Fatal(err)
		}
		if got.ServerName != c.Host || got.MinVersion != tls.VersionTLS12 || got.RootCAs != nil {
			t.Errorf("tlsConfig() = ServerName %q, MinVersion %x, RootCAs %v", got.ServerName, got.MinVersion, got.RootCAs)
		}
	})
	t.Run("ca-file", func(t *testing.T) {
		c := dsnBaseConfig()
		var leaf *x509.Certificate
		c.CAFile, leaf = writeTestCA(t, t.TempDir(), c.Host)
		got, err := c.tlsConfig()
		if err != nil {
			t.Fatal(err)
		}
		if got.ServerName != c.Host || got.MinVersion != tls.VersionTLS12 || got.RootCAs == nil {
			t.Fatalf("tlsConfig() = ServerName %q, MinVersion %x, RootCAs %v", got.ServerName, got.MinVersion, got.RootCAs)
		}
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: got.RootCAs, DNSName: got.ServerName}); err != nil {
			t.Errorf("a certificate signed by the CA does not verify: %v", err)
		}
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: got.RootCAs, DNSName: "other.example.com"}); err == nil {
			t.Error("the certificate verifies for another host")
		}
	})
	t.Run("ca-file from a DSN", func(t *testing.T) {
		dir := t.TempDir()
		path, _ := writeTestCA(t, dir, "h")
		c, err := ParseDSN("e6data://u:t@h?ca-file=" + escapeDSN(path, "/"))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := c.tlsConfig(); err != nil || got == nil || got.RootCAs == nil {
			t.Errorf("tlsConfig() = %v, %v", got, err)
		}
		if c.Addr() != "h:443" {
			t.Errorf("Addr() = %q; want the TLS default port", c.Addr())
		}
	})
	t.Run("missing ca-file", func(t *testing.T) {
		c := dsnBaseConfig()
		c.CAFile = filepath.Join(t.TempDir(), "nope.pem")
		_, err := c.tlsConfig()
		if err == nil || !strings.Contains(err.Error(), c.CAFile) || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("tlsConfig() error = %v; want one naming %s and matching fs.ErrNotExist", err, c.CAFile)
		}
	})
	t.Run("ca-file without certificates", func(t *testing.T) {
		c := dsnBaseConfig()
		c.CAFile = filepath.Join(t.TempDir(), "empty.pem")
		contents := "not a certificate " + dsnSecret
		if err := os.WriteFile(c.CAFile, []byte(contents), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := c.tlsConfig()
		if err == nil || !strings.Contains(err.Error(), c.CAFile) || !strings.Contains(err.Error(), "PEM") {
			t.Fatalf("tlsConfig() error = %v; want one naming %s and saying it has no PEM certificate", err, c.CAFile)
		}
		if strings.Contains(err.Error(), "not a certificate") {
			t.Errorf("error shows the file's contents: %v", err)
		}
		assertNoDSNSecret(t, "error", err.Error())
	})
	t.Run("TLSConfig overrides and is not mutated", func(t *testing.T) {
		c := dsnBaseConfig()
		c.CAFile = filepath.Join(t.TempDir(), "never-read.pem")
		user := &tls.Config{InsecureSkipVerify: true}
		c.TLSConfig = user
		got, err := c.tlsConfig()
		if err != nil {
			t.Fatal(err)
		}
		if got == user || user.ServerName != "" || user.MinVersion != 0 {
			t.Error("tlsConfig mutated or returned the caller's tls.Config")
		}
		if !got.InsecureSkipVerify || got.ServerName != c.Host || got.MinVersion != tls.VersionTLS12 {
			t.Errorf("tlsConfig() = %+v", got)
		}
	})
	t.Run("TLSConfig's own server name and version kept", func(t *testing.T) {
		c := dsnBaseConfig()
		c.TLSConfig = &tls.Config{ServerName: "proxy.example.com", MinVersion: tls.VersionTLS13}
		got, err := c.tlsConfig()
		if err != nil {
			t.Fatal(err)
		}
		if got.ServerName != "proxy.example.com" || got.MinVersion != tls.VersionTLS13 {
			t.Errorf("tlsConfig() = ServerName %q, MinVersion %x", got.ServerName, got.MinVersion)
		}
	})
	t.Run("ipv6 zone left out of the server name", func(t *testing.T) {
		c := dsnBaseConfig()
		c.Host, c.Secure = "fe80::1%eth0", true
		got, err := c.tlsConfig()
		if err != nil {
			t.Fatal(err)
		}
		if got.ServerName != "fe80::1" {
			t.Errorf("ServerName = %q; want fe80::1", got.ServerName)
		}
	})
}
