//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package strategy

import (
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an advisory flock on p (exclusive for writers, shared for readers) and
// returns its release. The lock file is never removed: removing it would let two processes
// lock different inodes.
func lockFile(p string, exclusive bool) (func(), error) {
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		if !exclusive && os.IsNotExist(err) {
			// Reading a store whose directory does not exist yet: nothing to lock.
			return func() {}, nil
		}
		return nil, fmt.Errorf("strategy: file store lock: %w", err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("strategy: file store lock: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}
