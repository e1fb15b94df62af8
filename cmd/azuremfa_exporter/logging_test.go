package main

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/prometheus/common/promslog"
)

// TestRecordLevel reads the level back from what promslog really writes, in both formats,
// as the Windows event log writer does.
func TestRecordLevel(t *testing.T) {
	for _, format := range []string{"logfmt", "json"} {
		var buf bytes.Buffer
		cfg := &promslog.Config{Format: promslog.NewFormat(), Level: promslog.NewLevel(), Writer: &buf}
		if err := cfg.Format.Set(format); err != nil {
			t.Fatal(err)
		}
		if err := cfg.Level.Set("debug"); err != nil {
			t.Fatal(err)
		}
		logger := promslog.New(cfg)
		for _, tc := range []struct {
			log  func(string, ...any)
			want slog.Level
		}{
			{logger.Error, slog.LevelError},
			{logger.Warn, slog.LevelWarn},
			{logger.Info, slog.LevelInfo},
			{logger.Debug, slog.LevelDebug},
		} {
			buf.Reset()
			tc.log("a message that mentions level=ERROR in its text", "path", `C:\Logs`)
			if got := recordLevel(buf.Bytes()); got != tc.want {
				t.Errorf("%s: %q read as %v, want %v", format, buf.String(), got, tc.want)
			}
		}
	}
}
