package config

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	s, err := Parse("site.yaml", []byte("title: T\nbase_url: https://example.org\norganisation: {name: O}\nmenus:\n  main:\n    - {name: A, url: /a/}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.BaseURL != "https://example.org/" || s.Language != "en-GB" || s.HighlightStyle != "github" {
		t.Errorf("defaults not applied: %+v", s)
	}
	if got := s.AbsURL("/a/b/"); got != "https://example.org/a/b/" {
		t.Errorf("AbsURL = %q", got)
	}
}

func TestParseErrors(t *testing.T) {
	for src, want := range map[string]string{
		"title: T\norganisation: {name: O}\n":                                                       `site.yaml:1:1: missing required setting base_url`,
		"title: T\nbase_url: example.org\norganisation: {name: O}\n":                                `site.yaml:2:11: base_url must be an absolute http(s) URL`,
		"title: T\nbase_url: https://x.org/sub/\norganisation: {name: O}\n":                         `site.yaml:2:11: base_url must be the site's root`,
		"title: T\nbase_url: https://x.org/\norganisation: {nmae: O}\n":                             `site.yaml:3:16: unknown key "nmae"; did you mean "name"?`,
		"title: T\nbase_url: https://x.org/\norganisation: {name: O}\ncontacts: 1\n":                `site.yaml:4:1: unknown key "contacts"; did you mean "contact"?`,
		"title: T\nbase_url: https://x.org/\norganisation: {name: O}\nmenus: {main: [{name: A}]}\n": `missing required setting menu item url`,
	} {
		_, err := Parse("site.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q):\n got %v\nwant %s", src, err, want)
		}
	}
}
