package dashboards

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// repoRoot is the root of the repository, seen from this module.
const repoRoot = ".."

// docFiles are the Markdown pages whose links must resolve: the front door, the project files
// and everything under docs/.
func docFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"README.md", "CHANGELOG.md", "SECURITY.md", "CONTRIBUTING.md"}
	err := filepath.WalkDir(filepath.Join(repoRoot, "docs"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") {
			rel, err := filepath.Rel(repoRoot, path)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

var (
	fence       = regexp.MustCompile("^ {0,3}(```|~~~)")
	codeSpan    = regexp.MustCompile("`+[^`]*`+")
	inlineLink  = regexp.MustCompile(`!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(?:<([^>]*)>|([^)\s]*))(?:\s+"[^"]*")?\s*\)`)
	refLinkDef  = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)`)
	htmlLink    = regexp.MustCompile(`(?i)<(?:a|img)\s[^>]*?(?:href|src)="([^"]*)"`)
	htmlAnchor  = regexp.MustCompile(`(?i)<a\s[^>]*?(?:name|id)="([^"]*)"`)
	atxHeading  = regexp.MustCompile(`^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	headingLink = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	uriScheme   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// markdownText is a page without its fenced code blocks and code spans, line by line: links
// and headings in code are not links and headings.
func markdownText(page string) []string {
	var out []string
	in := ""
	for _, line := range strings.Split(page, "\n") {
		if m := fence.FindStringSubmatch(line); m != nil {
			switch in {
			case "":
				in = m[1]
			case m[1]:
				in = ""
			}
			out = append(out, "")
			continue
		}
		if in != "" {
			out = append(out, "")
			continue
		}
		out = append(out, codeSpan.ReplaceAllString(line, ""))
	}
	return out
}

// githubAnchor is the anchor GitHub gives a Markdown heading: the rendered text in lower case,
// spaces turned into hyphens, every other character that is not a letter, a digit, a hyphen or
// an underscore dropped.
func githubAnchor(heading string) string {
	heading = headingLink.ReplaceAllString(heading, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), unicode.Is(unicode.Mn, r), r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// pageAnchors are the anchors of a page: one per heading (a repeated heading gets -1, -2, ...
// as on GitHub) and any <a name> or id.
func pageAnchors(page string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	for _, line := range markdownTextKeepingCode(page) {
		if m := atxHeading.FindStringSubmatch(line); m != nil {
			a := githubAnchor(strings.ReplaceAll(m[2], "`", ""))
			if n := seen[a]; n > 0 {
				anchors[fmt.Sprintf("%s-%d", a, n)] = true
			} else {
				anchors[a] = true
			}
			seen[a]++
		}
		for _, m := range htmlAnchor.FindAllStringSubmatch(line, -1) {
			anchors[m[1]] = true
		}
	}
	return anchors
}

// markdownTextKeepingCode drops fenced blocks but keeps code spans, whose text is part of a
// heading's anchor.
func markdownTextKeepingCode(page string) []string {
	var out []string
	in := ""
	for _, line := range strings.Split(page, "\n") {
		if m := fence.FindStringSubmatch(line); m != nil {
			switch in {
			case "":
				in = m[1]
			case m[1]:
				in = ""
			}
			continue
		}
		if in == "" {
			out = append(out, line)
		}
	}
	return out
}

// pageLinks are the link targets of a page, with their line numbers.
func pageLinks(page string) map[int][]string {
	links := map[int][]string{}
	for i, line := range markdownText(page) {
		for _, re := range []*regexp.Regexp{inlineLink, refLinkDef, htmlLink} {
			for _, m := range re.FindAllStringSubmatch(line, -1) {
				links[i+1] = append(links[i+1], strings.Join(m[1:], "")) // one group matched
			}
		}
	}
	return links
}

// linkProblem says why a relative link from the page at from (a slash path from the
// repository root) does not resolve; "" when it does. read returns a file's content.
func linkProblem(from, target string, read func(path string) (string, bool, error)) string {
	if target == "" || uriScheme.MatchString(target) || strings.HasPrefix(target, "//") {
		return "" // external, or empty: not ours to check
	}
	path, frag, _ := strings.Cut(target, "#")
	dest := from
	if path != "" {
		dest = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(from), path)))
		if dest == ".." || strings.HasPrefix(dest, "../") || filepath.IsAbs(path) {
			return fmt.Sprintf("%s leaves the repository", target)
		}
	}
	content, isDir, err := read(dest)
	if err != nil {
		return fmt.Sprintf("%s: %s does not exist", target, dest)
	}
	if frag == "" || isDir || !strings.HasSuffix(dest, ".md") {
		return ""
	}
	if !pageAnchors(content)[frag] {
		return fmt.Sprintf("%s: %s has no heading with the anchor #%s", target, dest, frag)
	}
	return ""
}

func readRepoFile(path string) (string, bool, error) {
	full := filepath.Join(repoRoot, filepath.FromSlash(path))
	st, err := os.Stat(full)
	if err != nil {
		return "", false, err
	}
	if st.IsDir() {
		return "", true, nil
	}
	raw, err := os.ReadFile(full)
	return string(raw), false, err
}

// TestDocLinks: every relative link and #anchor in README.md, CHANGELOG.md, SECURITY.md,
// CONTRIBUTING.md and docs/**/*.md lands on a file, a folder or a heading that exists.
func TestDocLinks(t *testing.T) {
	checked := 0
	for _, f := range docFiles(t) {
		content, _, err := readRepoFile(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for line, targets := range pageLinks(content) {
			for _, target := range targets {
				checked++
				if p := linkProblem(f, target, readRepoFile); p != "" {
					t.Errorf("%s:%d: %s", f, line, p)
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no links found: the link parser is broken")
	}
}

func TestGithubAnchor(t *testing.T) {
	for in, want := range map[string]string{
		" Alert: AzureMFAFraudReported":         "alert-azuremfafraudreported",
		"Dashboards and alerts":                 "dashboards-and-alerts",
		"`--tail.from-start`":                   "--tailfrom-start",
		"Why not nxadm/tail":                    "why-not-nxadmtail",
		"Account, event log, positions and ...": "account-event-log-positions-and-",
		"See [the docs](docs/x.md) now":         "see-the-docs-now",
		"Überblick _snake_case_":                "überblick-_snake_case_",
	} {
		if got := githubAnchor(in); got != want {
			t.Errorf("githubAnchor(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLinkProblem: the checker finds what it must find, and passes what is fine.
func TestLinkProblem(t *testing.T) {
	files := map[string]string{
		"README.md":          "# Title\n\n## Quick start\n\n## Quick start\n\n```\n## Not a heading\n```\n<a name=\"custom\"></a>\n",
		"docs/page.md":       "# Page\n\n## `--flag` values\n",
		"docs/runbooks/A.md": "# A\n",
		"LICENSE":            "text",
	}
	read := func(path string) (string, bool, error) {
		if c, ok := files[path]; ok {
			return c, false, nil
		}
		for p := range files {
			if strings.HasPrefix(p, path+"/") {
				return "", true, nil
			}
		}
		return "", false, os.ErrNotExist
	}
	for _, tc := range []struct {
		from, target string
		ok           bool
	}{
		{"README.md", "docs/page.md", true},
		{"README.md", "docs/page.md#--flag-values", true},
		{"README.md", "docs/page.md#flag-values", false},
		{"README.md", "#quick-start", true},
		{"README.md", "#quick-start-1", true},
		{"README.md", "#quick-start-2", false},
		{"README.md", "#not-a-heading", false},
		{"README.md", "#custom", true},
		{"README.md", "docs/missing.md", false},
		{"README.md", "docs/", true},
		{"README.md", "docs/runbooks/", true},
		{"README.md", "LICENSE", true},
		{"docs/page.md", "../README.md#title", true},
		{"docs/page.md", "runbooks/A.md", true},
		{"docs/page.md", "page.md", true},
		{"docs/page.md", "README.md", false},
		{"docs/page.md", "../../outside.md", false},
		{"README.md", "https://example.com/x#y", true},
		{"README.md", "mailto:someone@example.com", true},
	} {
		if got := linkProblem(tc.from, tc.target, read); (got == "") != tc.ok {
			t.Errorf("link %q from %s: problem %q, want ok=%v", tc.target, tc.from, got, tc.ok)
		}
	}
}

// TestPageLinks: links in code are not links; every other kind is found.
func TestPageLinks(t *testing.T) {
	page := "See [a](a.md), ![img](img.png \"title\") and [b](<b c.md>).\n" +
		"`[not](code.md)`\n```\n[not](fenced.md)\n```\n" +
		"[ref]: ref.md\n<img src=\"html.png\" alt=\"x\">\n[nested [x]](nested.md)\n"
	var got []string
	for line := 1; line <= 10; line++ {
		got = append(got, pageLinks(page)[line]...)
	}
	want := []string{"a.md", "img.png", "b c.md", "ref.md", "html.png", "nested.md"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("links %q, want %q", got, want)
	}
}
