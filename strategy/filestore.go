package strategy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/e6data/gorm-e6data/internal/names"
)

// fileVersion is the format of FileStore's files; a file of another version is ignored.
const fileVersion = 1

// FileStore is a Store of one JSON file per cluster in a directory, shared by the processes of
// a host. Writes are atomic (temporary file in the same directory, fsync, rename) and
// serialised by an advisory lock (flock on a .lock file beside the record; on systems without
// flock there is no lock, and the atomic rename alone keeps readers from seeing a torn file).
// A corrupt or foreign file is ignored with a WARN log, never returned as an error.
type FileStore struct {
	dir string
	log *slog.Logger
}

// NewFileStore returns a FileStore in dir (created on first save, mode 0700). logger may be
// nil (slog.Default()).
func NewFileStore(dir string, logger *slog.Logger) *FileStore {
	if logger == nil {
		logger = slog.Default()
	}
	return &FileStore{dir: dir, log: logger}
}

// fileRecord is the on-disk form. The key is stored to detect foreign files (a hash collision
// or a file copied from elsewhere).
type fileRecord struct {
	Version     int       `json:"version"`
	Endpoint    string    `json:"endpoint"`
	ClusterName string    `json:"cluster_name"`
	Colour      string    `json:"strategy"`
	ValidatedAt time.Time `json:"validated_at"`
	Generation  uint64    `json:"generation"`
}

// path returns the record file of key: a hash, so any endpoint or cluster name is a safe name.
func (f *FileStore) path(key Key) string {
	sum := sha256.Sum256([]byte(key.Endpoint + "\x00" + key.ClusterName))
	return filepath.Join(f.dir, "e6data-strategy-"+hex.EncodeToString(sum[:16])+".json")
}

// Load reads the record of key.
func (f *FileStore) Load(ctx context.Context, key Key) (Record, bool, error) {
	key = key.norm()
	p := f.path(key)
	unlock, err := lockFile(p+".lock", false)
	if err != nil {
		return Record{}, false, err
	}
	defer unlock()
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, fmt.Errorf("strategy: file store: %w", err)
	}
	var fr fileRecord
	why := ""
	switch {
	case json.Unmarshal(b, &fr) != nil:
		why = "not valid JSON"
	case fr.Version != fileVersion:
		why = fmt.Sprintf("unknown version %d", fr.Version)
	case fr.Endpoint != key.Endpoint || fr.ClusterName != key.ClusterName:
		why = "record of another cluster"
	case names.Colour(fr.Colour) == "":
		why = "unknown strategy"
	}
	if why != "" {
		f.log.LogAttrs(ctx, slog.LevelWarn, "e6data: ignoring strategy store file", slog.String("file", p), slog.String("reason", why))
		return Record{}, false, nil
	}
	return Record{Colour: names.Colour(fr.Colour), ValidatedAt: fr.ValidatedAt, Generation: fr.Generation}, true, nil
}

// Save writes the record of key atomically.
func (f *FileStore) Save(_ context.Context, key Key, rec Record) error {
	key = key.norm()
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		return fmt.Errorf("strategy: file store: %w", err)
	}
	b, err := json.Marshal(fileRecord{Version: fileVersion, Endpoint: key.Endpoint, ClusterName: key.ClusterName,
		Colour: rec.Colour, ValidatedAt: rec.ValidatedAt, Generation: rec.Generation})
	if err != nil {
		return fmt.Errorf("strategy: file store: %w", err)
	}
	p := f.path(key)
	unlock, err := lockFile(p+".lock", true)
	if err != nil {
		return err
	}
	defer unlock()
	if err := writeAtomic(p, b); err != nil {
		return fmt.Errorf("strategy: file store: %w", err)
	}
	return nil
}

// writeAtomic replaces p with b: a reader sees the old file or the new one, never a mix.
func writeAtomic(p string, b []byte) error {
	dir := filepath.Dir(p)
	tmp, err := os.CreateTemp(dir, filepath.Base(p)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, p)
	}
	if err != nil {
		_ = os.Remove(name)
		return err
	}
	// Persist the rename itself; best effort (not every system can sync a directory).
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
