package connector_test

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/e6data/gorm-e6data/connector"
	"github.com/e6data/gorm-e6data/internal/codec"
	"github.com/e6data/gorm-e6data/internal/codec/codectest"
	"github.com/e6data/gorm-e6data/internal/e6pb"
)

// The scan benchmarks measure the driver's data path alone: a minimal engine on loopback gRPC
// answers every query with the same pre-encoded batches, so no SQL engine runs on the server
// side and the figures are the driver's (plus gRPC's) cost per row.
const (
	scanRows      = 1_000_000
	scanBatchRows = 8192 // the mock cluster's default batch size
)

// scanColumns are the 8 mixed columns of the scan benchmarks; 10% NULLs in three of them.
var scanColumns = codectest.MixedFields

// scanBatch builds the encoded batch of rows [from, from+n).
func scanBatch(from, n int) []byte { return codectest.EncodedMixedChunk(from, n) }

// scanData is the result every query of the scan server returns: its metadata and batches.
type scanData struct {
	md      []byte
	batches [][]byte
}

var scanResult = sync.OnceValue(func() *scanData {
	md, err := codec.AppendMetadata(nil, &codec.Metadata{RowCount: scanRows, Fields: scanColumns})
	if err != nil {
		panic(err)
	}
	d := &scanData{md: md}
	for from := 0; from < scanRows; from += scanBatchRows {
		d.batches = append(d.batches, scanBatch(from, min(scanBatchRows, scanRows-from)))
	}
	return d
})

// scanServer is the least engine the driver runs a query against: one session, and every
// prepared statement serves scanResult.
type scanServer struct {
	e6pb.UnimplementedQueryEngineServiceServer
	data   *scanData
	nextID atomic.Int64
	mu     sync.Mutex
	served map[string]int // batches served per query id
}

func (s *scanServer) Authenticate(context.Context, *e6pb.AuthenticateRequest) (*e6pb.AuthenticateResponse, error) {
	return &e6pb.AuthenticateResponse{SessionId: "bench-session"}, nil
}

func (s *scanServer) prepared() (*e6pb.PrepareStatementResponse, error) {
	id := "q" + strconv.FormatInt(s.nextID.Add(1), 10)
	s.mu.Lock()
	s.served[id] = 0
	s.mu.Unlock()
	return &e6pb.PrepareStatementResponse{QueryId: id, EngineIP: "127.0.0.1", SessionId: "bench-session"}, nil
}

func (s *scanServer) PrepareStatement(context.Context, *e6pb.PrepareStatementRequest) (*e6pb.PrepareStatementResponse, error) {
	return s.prepared()
}

func (s *scanServer) PrepareStatementV2(context.Context, *e6pb.PrepareStatementV2Request) (*e6pb.PrepareStatementResponse, error) {
	return s.prepared()
}

func (s *scanServer) ExecuteStatement(context.Context, *e6pb.ExecuteStatementRequest) (*e6pb.ExecuteStatementResponse, error) {
	return &e6pb.ExecuteStatementResponse{SessionId: "bench-session"}, nil
}

func (s *scanServer) ExecuteStatementV2(context.Context, *e6pb.ExecuteStatementV2Request) (*e6pb.ExecuteStatementResponse, error) {
	return &e6pb.ExecuteStatementResponse{SessionId: "bench-session"}, nil
}

func (s *scanServer) GetResultMetadata(context.Context, *e6pb.GetResultMetadataRequest) (*e6pb.GetResultMetadataResponse, error) {
	return &e6pb.GetResultMetadataResponse{ResultMetaData: s.data.md, SessionId: "bench-session"}, nil
}

func (s *scanServer) GetNextResultBatch(_ context.Context, req *e6pb.GetNextResultBatchRequest) (*e6pb.GetNextResultBatchResponse, error) {
	s.mu.Lock()
	n, ok := s.served[req.GetQueryId()]
	if ok {
		s.served[req.GetQueryId()] = n + 1
	}
	s.mu.Unlock()
	if !ok {
		return nil, status.Errorf(codes.NotFound, "unknown query %q", req.GetQueryId())
	}
	resp := &e6pb.GetNextResultBatchResponse{SessionId: "bench-session"}
	if n < len(s.data.batches) {
		resp.ResultBatch = s.data.batches[n]
	}
	return resp, nil
}

func (s *scanServer) ClearOrCancelQuery(_ context.Context, req *e6pb.ClearOrCancelQueryRequest) (*e6pb.ClearOrCancelQueryResponse, error) {
	s.mu.Lock()
	delete(s.served, req.GetQueryId())
	s.mu.Unlock()
	return &e6pb.ClearOrCancelQueryResponse{}, nil
}

// serveScans serves a scanServer on a loopback port until stop; it returns the address.
func serveScans() (addr string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	gs := grpc.NewServer()
	e6pb.RegisterQueryEngineServiceServer(gs, &scanServer{data: scanResult(), served: map[string]int{}})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = gs.Serve(ln)
	}()
	return ln.Addr().String(), func() { gs.Stop(); <-done }, nil
}

const scanServerEnv = "E6DATA_SCAN_SERVER"

// TestScanServerProcess is not a test but the server process of the scan benchmarks' "process"
// variants: it runs only when the benchmark starts the test binary again with scanServerEnv
// set, prints the address it serves on, and serves until its standard input closes.
func TestScanServerProcess(t *testing.T) {
	if os.Getenv(scanServerEnv) != "1" {
		t.Skip("the server process of BenchmarkScan8/process")
	}
	addr, stop, err := serveScans()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	fmt.Println("scan-server " + addr)
	_, _ = io.Copy(io.Discard, os.Stdin) // until the benchmark closes it
}

// startScanProcess runs TestScanServerProcess in a new process of the test binary and returns
// its address; b.Cleanup ends the process.
func startScanProcess(b *testing.B) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestScanServerProcess$")
	cmd.Env = append(os.Environ(), scanServerEnv+"=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = in.Close()
		_ = cmd.Wait()
	})
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "scan-server "); ok {
			go func() { _, _ = io.Copy(io.Discard, out) }() // the rest of its output, until it exits
			return addr
		}
	}
	b.Fatalf("the scan server process printed no address: %v", lines.Err())
	return ""
}

// openScanDB opens a *sql.DB on a scanServer: in this process, or in a process of its own
// (so that the CPU time this process uses is the driver's alone).
func openScanDB(b *testing.B, process bool) *sql.DB {
	b.Helper()
	var addr string
	if process {
		addr = startScanProcess(b)
	} else {
		a, stop, err := serveScans()
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(stop)
		addr = a
	}
	db, err := sql.Open(connector.DriverName, "e6data://bench:token@"+addr+"/sales?catalog=main&max-recv-msg-size=67108864")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	return db
}

// cpuTime returns the CPU time the process has used (user and system): on a machine shared with
// other work, rows per CPU-second is steadier than rows per wall-clock second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRows reports rows per wall-clock second and per CPU-second (of the whole process: the
// reader, the prefetcher, gRPC on both sides and the collector) since cpu0.
func reportRows(b *testing.B, rows int, cpu0 time.Duration) {
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(rows)/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
}

// BenchmarkScan8 streams 1,000,000 rows × 8 mixed columns (LONG, INTEGER, DOUBLE, STRING,
// BOOLEAN, TIMESTAMP, DECIMAL128, DATE; 10% NULLs in three) through database/sql from a server
// that replays pre-encoded batches, scanning into typed destinations, and reports rows/s. The
// server runs in this process ("inprocess") or in another one ("process": rows/cpu-s is then the
// driver's cost alone).
func BenchmarkScan8(b *testing.B) {
	for _, process := range []bool{false, true} {
		name := "inprocess"
		if process {
			name = "process"
		}
		b.Run(name, func(b *testing.B) { benchScan8(b, openScanDB(b, process)) })
	}
}

func benchScan8(b *testing.B, db *sql.DB) {
	ctx := context.Background()
	b.ReportAllocs()
	total := 0
	var cpu0 time.Duration
	for b.Loop() {
		if total == 0 {
			cpu0 = cpuTime() // b.Loop has reset the timer: setup is not counted
		}
		r, err := db.QueryContext(ctx, `SELECT id, qty, price, name, flag, ts, amount, day FROM scan`)
		if err != nil {
			b.Fatal(err)
		}
		n, err := codectest.ScanMixed(r)
		if err != nil {
			b.Fatal(err)
		}
		_ = r.Close()
		if n != scanRows {
			b.Fatalf("read %d rows, want %d", n, scanRows)
		}
		total += n
	}
	reportRows(b, total, cpu0)
}

// BenchmarkScan8Decode is BenchmarkScan8's baseline: decoding the same batches and converting
// every cell once as the driver's Rows.Next does, with no gRPC and no
// database/sql.
func BenchmarkScan8Decode(b *testing.B) {
	data := scanResult()
	dest := make([]any, len(scanColumns))
	var boxes codec.Boxes
	b.ReportAllocs()
	total := 0
	var cpu0 time.Duration
	for b.Loop() {
		if total == 0 {
			cpu0 = cpuTime()
		}
		for _, raw := range data.batches {
			c, err := codec.DecodeChunk(raw)
			if err != nil {
				b.Fatal(err)
			}
			for row := range c.Size {
				for i := range c.Vectors {
					dest[i] = c.Vectors[i].ValueIn(row, &boxes)
				}
			}
			total += c.Size
		}
	}
	reportRows(b, total, cpu0)
}

// BenchmarkScan8DatabaseSQL is the floor of BenchmarkScan8: database/sql's own cost per row
// (its locking, Rows.Next and Scan's conversions into the same 8 typed destinations) over a
// driver that decodes nothing and hands out the same ready values for every row. No driver can
// scan faster through database/sql on this machine.
func BenchmarkScan8DatabaseSQL(b *testing.B) {
	db := sql.OpenDB(floorConnector{})
	defer db.Close()
	benchScan8(b, db)
}

// floorConnector, floorConn, floorRows: a driver whose every query returns scanRows rows of
// fixed values of the scan's 8 column types.
type floorConnector struct{}

func (floorConnector) Connect(context.Context) (driver.Conn, error) { return floorConn{}, nil }
func (floorConnector) Driver() driver.Driver                        { return nil }

type floorConn struct{}

func (floorConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("not used") }
func (floorConn) Close() error                        { return nil }
func (floorConn) Begin() (driver.Tx, error)           { return nil, errors.New("not used") }
func (floorConn) QueryContext(context.Context, string, []driver.NamedValue) (driver.Rows, error) {
	return &floorRows{}, nil
}

type floorRows struct{ n int }

var floorRow = []driver.Value{int64(7919), int64(31), 0.25, "customer-13", true,
	time.Date(2024, 1, 1, 0, 0, 1, 0, time.UTC), "101.25", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)}

func (*floorRows) Columns() []string {
	return []string{"id", "qty", "price", "name", "flag", "ts", "amount", "day"}
}
func (*floorRows) Close() error { return nil }
func (r *floorRows) Next(dest []driver.Value) error {
	if r.n == scanRows {
		return io.EOF
	}
	r.n++
	copy(dest, floorRow)
	return nil
}
