package site

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// privacyProject is the base test project with the real privacy notice,
// its template and the real footer, and the settings site.yaml.
func privacyProject(t *testing.T, settings string) fstest.MapFS {
	t.Helper()
	files := map[string]string{
		"content/site.yaml":  settings,
		"content/contact.md": "---\ntitle: Contact\ndescription: d\n---\n", // the notice links to it
		"templates/base.html": `<!DOCTYPE html><html lang="{{.Site.Language}}"><head><title>{{.HeadTitle}}</title></head>` +
			`<body><main>{{block "main" .}}{{end}}</main>{{template "partials/footer.html" .}}</body></html>`,
	}
	for _, name := range []string{"content/privacy.md", "templates/privacy.html", "templates/partials/pagehead.html",
		"templates/partials/sections.html", "templates/partials/reviewed.html", "templates/partials/footer.html", "templates/partials/menu.html"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	return project(t, files)
}

const privacySettings = "title: Test site\nbase_url: https://example.org/\n" +
	"organisation: {name: Acme, legal_name: Acme Care Ltd, company_number: \"01234567\", registered_office: \"1 High Street, Leeds, LS1 1AA\"}\n" +
	"contact: {email: team@example.org}\n"

// TestPrivacyNoticeReadsTheSettings checks that the privacy notice takes the
// retention period, the controller and the contact address from site.yaml,
// in a whole build and when the preview rebuilds after an edit of
// site.yaml, so that the page can never state another period than the one
// the receiver and the purge use.
func TestPrivacyNoticeReadsTheSettings(t *testing.T) {
	fsys := privacyProject(t, privacySettings+"submissions: {retention_days: 30}\n")
	s := build(t, fsys)
	contains(t, s, "privacy/index.html",
		"for 30 days from the day we receive it",
		"Acme Care Ltd (“Acme”, “we”) decides what happens",
		`email <a href="mailto:team@example.org">team@example.org</a>`,
		`<a href="#privacy-controller">Who we are</a>`, // the rights section points at the address
		"Please do not include patient information.",
		"legitimate interests",
		`<a href="https://ico.org.uk/make-a-complaint/">`,
		`<p class="footer-legal">Acme Care Ltd. Registered in England and Wales, company number 01234567. Registered office: 1 High Street, Leeds, LS1 1AA.</p>`,
	)
	if strings.Contains(string(s.Files["privacy/index.html"]), "365") {
		t.Error("the notice states a retention period that is not in the settings")
	}

	b := NewBuilder(fsys, Options{Now: now})
	if _, err := b.Update(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	fsys["content/site.yaml"] = &fstest.MapFile{Data: []byte(privacySettings + "submissions: {retention_days: 90}\n")}
	res, err := b.Update(context.Background(), []string{"content/site.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	page := string(res.Files["privacy/index.html"])
	if !strings.Contains(page, "for 90 days from the day we receive it") || strings.Contains(page, "30 days") {
		t.Errorf("after retention_days: 90 the notice says:\n%s", page)
	}

	// No retention_days: the default, a year.
	contains(t, build(t, privacyProject(t, privacySettings)), "privacy/index.html", "for 365 days")
}

// TestFooterShowsWhatIsSet checks that the footer's legal line is made of
// the organisation details that are set, and is absent with none.
func TestFooterShowsWhatIsSet(t *testing.T) {
	s := build(t, privacyProject(t, "title: T\nbase_url: https://example.org/\norganisation: {name: Acme, legal_name: Acme Care Ltd}\n"))
	contains(t, s, "guide/one/index.html", `<p class="footer-legal">Acme Care Ltd.</p>`)
	page := string(s.Files["guide/one/index.html"])
	if strings.Contains(page, "company number") || strings.Contains(page, "Registered office") {
		t.Errorf("the footer shows details that are not set:\n%s", page)
	}
	s = build(t, privacyProject(t, "title: T\nbase_url: https://example.org/\norganisation: {name: Acme}\n"))
	if strings.Contains(string(s.Files["guide/one/index.html"]), "footer-legal") {
		t.Error("a footer legal line with no details to show")
	}
}

// TestUnconfirmedSettingsReported checks that the build result carries the
// placeholders for bcs build to print: the ones listed, then the missing
// organisation details.
func TestUnconfirmedSettingsReported(t *testing.T) {
	s := build(t, project(t, map[string]string{"content/site.yaml": "title: T\nbase_url: https://example.org/\n" +
		"organisation: {name: O, legal_name: O Ltd}\ncontact: {telephone: \"+44 20 7946 0000\"}\n" +
		"unconfirmed:\n  - setting: contact.telephone\n    reason: Ofcom drama range\n"}))
	var got []string
	for _, p := range s.Unconfirmed {
		got = append(got, p.Setting+" — "+p.Reason)
	}
	want := "contact.telephone — Ofcom drama range; organisation.company_number — not set; organisation.registered_office — not set; cms.repo — not set"
	if strings.Join(got, "; ") != want {
		t.Errorf("Unconfirmed = %q, want %q", strings.Join(got, "; "), want)
	}
}
