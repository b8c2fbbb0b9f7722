package bluegreen

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAutomatedRollback(t *testing.T) {
	for _, tc := range []struct {
		name       string
		prevAlive  bool
		noProbe    bool
		class      Class
		failures   int
		success    bool // a success in the middle of the streak
		gap        time.Duration
		wantActive string
	}{
		{name: "three failures, previous answers", prevAlive: true, class: Other, failures: 3, wantActive: Blue},
		{name: "unavailable counts too", prevAlive: true, class: Unavailable, failures: 3, wantActive: Blue},
		{name: "two failures are not enough", prevAlive: true, class: Other, failures: 2, wantActive: Green},
		{name: "456 does not count", prevAlive: true, class: WrongStrategy, failures: 5, wantActive: Green},
		{name: "previous retired", prevAlive: false, class: Other, failures: 3, wantActive: Green},
		{name: "no probe, no rollback", prevAlive: true, noProbe: true, class: Other, failures: 3, wantActive: Green},
		{name: "success resets the streak", prevAlive: true, class: Other, failures: 4, success: true, wantActive: Green},
		{name: "failures outside the window", prevAlive: true, class: Other, failures: 3, gap: 40 * time.Second, wantActive: Green},
	} {
		t.Run(tc.name, func(t *testing.T) {
			live := Green
			if tc.prevAlive {
				live = Blue // the probe of the previous colour (blue) answers
			}
			cl := newCluster(live)
			probe := cl.probe
			if tc.noProbe {
				probe = nil
			}
			s, clk, rec, _ := detectedProbing(t, Blue, Options{}, probe)
			s.Observe(Green, Call{})
			p, _ := s.Acquire()
			require.Equal(t, Green, p.Colour())
			p.Release()
			for i := range tc.failures {
				if tc.success && i == 2 {
					s.ReportSuccess(Green)
				}
				s.ReportFailure(Green, tc.class)
				clk.Add(tc.gap)
			}
			s.settle() // the check runs in the background
			assert.Equal(t, tc.wantActive, s.Health().Active)
			if tc.wantActive == Blue {
				rb := rec.of(EventRolledBack)
				require.Len(t, rb, 1)
				assert.Equal(t, "auto", rb[0].Method)
				assert.Equal(t, Green, rb[0].From)
				// The server keeps hinting green: ignored during the hold.
				s.Observe(Green, Call{})
				assert.Empty(t, s.Health().Pending)
				clk.Add(2 * time.Minute)
				s.Observe(Green, Call{})
				assert.Equal(t, Green, s.Health().Pending)
			} else {
				assert.Empty(t, rec.of(EventRolledBack))
			}
		})
	}
}
