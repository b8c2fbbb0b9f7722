package connector

import (
	"strings"
	"testing"
	"time"
)

// TestConfigValidateResume: with auto-resume on, resume-poll-interval has a floor and
// resume-timeout must be longer than it; the error names both keys of the pair.
func TestConfigValidateResume(t *testing.T) {
	tests := []struct {
		name          string
		autoResume    bool
		timeout, poll time.Duration
		key           string // "" when valid
		mentions      string
	}{
		{"defaults", true, defaultResumeTimeout, defaultResumePollInterval, "", ""},
		{"at the floor", true, time.Second, minResumePollInterval, "", ""},
		{"1ns poll interval", true, time.Second, time.Nanosecond, "resume-poll-interval", "100ms"},
		{"just below the floor", true, time.Second, minResumePollInterval - 1, "resume-poll-interval", "100ms"},
		{"timeout shorter than the poll interval", true, time.Second, 5 * time.Second, "resume-timeout", "resume-poll-interval"},
		{"timeout equal to the poll interval", true, time.Second, time.Second, "resume-timeout", "resume-poll-interval"},
		{"unused without auto-resume", false, time.Second, time.Nanosecond, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dsnBaseConfig()
			c.AutoResume, c.ResumeTimeout, c.ResumePollInterval = tt.autoResume, tt.timeout, tt.poll
			err := c.Validate()
			if tt.key == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			wantDSNError(t, err, tt.key)
			if !strings.Contains(err.Error(), tt.mentions) {
				t.Errorf("error does not mention %q: %v", tt.mentions, err)
			}
		})
	}

	_, err := ParseDSN("e6data://u:t@h?resume-timeout=1s&resume-poll-interval=2s")
	wantDSNError(t, err, "resume-timeout")
}
