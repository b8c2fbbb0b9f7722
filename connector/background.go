package connector

import "context"

// The connector's own goroutines (result prefetchers, the cancel and clear calls that outlive
// their caller, a resume) are started by goBackground and end when their work is done, when
// their own context ends, or at the latest when Close cancels the connector's context. Close
// waits for them, so none is left after it, even for rows a caller never closed.

// goBackground runs fn on a goroutine that Close waits for. fn must return promptly once the
// connector's context (c.ctx) ends. It returns false, without running fn, after Close.
func (c *Connector) goBackground(fn func()) bool {
	c.bgMu.Lock()
	defer c.bgMu.Unlock()
	if c.bgClosed {
		return false
	}
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		fn()
	}()
	return true
}

// endBackground refuses new background work and waits for the running work to end; c.ctx must
// be cancelled first.
func (c *Connector) endBackground() {
	c.bgMu.Lock()
	c.bgClosed = true
	c.bgMu.Unlock()
	c.bg.Wait()
}

// withConnector returns a context that ends when ctx ends or the connector is closed, and the
// function that releases it (call it when done, so nothing stays registered on the connector).
func (c *Connector) withConnector(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	unlink := context.AfterFunc(c.ctx, cancel)
	return ctx, func() {
		unlink()
		cancel()
	}
}
