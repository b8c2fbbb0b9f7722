// Package bench holds the project's benchmark suite: the same work (SELECT 1, a 1M-row ×
// 8-column scan, a small query under a simulated network delay) done through the raw generated
// gRPC stubs, database/sql and GORM side by side against one in-process mock cluster, and the
// latency of small queries while the cluster switches colours. It has no code of its own: the
// benchmarks are in its tests, and ./run runs the whole suite and prints a markdown table of
// each figure with its ratio to the raw stubs of the same run.
package bench
