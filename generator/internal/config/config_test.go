package config

import (
	"slices"
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

const minimal = "title: T\nbase_url: https://x.org/\n"

func TestUnconfirmed(t *testing.T) {
	s, err := Parse("site.yaml", []byte(minimal+"organisation: {name: O, legal_name: O Ltd}\ncontact: {telephone: \"+44 20 7946 0000\"}\n"+
		"unconfirmed:\n  - setting: contact.telephone\n    reason: Ofcom drama range\n  - setting: organisation.registered_office\n    reason: waiting for the new lease\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range s.Unconfirmed() {
		got = append(got, p.Setting+": "+p.Reason+" @"+p.At.String())
	}
	want := []string{
		"contact.telephone: Ofcom drama range @site.yaml:6:14",
		"organisation.registered_office: waiting for the new lease @site.yaml:8:14",
		"organisation.company_number: not set @", // missing and not listed: reported, after the list
		"cms.repo: not set @",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Unconfirmed():\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	full, err := Parse("site.yaml", []byte(minimal+"organisation: {name: O, legal_name: O Ltd, company_number: \"01234567\", registered_office: \"1 High Street, London\"}\ncms: {repo: bcs/website}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if u := full.Unconfirmed(); len(u) != 0 {
		t.Errorf("every launch setting is set and nothing is listed, yet Unconfirmed() = %+v", u)
	}
}

func TestSettingPaths(t *testing.T) {
	paths := SettingPaths()
	for _, want := range []string{"title", "contact.telephone", "organisation.company_number", "submissions.retention_days", "menus.footer"} {
		if !slices.Contains(paths, want) {
			t.Errorf("SettingPaths() lacks %s: %v", want, paths)
		}
	}
	for _, p := range paths {
		if p == "unconfirmed" || strings.HasPrefix(p, "unconfirmed.") || strings.HasPrefix(p, "menus.main.") {
			t.Errorf("SettingPaths() has %s", p)
		}
	}
	s := &Site{}
	for _, p := range launchSettings {
		s.value(p) // panics if launchSettings names a setting that is gone
	}
}

func TestOrganisationErrors(t *testing.T) {
	for src, want := range map[string]string{
		minimal + "organisation: {name: O, company_number: 01234567}\n":                                                       `site.yaml:3:41: company_number "342391" must be the Companies House number`, // an unquoted leading 0 reads as octal
		minimal + "organisation: {name: O, company_number: \"1234567\"}\n":                                                    `company_number "1234567" must be`,
		minimal + "organisation: {name: O, company_number: \"sc123456\"}\n":                                                   `company_number "sc123456" must be`,
		minimal + "organisation: {name: O, registered_office: \"a\\nb\"}\n":                                                   `site.yaml:3:44: registered_office must be one line`,
		minimal + "organisation: {name: O}\nunconfirmed:\n  - setting: contact.phone\n    reason: r\n":                        `site.yaml:5:14: unconfirmed: there is no setting "contact.phone"; did you mean "contact.telephone"?`,
		minimal + "organisation: {name: O}\nunconfirmed:\n  - setting: telephone\n    reason: r\n":                            `site.yaml:5:14: unconfirmed: there is no setting "telephone"; did you mean "contact.telephone"?`,
		minimal + "organisation: {name: O}\nunconfirmed:\n  - setting: contact.email\n":                                       `site.yaml:5:5: unconfirmed: give the reason contact.email is not confirmed`,
		minimal + "organisation: {name: O}\nunconfirmed:\n  - reason: r\n":                                                    `site.yaml:5:5: an unconfirmed entry needs setting`,
		minimal + "organisation: {name: O}\nunconfirmed:\n  - {setting: title, reason: r}\n  - {setting: title, reason: s}\n": `site.yaml:6:15: unconfirmed: title is listed twice`,
		minimal + "organisation: {name: O}\nunconfirmed:\n  - {setting: title, reasn: r}\n":                                   `unknown key "reasn"; did you mean "reason"?`,
	} {
		_, err := Parse("site.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q):\n got %v\nwant %s", src, err, want)
		}
	}
}

func TestLegalLine(t *testing.T) {
	for _, tc := range []struct {
		o    Organisation
		want string
	}{
		{Organisation{}, ""},
		{Organisation{LegalName: "BCS Clinical Services Ltd"}, "BCS Clinical Services Ltd."},
		{Organisation{LegalName: "BCS Ltd.", CompanyNumber: "01234567"}, "BCS Ltd. Registered in England and Wales, company number 01234567."},
		{Organisation{LegalName: "A Ltd", CompanyNumber: "SC123456", RegisteredOffice: "1 High Street, Edinburgh, EH1 1AA"},
			"A Ltd. Registered in Scotland, company number SC123456. Registered office: 1 High Street, Edinburgh, EH1 1AA."},
		{Organisation{CompanyNumber: "NI123456"}, "Registered in Northern Ireland, company number NI123456."},
		{Organisation{RegisteredOffice: "2 Low Road, Leeds."}, "Registered office: 2 Low Road, Leeds."},
	} {
		if got := tc.o.LegalLine(); got != tc.want {
			t.Errorf("%+v.LegalLine() = %q, want %q", tc.o, got, tc.want)
		}
	}
}

func TestBlockErrors(t *testing.T) {
	head := "title: T\nbase_url: https://x.org/\norganisation: {name: O}\nblocks:\n"
	good := "  call:\n    heading: Talk to us\n    body: A call.\n    action: {label: Book, url: /contact/}\n"
	if s, err := Parse("site.yaml", []byte(head+good)); err != nil || s.Blocks["call"].Action.URL != "/contact/" {
		t.Fatalf("a good block: %v", err)
	}
	for src, want := range map[string]string{
		"  call:\n    body: A call.\n    action: {label: Book, url: /contact/}\n":                           `site.yaml:6:5: block "call" needs a heading`,
		"  call:\n    heading: H\n    body: Words only.\n":                                                  `site.yaml:6:5: block "call" must be a call to action`,
		"  call:\n    heading: H\n    faqs: [{question: Q, answer: A}]\n    action: {label: B, url: /c/}\n": `block "call" must be a call to action`,
		"  call:\n    heading: H\n    action: {label: B}\n":                                                 `site.yaml:7:14: block "call": an action needs both label and url`,
		"  call:\n    heading: H\n    action: {label: B, url: \"javascript:alert(1)\"}\n":                   `site.yaml:7:29: action url "javascript:alert(1)" must be a page of this site`,
		"  Call Us:\n    heading: H\n    action: {label: B, url: /c/}\n":                                    `block name "Call Us" must be lower-case words joined by hyphens`,
		"  call:\n    use: other\n": `site.yaml:6:10: a block cannot use another block`,
		"  call:\n    id: x\n    heading: H\n    action: {label: B, url: /c/}\n": `site.yaml:6:9: a block has no id of its own`,
		"  call:\n": `block "call" is empty`,
	} {
		_, err := Parse("site.yaml", []byte(head+src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q):\n got %v\nwant %s", src, err, want)
		}
	}
}
