package bluegreen

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/e6data/gorm-e6data/strategy"
)

func TestAutomatedRollback(t *testing.T) {
	for _, tc := range []struct {
		name       string
		prevAlive  bool
		noProbe    bool
		class      strategy.Class
		failures   int
		success    bool // a success in the middle of the streak
		gap        time.Duration
		wantActive string
	}{
		{name: "three failures, previous answers", prevAlive: true, class: strategy.Other, failures: 3, wantActive: strategy.Blue},
		{name: "unavailable counts too", prevAlive: true, class: strategy.Unavailable, failures: 3, wantActive: strategy.Blue},
		{name: "two failures are not enough", prevAlive: true, class: strategy.Other, failures: 2, wantActive: strategy.Green},
		{name: "456 does not count", prevAlive: true, class: strategy.WrongStrategy, failures: 5, wantActive: strategy.Green},
		{name: "previous retired", prevAlive: false, class: strategy.Other, failures: 3, wantActive: strategy.Green},
		{name: "no probe, no rollback", prevAlive: true, noProbe: true, class: strategy.Other, failures: 3, wantActive: strategy.Green},
		{name: "success resets the streak", prevAlive: true, class: strategy.Other, failures: 4, success: true, wantActive: strategy.Green},
		{name: "failures outside the window", prevAlive: true, class: strategy.Other, failures: 3, gap: 40 * time.Second, wantActive: strategy.Green},
	} {
		t.Run(tc.name, func(t *testing.T) {
			live := strategy.Green
			if tc.prevAlive {
				live = strategy.Blue // the probe of the previous colour (blue) answers
			}
			cl := newCluster(live)
			probe := cl.probe
			if tc.noProbe {
				probe = nil
			}
			s, clk, rec, _ := detectedProbing(t, strategy.Blue, strategy.Options{}, probe)
			s.Observe(strategy.Green, Call{})
			p, _ := s.Acquire()
			require.Equal(t, strategy.Green, p.Colour())
			p.Release()
			for i := range tc.failures {
				if tc.success && i == 2 {
					s.ReportSuccess(strategy.Green)
				}
				s.ReportFailure(strategy.Green, tc.class)
				clk.Add(tc.gap)
			}
			s.settle() // the check runs in the background
			assert.Equal(t, tc.wantActive, s.Health().Active)
			if tc.wantActive == strategy.Blue {
				rb := rec.of(strategy.EventRolledBack)
				require.Len(t, rb, 1)
				assert.Equal(t, "auto", rb[0].Method)
				assert.Equal(t, strategy.Green, rb[0].From)
				// The server keeps hinting green: ignored during the hold.
				s.Observe(strategy.Green, Call{})
				assert.Empty(t, s.Health().Pending)
				clk.Add(2 * time.Minute)
				s.Observe(strategy.Green, Call{})
				assert.Equal(t, strategy.Green, s.Health().Pending)
			} else {
				assert.Empty(t, rec.of(strategy.EventRolledBack))
			}
		})
	}
}
