package main

import (
	"runtime/debug"
	"testing"
)

func TestStampFromBuildInfo(t *testing.T) {
	vcs := func(rev, at, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "-buildmode", Value: "exe"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: at},
			{Key: "vcs.modified", Value: modified},
		}
	}
	const rev = "bcd02bf3e4a1c0ffee0123456789abcdef012345"
	for _, tc := range []struct {
		name    string
		ldflags buildStamp
		bi      *debug.BuildInfo
		want    buildStamp
	}{
		{
			name: "go install @v0.1.0: module version, no vcs",
			bi:   &debug.BuildInfo{Main: debug.Module{Path: "github.com/azuremfa/azuremfa_exporter", Version: "v0.1.0"}},
			want: buildStamp{Version: "0.1.0"},
		},
		{
			name: "go build on a tagged commit",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}, Settings: vcs(rev, "2026-12-02T04:17:50Z", "false")},
			want: buildStamp{Version: "0.1.0", Revision: rev, BuildDate: "20261202-04:17:50"},
		},
		{
			name: "go build after a tag, uncommitted changes",
			bi: &debug.BuildInfo{Main: debug.Module{Version: "v0.1.1-0.20261202041750-bcd02bf3e4a1+dirty"},
				Settings: vcs(rev, "2026-12-02T05:17:50+01:00", "true")},
			want: buildStamp{Version: "0.1.1-0.20261202041750-bcd02bf3e4a1+dirty", Revision: rev + "-modified", BuildDate: "20261202-04:17:50"},
		},
		{
			name: "(devel) with a revision",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "2026-12-02T04:17:50Z", "false")},
			want: buildStamp{Version: "devel+bcd02bf3e4a1", Revision: rev, BuildDate: "20261202-04:17:50"},
		},
		{
			name: "(devel) with a revision and changes",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "not a time", "true")},
			want: buildStamp{Version: "devel+bcd02bf3e4a1.dirty", Revision: rev + "-modified"},
		},
		{
			name: "go run or go test: (devel), nothing else",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			want: buildStamp{Version: "devel"},
		},
		{
			name: "no build info at all",
			want: buildStamp{Version: "devel"},
		},
		{
			name:    "ldflags win over the build info",
			ldflags: buildStamp{Version: "0.1.0", Revision: "abc", Branch: "main", BuildUser: "ci@builder", BuildDate: "20261201-00:00:00"},
			bi:      &debug.BuildInfo{Main: debug.Module{Version: "v0.0.9"}, Settings: vcs(rev, "2026-12-02T04:17:50Z", "true")},
			want:    buildStamp{Version: "0.1.0", Revision: "abc", Branch: "main", BuildUser: "ci@builder", BuildDate: "20261201-00:00:00"},
		},
		{
			name:    "ldflags set the version only: the rest comes from the build info",
			ldflags: buildStamp{Version: "0.1.0"},
			bi:      &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "2026-12-02T04:17:50Z", "false")},
			want:    buildStamp{Version: "0.1.0", Revision: rev, BuildDate: "20261202-04:17:50"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := stampFromBuildInfo(tc.ldflags, tc.bi); got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
