// Package config holds the site settings from content/site.yaml: title, base
// URL, organisation, menus, contact details, what happens to form
// submissions, and which settings are still placeholders. The file is
// decoded strictly: an unknown or misspelt key is an error.
package config

import (
	"maps"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/yamldoc"
)

// Site is the decoded settings file.
type Site struct {
	Title          string       `yaml:"title"`
	Tagline        string       `yaml:"tagline"`
	BaseURL        string       `yaml:"base_url"` // absolute, with a trailing slash
	Language       string       `yaml:"language"` // BCP 47, e.g. en-GB
	HighlightStyle string       `yaml:"highlight_style"`
	Organisation   Organisation `yaml:"organisation"`
	Contact        Contact      `yaml:"contact"`
	Menus          Menus        `yaml:"menus"`
	Submissions    Submissions  `yaml:"submissions"`
	// ClinicalSections are the folders under content/ whose pages make
	// clinical statements: each needs last_reviewed and next_review.
	ClinicalSections []string `yaml:"clinical_sections"`
	// Placeholders are the settings entered before their real values were
	// known (`unconfirmed:`); see Unconfirmed.
	Placeholders []Placeholder `yaml:"unconfirmed"`
	// Blocks are sections written once and shown on many pages: a page's
	// section `- use: <name>` is the block of that name (the call to action).
	Blocks map[string]*page.Section `yaml:"blocks"`
	// CMS is where the CMS at /admin/ commits: the site's repository on
	// GitHub and its branch.
	CMS CMS `yaml:"cms"`
}

// CMS names the Git repository the CMS at /admin/ edits.
type CMS struct {
	Repo   string `yaml:"repo"`   // owner/name on GitHub
	Branch string `yaml:"branch"` // the branch the live site is built from
}

var repoPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// checkBlock checks the block called name: a call to action, with a
// heading and an action; it may not itself use a block.
func checkBlock(doc *yamldoc.Doc, name string, b *page.Section) diag.List {
	at := "$.blocks." + name
	if b == nil {
		return diag.List{diag.Errorf(doc.Pos(at), "block %q is empty: give it a heading, a body and an action", name)}
	}
	var errs diag.List
	if !page.SlugPattern.MatchString(name) {
		errs = append(errs, diag.Errorf(doc.Pos(at), "block name %q must be lower-case words joined by hyphens, like discovery-call", name))
	}
	if strings.TrimSpace(b.Heading) == "" {
		errs = append(errs, diag.Errorf(doc.Pos(at), "block %q needs a heading", name))
	}
	switch {
	case b.Use != "":
		errs = append(errs, diag.Errorf(doc.Pos(at+".use"), "a block cannot use another block: write its sections out"))
	case b.Kind() != page.CallToAction || b.Items != nil || b.PackDocs || b.FromPack != nil || b.Image != nil:
		errs = append(errs, diag.Errorf(doc.Pos(at), "block %q must be a call to action: an eyebrow, a heading, a body and an action (label and url), nothing else", name))
	case b.Action.Label == "" || b.Action.URL == "":
		errs = append(errs, diag.Errorf(doc.Pos(at+".action"), "block %q: an action needs both label and url", name))
	case !page.SafeURL(b.Action.URL):
		errs = append(errs, diag.Errorf(doc.Pos(at+".action.url"), "action url %q must be a page of this site (/contact/), or an https:, mailto: or tel: address", b.Action.URL))
	}
	if b.ID != "" {
		errs = append(errs, diag.Errorf(doc.Pos(at+".id"), "a block has no id of its own: the page that uses it may give one (- use: %s, id: ...)", name))
	}
	return errs
}

// Clinical reports whether the page at rel (its path under content/) is in
// a clinical section.
func (s *Site) Clinical(rel string) bool {
	for _, c := range s.ClinicalSections {
		if strings.HasPrefix(rel, strings.Trim(c, "/")+"/") {
			return true
		}
	}
	return false
}

// Organisation describes the company, for the footer, the privacy notice
// and JSON-LD.
type Organisation struct {
	Name        string `yaml:"name"`
	LegalName   string `yaml:"legal_name"` // as registered at Companies House; the data controller
	Description string `yaml:"description"`
	Logo        string `yaml:"logo"` // site path of the logo image
	// CompanyNumber and RegisteredOffice are what a company's website must
	// show (the Companies Act's trading disclosures), from its Companies
	// House record.
	CompanyNumber    string `yaml:"company_number"`    // 8 characters: 01234567, or SC123456 in Scotland
	RegisteredOffice string `yaml:"registered_office"` // the address, on one line
}

// Contact is how people reach the company.
type Contact struct {
	Email     string `yaml:"email"`
	Telephone string `yaml:"telephone"`
	Hours     string `yaml:"hours"`
	Address   string `yaml:"address"`
}

// Submissions says what happens to the answers people send through the
// site's forms: who hears of each at once, the address the email comes
// from, and how long the answers are kept. `bcs receive` reads these from
// the form export the build writes, so the running receiver and the
// privacy notice never disagree with this file.
type Submissions struct {
	Notify        []string `yaml:"notify"`         // the team's addresses: each request is emailed to them
	From          string   `yaml:"from"`           // the site's own sending address
	RetentionDays int      `yaml:"retention_days"` // answers older than this are purged; the privacy notice says so
}

// DefaultRetentionDays is how long answers are kept when the settings do
// not say: a year, what the contact form has always told people.
const DefaultRetentionDays = 365

// Menus are the site's navigation lists.
type Menus struct {
	Main   []MenuItem `yaml:"main"`
	Footer []MenuItem `yaml:"footer"`
}

// MenuItem is one link in a menu. URL is a site path ("/contact/") or an
// absolute URL.
type MenuItem struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
}

// Parse decodes and validates a settings file.
func Parse(name string, src []byte) (*Site, error) {
	s := &Site{Language: "en-GB", HighlightStyle: "github"}
	doc, err := yamldoc.Decode(name, src, 0, s)
	if err != nil {
		return nil, err
	}
	var errs diag.List
	need := func(path, v, what string) {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, diag.Errorf(doc.Pos(path), "missing required setting %s", what))
		}
	}
	need("$.title", s.Title, "title")
	need("$.base_url", s.BaseURL, "base_url")
	if r := s.CMS.Repo; r != "" && !repoPattern.MatchString(r) {
		errs = append(errs, diag.Errorf(doc.Pos("$.cms.repo"), "cms.repo %q must be the repository's owner and name on GitHub, like bcs/website", r))
	}
	if s.CMS.Branch == "" {
		s.CMS.Branch = "main"
	}
	need("$.organisation.name", s.Organisation.Name, "organisation.name")
	if s.BaseURL != "" {
		u, err := url.Parse(s.BaseURL)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			errs = append(errs, diag.Errorf(doc.Pos("$.base_url"), "base_url must be an absolute http(s) URL, such as https://www.example.org/"))
		case u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/"):
			errs = append(errs, diag.Errorf(doc.Pos("$.base_url"), "base_url must be the site's root, with no path, query or fragment (the site is served from /)"))
		}
		if !strings.HasSuffix(s.BaseURL, "/") {
			s.BaseURL += "/"
		}
	}
	for menu, items := range map[string][]MenuItem{"main": s.Menus.Main, "footer": s.Menus.Footer} {
		for i, it := range items {
			p := "$.menus." + menu + "[" + strconv.Itoa(i) + "]"
			need(p+".name", it.Name, "menu item name")
			need(p+".url", it.URL, "menu item url")
		}
	}
	for i, c := range s.ClinicalSections {
		if c = strings.Trim(c, "/"); c == "" || strings.Contains(c, "..") || strings.HasPrefix(c, ".") {
			errs = append(errs, diag.Errorf(doc.Pos("$.clinical_sections["+strconv.Itoa(i)+"]"), "a clinical section is a folder under content/, such as medicines-optimisation"))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.Blocks)) {
		errs = append(errs, checkBlock(doc, name, s.Blocks[name])...)
	}
	errs = append(errs, s.Submissions.check(doc)...)
	errs = append(errs, s.Organisation.check(doc)...)
	errs = append(errs, s.checkPlaceholders(doc)...)
	if len(errs) > 0 {
		return nil, errs
	}
	return s, nil
}

func (sub *Submissions) check(doc *yamldoc.Doc) diag.List {
	var errs diag.List
	email := func(path, v string) {
		a, err := mail.ParseAddress(v)
		if err != nil || a.Name != "" || strings.ContainsAny(v, "\r\n") {
			errs = append(errs, diag.Errorf(doc.Pos(path), "%q is not a plain email address, like team@example.org", v))
		}
	}
	for i, v := range sub.Notify {
		email("$.submissions.notify["+strconv.Itoa(i)+"]", v)
	}
	if sub.From != "" {
		email("$.submissions.from", sub.From)
	}
	switch {
	case sub.RetentionDays == 0:
		sub.RetentionDays = DefaultRetentionDays
	case sub.RetentionDays < 1 || sub.RetentionDays > 3650:
		errs = append(errs, diag.Errorf(doc.Pos("$.submissions.retention_days"), "retention_days must be a number of days from 1 to 3650 (ten years)"))
	}
	return errs
}

// AbsURL joins a site path such as "/a/b/" to the base URL.
func (s *Site) AbsURL(path string) string {
	if strings.Contains(path, "://") {
		return path
	}
	return strings.TrimSuffix(s.BaseURL, "/") + "/" + strings.TrimPrefix(path, "/")
}
