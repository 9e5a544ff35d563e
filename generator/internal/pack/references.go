package pack

import (
	"fmt"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/yamldoc"
)

// ReferencesFile is the registry of the sources the documents cite.
const ReferencesFile = "packs/references.yaml"

// Reference is one source a clinical statement rests on: a page of SPS,
// NICE, the MHRA, NHS England, a regulator or the law, read on Checked. A
// document cites it as {{cite "id"}}; the citation is a numbered note, an
// endnote in the .docx and a reference list on the web page. Supports says,
// for the clinical review record (CLINICAL-REVIEW.md), which statements rest
// on it. Only a confirmed reference can be cited.
type Reference struct {
	ID        string `yaml:"id"`
	Publisher string `yaml:"publisher"`
	Title     string `yaml:"title"`
	Supports  string `yaml:"supports"`
	Fact      `yaml:",inline"`

	At diag.Pos // where the entry starts in ReferencesFile
}

// Text is the reference as a reader sees it, in plain words: publisher,
// title, the page's own date when it shows one, and the day it was read.
func (r *Reference) Text() string {
	s := r.Publisher + ". " + r.Title
	if !strings.ContainsAny(s[len(s)-1:], ".?!") {
		s += "."
	}
	if d := r.PageDateText(); d != "" {
		s += " Page dated " + d + "."
	}
	return s
}

// Markdown is the reference as a footnote definition's text, with its link.
func (r *Reference) Markdown() string {
	return Escape(r.Text()) + " " + link(r.Source, r.Source) + " Checked " + Escape(r.CheckedText()) + "."
}

func parseReferences(name string, src []byte) ([]*Reference, error) {
	var file struct {
		References []*Reference `yaml:"references"`
	}
	doc, err := yamldoc.Decode(name, src, 0, &file)
	if err != nil {
		return nil, err
	}
	refs := file.References
	var errs diag.List
	seen := map[string]bool{}
	for i, r := range refs {
		p := fmt.Sprintf("$.references[%d]", i)
		r.At = doc.Pos(p)
		switch {
		case !idPattern.MatchString(r.ID):
			errs = append(errs, diag.Errorf(doc.Pos(p+".id"), "reference id %q must be lower-case letters and digits joined by hyphens", r.ID))
			continue
		case seen[r.ID]:
			errs = append(errs, diag.Errorf(doc.Pos(p+".id"), "reference %q is listed twice", r.ID))
			continue
		}
		seen[r.ID] = true
		if strings.TrimSpace(r.Publisher) == "" || strings.TrimSpace(r.Title) == "" || strings.TrimSpace(r.Supports) == "" {
			errs = append(errs, diag.Errorf(doc.Pos(p), "reference %q needs publisher, title and supports (what the documents rest on it for)", r.ID))
		}
		if r.Source == "" {
			errs = append(errs, diag.Errorf(doc.Pos(p), "reference %q needs source: the address where it was read", r.ID))
		}
		errs = append(errs, r.Fact.check(doc, p)...)
	}
	return refs, errs.Err()
}

// Reference returns the registry entry of id, or nil.
func (d *Data) Reference(id string) *Reference {
	for _, r := range d.References {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// referenceFor returns the registry entry whose address is url (the same
// page with or without "www.", a trailing slash or https), or nil.
func (d *Data) referenceFor(url string) *Reference {
	key := pageKey(url)
	for _, r := range d.References {
		if pageKey(r.Source) == key {
			return r
		}
	}
	return nil
}

func pageKey(url string) string {
	u := strings.TrimPrefix(strings.TrimPrefix(url, "https://"), "http://")
	u = strings.TrimPrefix(u, "www.")
	return strings.ToLower(strings.TrimSuffix(u, "/"))
}

// citations collects the references a document cites, in order of first
// use, and writes their definitions at its end.
type citations struct {
	refs []*Reference
}

// cite returns the footnote mark of r.
func (c *citations) cite(r *Reference) string {
	for _, u := range c.refs {
		if u == r {
			return "[^" + r.ID + "]"
		}
	}
	c.refs = append(c.refs, r)
	return "[^" + r.ID + "]"
}

// ReferencesHeading is the heading of a document's reference list.
const ReferencesHeading = "References"

// markdown is the document's reference list: a heading and the footnote
// definitions, which the web page shows under it and the .docx turns into
// endnotes (so they too come after the heading).
func (c *citations) markdown() string {
	if len(c.refs) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n\n## %s\n\nThe numbered notes in the text cite these sources.\n\n", ReferencesHeading)
	for _, r := range c.refs {
		fmt.Fprintf(&b, "[^%s]: %s\n", r.ID, r.Markdown())
	}
	return b.String()
}

// checkReferences reports what of the registry is wrong against the rest
// of the data: an unconfirmed reference, and every monitoring source that
// is not in the registry (a drug's notes cite their sources).
func (d *Data) checkReferences() diag.List {
	var errs diag.List
	for _, r := range d.References {
		if !r.Confirmed {
			errs = append(errs, diag.Errorf(r.At, "reference %q is not confirmed: only a source read and confirmed can be cited; remove it or confirm it", r.ID))
		}
	}
	for _, dr := range d.Drugs {
		if !dr.Verified {
			continue
		}
		for _, u := range strings.Split(dr.Source, ";") {
			if u = strings.TrimSpace(u); u != "" && d.referenceFor(u) == nil {
				errs = append(errs, diag.Errorf(dr.SourceAt, "drug %q: source %s is not in %s: add it there with its publisher, title and the day it was checked", dr.Name, u, ReferencesFile))
			}
		}
	}
	return errs
}
