package strategy

import (
	"log/slog"

	"github.com/e6data/gorm-e6data/internal/logbuf"
)

// syncBuffer is a log sink safe for a logger and the test to share.
type syncBuffer = logbuf.Buffer

// quiet discards logs.
var quiet = slog.New(slog.DiscardHandler)

// slogTo logs text to w.
func slogTo(w *syncBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
