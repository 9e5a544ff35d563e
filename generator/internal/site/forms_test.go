package site

import (
	"context"
	"strings"
	"testing"

	"github.com/bcs/publish/generator/internal/form"
)

const formPage = `---
title: Contact
description: Write to us.
form:
  id: contact
  action: /api/contact
  thanks: /contact/thanks/
  trap: website
  fields:
    - name: name
      label: Your name
      type: text
      required: true
    - name: icb
      label: Your ICB
      type: select
      options_from: icbs
---
Intro.
`

const thanksPage = "---\ntitle: Thanks\ndescription: d\nurl: /contact/thanks/\nnoindex: true\n---\n"

const formTemplate = `{{define "main"}}{{with .Form}}{{.Summary}}{{end}}<h1>{{.Title}}</h1>{{.Content}}{{with .Form}}{{.HTML}}{{end}}{{end}}`

func formProject(t *testing.T, changes map[string]string) map[string]string {
	files := map[string]string{"content/contact.md": formPage, "content/thanks.md": thanksPage, "templates/page.html": formTemplate}
	for k, v := range changes {
		files[k] = v
	}
	return files
}

func TestFormPageAndExport(t *testing.T) {
	s := build(t, project(t, formProject(t, nil)))
	contains(t, s, "contact/index.html", `<h1>Contact</h1><p>Intro.</p>`+"\n"+`<form class="form" method="post" action="/api/contact"`,
		`<optgroup label="East of England">`, `<option value="S1Y5D">NHS Central East Integrated Care Board</option>`)
	page := string(s.Files["contact/index.html"])
	if strings.Contains(page, "bcs:form") {
		t.Error("a form marker reached the published page")
	}
	f, e, err := form.Load("forms/contact.json", s.Files["forms/contact.json"])
	if err != nil {
		t.Fatal(err)
	}
	clean, err := e.RenderPage(f, form.State{})
	if err != nil || string(clean) != page {
		t.Errorf("the export does not rebuild the published page (err %v)", err)
	}
	withErrors, _ := e.RenderPage(f, form.State{Errors: []form.FieldError{{Field: "name", Message: "Enter your name"}}})
	if !strings.Contains(string(withErrors), "<title>Error: Contact | Test site</title>") || !strings.Contains(string(withErrors), `<a href="#contact-name">Enter your name</a>`) {
		t.Errorf("error page:\n%s", withErrors)
	}
	contains(t, s, "_headers", "form-action 'self'")
}

func TestFormErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes map[string]string
		want    string
	}{
		{"no thank-you page", map[string]string{"content/thanks.md": ""}, "content/contact.md:7:11: no page has the URL /contact/thanks/"},
		{"unknown list", map[string]string{"content/contact.md": strings.Replace(formPage, "options_from: icbs", "options_from: ccgs", 1)},
			`content/contact.md:17:21: field "icb": no list called "ccgs"`},
		{"unknown key", map[string]string{"content/contact.md": strings.Replace(formPage, "required: true", "mandatory: true", 1)},
			`content/contact.md:13:7: unknown key "mandatory"`},
		{"template without the form", map[string]string{"templates/page.html": `{{define "main"}}<h1>{{.Title}}</h1>{{end}}`},
			"content/contact.md: the page's template must show the form once"},
		{"unsafe action", map[string]string{"content/contact.md": strings.Replace(formPage, "action: /api/contact", "action: \"javascript:x\"", 1)},
			`content/contact.md:6:11: action "javascript:x" must be a path`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Build(context.Background(), project(t, formProject(t, tc.changes)), Options{Now: now})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant %q", err, tc.want)
			}
		})
	}
}

func TestFormToAnotherOriginWidensCSP(t *testing.T) {
	s := build(t, project(t, formProject(t, map[string]string{
		"content/contact.md": strings.Replace(formPage, "action: /api/contact", "action: https://forms.example.org/api/contact", 1),
	})))
	contains(t, s, "_headers", "connect-src 'self' https://forms.example.org;", "form-action 'self' https://forms.example.org")
}

const faqPage = `---
title: %s
description: d
sections:
  - heading: Questions
    faqs:
      - question: How long does it take?
        answer: About a week.
      - question: Who does it?
        id: %s
        answer: A **pharmacist**.
---
`

func TestFAQHub(t *testing.T) {
	s := build(t, project(t, map[string]string{
		"content/guide/one.md":   strings.NewReplacer("%s", "One").Replace(faqPage[:strings.Index(faqPage, "      - question: Who")]) + "---\n",
		"content/guide/two.md":   "---\ntitle: Two\ndescription: d\nsections:\n  - heading: More\n    faqs:\n      - question: Who does it?\n        answer: A **pharmacist**.\n---\n",
		"content/faqs.md":        "---\ntitle: FAQs\ndescription: d\nlayout: faqs\n---\n",
		"templates/faqs.html":    `{{define "main"}}<h1>{{.Title}}</h1>{{range .FAQHub}}<h2 id="{{.ID}}">{{.Title}}</h2>{{range .Pages}}<h3>{{.Title}}</h3>{{range .FAQs}}<a id="{{.ID}}" href="{{.URL}}">{{.Question}}</a>{{.Answer}}{{end}}{{end}}{{end}}{{end}}`,
		"templates/cluster.html": `{{define "main"}}<h1>{{.Title}}</h1>{{range .Sections}}{{range .FAQs}}<details id="{{.ID}}"><summary>{{.Question}}</summary>{{.Answer}}</details>{{end}}{{end}}{{end}}`,
	}))
	contains(t, s, "faqs/index.html",
		`<h2 id="topic-guide">Guide</h2><h3>One</h3><a id="how-long-does-it-take" href="/guide/one/#how-long-does-it-take">How long does it take?</a><p>About a week.</p>`,
		`<h3>Two</h3><a id="who-does-it" href="/guide/two/#who-does-it">Who does it?</a><p>A <strong>pharmacist</strong>.</p>`)
	contains(t, s, "guide/one/index.html", `<details id="how-long-does-it-take">`)
}

func TestDuplicateFAQID(t *testing.T) {
	dup := "---\ntitle: %s\ndescription: d\nsections:\n  - heading: Q\n    faqs:\n      - question: Who does it?\n        answer: Us.\n---\n"
	_, err := Build(context.Background(), project(t, map[string]string{
		"content/guide/one.md": strings.Replace(dup, "%s", "One", 1),
		"content/guide/two.md": strings.Replace(dup, "%s", "Two", 1),
	}), Options{Now: now})
	want := `content/guide/two.md:7:9: duplicate FAQ id "who-does-it" (also at content/guide/one.md:7:9): give one of them its own id`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

// TestRealFAQHubListsEveryQuestion: every question on the site is on /faqs/,
// linked to its page.
func TestRealFAQHubListsEveryQuestion(t *testing.T) {
	s := realSite(t)
	n := 0
	for _, p := range s.Pages {
		for _, sec := range p.Front.Sections {
			for _, f := range sec.FAQs {
				contains(t, s, "faqs/index.html", `href="`+p.URL+"#"+f.ID+`"`)
				n++
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d questions on the site", n)
	}
}
