package site

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

const blockSettings = "title: Test site\nbase_url: https://example.org/\norganisation:\n  name: Test Org\nmenus:\n  main:\n    - name: Guide\n      url: /guide/\n" +
	"blocks:\n  discovery-call:\n    eyebrow: Next step\n    heading: Talk to us\n    body: A 30-minute call. **Free.**\n    action:\n      label: Book a call\n      url: /guide/\n"

// blockPage is guide/two.md with a prose section, then section.
func blockPage(section string) string {
	return "---\ntitle: Two\ndescription: d\nweight: 2\nsections:\n  - heading: First\n    body: Words.\n" + section + "---\n## Details\n"
}

// TestBlockIsTheSectionWrittenOut: a section that uses a block builds the
// same site, byte for byte, as the block's section written out on the page.
func TestBlockIsTheSectionWrittenOut(t *testing.T) {
	with := func(page string) map[string]string {
		return withSections(t, map[string]string{"content/site.yaml": blockSettings, "content/guide/two.md": page})
	}
	used := build(t, project(t, with(blockPage("  - use: discovery-call\n"))))
	written := build(t, project(t, with(blockPage("  - eyebrow: Next step\n    heading: Talk to us\n    body: A 30-minute call. **Free.**\n    action:\n      label: Book a call\n      url: /guide/\n"))))
	for name, data := range written.Files {
		if !bytes.Equal(used.Files[name], data) {
			t.Errorf("%s differs between the block used and the section written out:\n%s\n---\n%s", name, used.Files[name], data)
		}
	}
	contains(t, used, "guide/two/index.html", `id="talk-to-us"`, `<strong>Free.</strong>`, `<a class="button" href="/guide/">Book a call</a>`)

	// An id given beside use is the section's anchor.
	s := build(t, project(t, with(blockPage("  - use: discovery-call\n    id: book\n"))))
	contains(t, s, "guide/two/index.html", `id="book"`)

	// A block that is not there, at the line that names it.
	_, err := Build(context.Background(), project(t, with(blockPage("  - use: discovery-cal\n"))), Options{Now: now})
	if want := `content/guide/two.md:8:10: there is no block "discovery-cal" in content/site.yaml (blocks:); did you mean "discovery-call"?`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v\nwant %s", err, want)
	}
}

// TestBlockEditRendersItsPages: editing a block in site.yaml renders again
// the pages that use it, equal to a whole build.
func TestBlockEditRendersItsPages(t *testing.T) {
	fsys := project(t, withSections(t, map[string]string{
		"content/site.yaml":    blockSettings,
		"content/guide/two.md": blockPage("  - use: discovery-call\n"),
	}))
	runSteps(t, fsys, Options{Now: now}, []step{
		{name: "the block's words", edit: map[string]string{"content/site.yaml": strings.Replace(blockSettings, "A 30-minute call.", "A 20-minute call.", 1)}},
		{name: "the block goes while a page uses it", edit: map[string]string{"content/site.yaml": strings.Split(blockSettings, "blocks:")[0]},
			err: `there is no block "discovery-call"`},
	})
}
