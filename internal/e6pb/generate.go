// Package e6pb holds the Go code generated from e6data's gRPC protocol: QueryEngineService and
// ClusterService, with method paths exactly /QueryEngineService/<rpc> and /ClusterService/<rpc>.
//
// Regenerate with `go generate ./internal/e6pb`. It needs protoc (Debian's protobuf-compiler,
// 3.21.12); the plugins are the versions pinned by the tool directives in go.mod, so the output is
// byte-for-byte what is committed.
package e6pb

//go:generate ./generate.sh
