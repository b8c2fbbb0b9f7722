package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// The report page: one self-contained HTML file (inline CSS, inline JavaScript that draws the
// timeline as SVG from the report's JSON embedded in the page; no external assets), so that it
// can be mailed, archived or opened from disk.
//
//go:embed report.html
var reportHTML string

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"ms":  ms,
	"inc": func(i int) int { return i + 1 },
}).Parse(reportHTML))

// pageData is what the template renders.
type pageData struct {
	R       Report
	Live    bool // the page polls the server for updates until the run is finished
	Verdict string
	Pass    bool
}

// renderReport writes the report page for r.
func renderReport(w io.Writer, r Report, live bool) error {
	p := pageData{R: r, Live: live}
	t := r.Totals
	switch {
	case !r.Finished:
		p.Verdict, p.Pass = "running…", t.Failed == 0 && t.Wrong == 0
	case t.Failed > 0 || t.Wrong > 0:
		p.Verdict = fmt.Sprintf("FAIL: %d failed, %d wrong", t.Failed, t.Wrong)
	case t.Checked:
		p.Verdict, p.Pass = "PASS: every query succeeded with the right result", true
	default:
		p.Verdict, p.Pass = "PASS: every query succeeded (results not checked)", true
	}
	return reportTemplate.Execute(w, p)
}

// writeReportFile writes the final report page to path.
func writeReportFile(path string, r Report) error {
	var buf bytes.Buffer
	if err := renderReport(&buf, r, false); err != nil {
		return fmt.Errorf("render the report: %w", err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("-report: %w", err)
	}
	return nil
}

// reportServer serves the live report: the page at /, the report's JSON at /data.json.
type reportServer struct {
	url  string
	srv  *http.Server
	done chan struct{}
}

func newReportServer(ln net.Listener, snapshot func() Report) *reportServer {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		var buf bytes.Buffer
		if err := renderReport(&buf, snapshot(), true); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(buf.Bytes())
	})
	mux.HandleFunc("GET /data.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(snapshot())
	})
	s := &reportServer{
		url:  "http://" + ln.Addr().String() + "/",
		srv:  &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(os.Stderr, "gorm demo: report server: %v\n", err)
		}
	}()
	return s
}

// close stops serving, letting requests in progress finish for up to a second.
func (s *reportServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
	}
	<-s.done
}
