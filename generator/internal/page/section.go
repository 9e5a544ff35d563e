package page

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/markdown"
)

// Section is a structured block of a page, authored in front matter without
// HTML: an eyebrow and a heading, an optional Markdown body, and at most one
// of the structured parts below, which gives the section its kind.
type Section struct {
	// Type names what the section holds (one of SectionTypes). It may be
	// left out when writing by hand; when given, it must agree with the
	// section's content. The CMS writes it: it picks the section's form.
	Type    string `yaml:"type"`
	ID      string `yaml:"id"` // anchor; derived from the heading when empty
	Eyebrow string `yaml:"eyebrow"`
	Heading string `yaml:"heading"`
	Body    string `yaml:"body"` // Markdown

	Rhythm     []Slot   `yaml:"rhythm"`         // a weekly timetable
	Benchmarks []string `yaml:"benchmarks"`     // indicator ids from packs/indicators.yaml
	Items      []string `yaml:"items"`          // a list of resources, each one line of Markdown
	PackDocs   bool     `yaml:"pack_documents"` // a list of resources: the starter pack's documents (packs/pack.yaml)
	FromPack   []string `yaml:"from_pack"`      // a list of resources: these of the starter pack's documents and workbooks, by id
	FAQs       []FAQ    `yaml:"faqs"`           // questions and Markdown answers
	Action     *Action  `yaml:"action"`         // a call to action

	Image *Image `yaml:"image"` // a picture shown under the heading, with any kind of section

	// Use names a block of content/site.yaml (blocks:) to show here instead
	// of writing the section out: the call to action, written once. Only id
	// may be given beside it.
	Use string `yaml:"use"`
}

// Image is a section's picture: a JPEG or PNG file in content/, named by
// its site path, published only as the resized variants the build makes.
type Image struct {
	Src        string `yaml:"src"`        // the file's site path: /images/clinic.jpg is content/images/clinic.jpg
	Alt        string `yaml:"alt"`        // what the picture shows, for people who cannot see it
	Decorative bool   `yaml:"decorative"` // true: it adds nothing the text does not say, so alt stays empty
}

// MaxAlt is the longest alt text allowed: screen readers read it in one
// breath, and a picture that needs more is described in the text.
const MaxAlt = 250

// ImageExts are the file types a section image may be.
var ImageExts = []string{".jpg", ".jpeg", ".png"}

// ImageRel is the content rel of the image file at site path src.
func ImageRel(src string) string { return strings.TrimPrefix(src, "/") }

// Slot is one line of a rhythm: when, and what happens.
type Slot struct {
	When string `yaml:"when"`
	What string `yaml:"what"` // one line of Markdown
}

// FAQ is a question with its Markdown answer.
type FAQ struct {
	ID       string `yaml:"id"` // anchor, unique on the whole site; derived from the question when empty
	Question string `yaml:"question"`
	Answer   string `yaml:"answer"`
}

// Action is a call-to-action button.
type Action struct {
	Label string `yaml:"label"`
	URL   string `yaml:"url"`
}

// SectionKind names what a section holds; templates switch on it.
type SectionKind string

// The section kinds.
const (
	Prose        SectionKind = "prose"
	Rhythm       SectionKind = "rhythm"
	Benchmarks   SectionKind = "benchmarks"
	Resources    SectionKind = "resources"
	FAQs         SectionKind = "faqs"
	CallToAction SectionKind = "cta"
)

// SectionTypes are the values a section's type may take, in the order the
// CMS offers them: the kinds, with the three ways of listing resources
// apart (items, pack_documents, from_pack) and a block (use) on its own.
var SectionTypes = []string{"prose", "rhythm", "benchmarks", "resources", "pack-documents", "from-pack", "faqs", "action", "block"}

// TypeOf returns the type a section's content gives it (one of
// SectionTypes). Like Kind, it is meaningful only for a valid section.
func (s Section) TypeOf() string {
	switch {
	case s.Use != "":
		return "block"
	case s.PackDocs:
		return "pack-documents"
	case s.FromPack != nil:
		return "from-pack"
	case s.Kind() == CallToAction:
		return "action"
	}
	return string(s.Kind())
}

// Kind returns the section's kind. It is only meaningful for sections that
// passed validation (at most one structured part).
func (s Section) Kind() SectionKind {
	switch {
	case s.Use != "":
		return CallToAction // blocks are calls to action (config.Site.Blocks)
	case s.Rhythm != nil:
		return Rhythm
	case s.Benchmarks != nil:
		return Benchmarks
	case s.Items != nil || s.PackDocs || s.FromPack != nil:
		return Resources
	case s.FAQs != nil:
		return FAQs
	case s.Action != nil:
		return CallToAction
	}
	return Prose
}

func validateSections(p *Page) diag.List {
	var errs diag.List
	for i, s := range p.Front.Sections {
		at := func(field string) diag.Pos { return p.Doc.Pos(fmt.Sprintf("$.sections[%d]%s", i, field)) }
		add := func(field, format string, args ...any) { errs = append(errs, diag.Errorf(at(field), format, args...)) }
		errs = append(errs, checkType(s, at)...)
		if s.Use != "" {
			if !SlugPattern.MatchString(s.Use) {
				add(".use", "use %q must name a block of content/site.yaml (blocks:), lower-case words joined by hyphens", s.Use)
			}
			if s.ID != "" && !SlugPattern.MatchString(s.ID) {
				add(".id", "section id %q must be lower-case letters and digits joined by hyphens", s.ID)
			}
			if s.Eyebrow != "" || s.Heading != "" || s.Body != "" || s.Rhythm != nil || s.Benchmarks != nil || s.Items != nil || s.PackDocs || s.FromPack != nil || s.FAQs != nil || s.Action != nil || s.Image != nil {
				add("", "a section that uses a block has nothing else but an id: the block %q in content/site.yaml says the rest (write the section out instead to change it on this page)", s.Use)
			}
			continue
		}
		parts := 0
		for _, set := range []bool{s.Rhythm != nil, s.Benchmarks != nil, s.Items != nil || s.PackDocs || s.FromPack != nil, s.FAQs != nil, s.Action != nil} {
			if set {
				parts++
			}
		}
		if parts > 1 {
			add("", "a section holds at most one of rhythm, benchmarks, items (or pack_documents, or from_pack), faqs and action; split it into several sections")
		}
		if strings.TrimSpace(s.Heading) == "" {
			add(".heading", "section %d: missing heading", i+1)
		}
		if s.ID != "" && !SlugPattern.MatchString(s.ID) {
			add(".id", "section id %q must be lower-case letters and digits joined by hyphens", s.ID)
		}
		if n := btoi(s.Items != nil) + btoi(s.PackDocs) + btoi(s.FromPack != nil); n > 1 {
			add("", "a section lists one of its own items, pack_documents (all of the pack) or from_pack (some of it), not several")
		}
		if s.FromPack != nil && len(s.FromPack) == 0 {
			add(".from_pack", "from_pack is empty: list the ids of the pack documents (packs/pack.yaml) the section names")
		}
		if s.Kind() == Prose && strings.TrimSpace(s.Body) == "" && s.Image == nil {
			add("", "section %q has nothing in it: add a body, an image or one of rhythm, benchmarks, items, faqs, action", s.Heading)
		}
		for j, slot := range s.Rhythm {
			if slot.When == "" || slot.What == "" {
				add(fmt.Sprintf(".rhythm[%d]", j), "each rhythm entry needs both when and what")
			}
		}
		for j, item := range s.Items {
			if strings.TrimSpace(item) == "" {
				add(fmt.Sprintf(".items[%d]", j), "empty item")
			}
		}
		for j := range s.FAQs {
			f := &s.FAQs[j] // the id is filled in here, once, for every later reader
			if f.Question == "" || f.Answer == "" {
				add(fmt.Sprintf(".faqs[%d]", j), "each FAQ needs both question and answer")
			}
			switch {
			case f.ID != "" && !SlugPattern.MatchString(f.ID):
				add(fmt.Sprintf(".faqs[%d].id", j), "FAQ id %q must be lower-case letters and digits joined by hyphens", f.ID)
			case f.ID == "":
				f.ID = markdown.Slug(f.Question)
				if f.ID == "" && f.Question != "" {
					add(fmt.Sprintf(".faqs[%d]", j), "give this FAQ an id: its question has no letters or digits to make one from")
				}
			}
		}
		if img := s.Image; img != nil {
			errs = append(errs, validateImage(img, at)...)
		}
		if a := s.Action; a != nil && (a.Label == "" || a.URL == "") {
			add(".action", "an action needs both label and url")
		} else if a != nil && !SafeURL(a.URL) {
			add(".action.url", "action url %q must be a page of this site (/contact/), or an https:, mailto: or tel: address", a.URL)
		}
	}
	return errs
}

// checkType checks a section's type, when it has one, against the names
// and against what the section holds.
func checkType(s Section, at func(string) diag.Pos) diag.List {
	switch {
	case s.Type == "":
		return nil
	case !slices.Contains(SectionTypes, s.Type):
		msg := fmt.Sprintf("section type %q is not one of %s", s.Type, strings.Join(SectionTypes, ", "))
		if near := diag.Suggest(s.Type, SectionTypes); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
		return diag.List{diag.Errorf(at(".type"), "%s", msg)}
	case s.Type != s.TypeOf():
		return diag.List{diag.Errorf(at(".type"), "this section says type: %s but holds %s; write type: %s, or change what it holds", s.Type, holds(s), s.TypeOf())}
	}
	return nil
}

// holds says in words what gives a section its type.
func holds(s Section) string {
	switch s.TypeOf() {
	case "block":
		return "use: " + s.Use
	case "pack-documents":
		return "pack_documents: true"
	case "from-pack":
		return "from_pack"
	case "resources":
		return "items"
	case "action":
		return "an action"
	case "prose":
		return "only a heading and a body"
	}
	return s.TypeOf()
}

// validateImage checks what can be checked of a section image without its
// file (the build reads the file: site.Builder's images stage).
func validateImage(img *Image, at func(string) diag.Pos) diag.List {
	var errs diag.List
	add := func(field, format string, args ...any) {
		errs = append(errs, diag.Errorf(at(".image"+field), format, args...))
	}
	src := img.Src
	switch ext := strings.ToLower(path.Ext(src)); {
	case src == "":
		add("", "an image needs src: the site path of a JPEG or PNG file in content/, like /images/clinic.jpg")
	case !strings.HasPrefix(src, "/") || strings.HasPrefix(src, "//") || strings.Contains(src, "://"):
		add(".src", "image src %q must be a site path starting with / (the file content%s is /%s): pictures from other sites are not published", src, "/"+strings.TrimPrefix(src, "/"), strings.TrimPrefix(src, "/"))
	case path.Clean(src) != src || strings.Contains(src, "\\"):
		add(".src", "image src %q must be a plain path, without . or .. or doubled slashes; write %q", src, path.Clean(strings.ReplaceAll(src, "\\", "/")))
	case !slices.Contains(ImageExts, ext):
		add(".src", "image src %q: a section image is a JPEG (.jpg) or PNG (.png) file; save it as one of those", src)
	}
	alt := strings.TrimSpace(img.Alt)
	switch {
	case img.Decorative && img.Alt != "":
		add(".alt", "this image is marked decorative, so its alt text must be empty; remove decorative: true if the alt text says something the page needs")
	case !img.Decorative && alt == "":
		add("", "an image needs alt: a short description of what it shows for people who cannot see it (or decorative: true if it adds nothing the text does not say)")
	case len([]rune(alt)) > MaxAlt:
		add(".alt", "alt text is %d characters; keep it under %d and describe the rest in the section's text", len([]rune(alt)), MaxAlt)
	case src != "" && strings.EqualFold(alt, path.Base(src)) || strings.EqualFold(alt, strings.TrimSuffix(path.Base(src), path.Ext(src))):
		add(".alt", "alt text %q is the file's name: say what the picture shows", img.Alt)
	}
	return errs
}

// SafeURL reports whether a URL written in front matter may become a link:
// a site path or an http(s), mailto or tel address.
func SafeURL(u string) bool {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return true
	}
	for _, scheme := range []string{"https://", "http://", "mailto:", "tel:"} {
		if strings.HasPrefix(strings.ToLower(u), scheme) {
			return true
		}
	}
	return false
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
