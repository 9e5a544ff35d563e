package cms

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/bcs/publish/generator/internal/page"
)

// Option is one choice of a select: the value written and the words shown.
type Option struct {
	Label string `yaml:"label"`
	Value string `yaml:"value"`
}

// Inputs are what the configuration is made from besides the types.
type Inputs struct {
	// Backend is the Git host the CMS commits to (Decap's backend: name,
	// repo, branch); the local backend (make cms) replaces it on localhost.
	Backend map[string]string
	SiteURL string // the live site, for the CMS's links to it
	// Home, Plain are the content rels of the home page and of the plain
	// pages (404.md, contact.md); Sections the folders of the pillar
	// sections, and Clinical those of them whose pages need review dates.
	Home     string
	Plain    []string
	Titles   map[string]string // a plain page's title by its rel: its name in the CMS's list
	Sections []Section
	// Forms are the content rels of the pages that have a form: only they
	// show one in the CMS (a form is the web team's: the receiver and the
	// privacy notice depend on it).
	Forms []string
	// The lists selects offer.
	Indicators []Option // packs/indicators.yaml, for benchmarks
	Pack       []Option // packs/pack.yaml's documents and workbooks, for from_pack
	Blocks     []string // content/site.yaml's blocks, for use
	Layouts    []string // templates/, for layout
	Lists      []string // the lists a form's options_from may name
}

// Section is a pillar section: the folder of its pages and its title.
type Section struct {
	Dir, Title string
	Clinical   bool
}

// field is a Decap field as config.yml writes it.
type field struct {
	Label     string    `yaml:"label"`
	Name      string    `yaml:"name"`
	Widget    string    `yaml:"widget"`
	Hint      string    `yaml:"hint,omitempty"`
	Required  *bool     `yaml:"required,omitempty"`
	Pattern   []string  `yaml:"pattern,omitempty"`
	Default   any       `yaml:"default,omitempty"`
	ValueType string    `yaml:"value_type,omitempty"`
	Format    string    `yaml:"format,omitempty"`
	DateFmt   string    `yaml:"date_format,omitempty"`
	TimeFmt   *bool     `yaml:"time_format,omitempty"`
	Options   []Option  `yaml:"options,omitempty"`
	Multiple  bool      `yaml:"multiple,omitempty"`
	Collapsed bool      `yaml:"collapsed,omitempty"`
	LabelOne  string    `yaml:"label_singular,omitempty"`
	Field     *field    `yaml:"field,omitempty"`
	Fields    []field   `yaml:"fields,omitempty"`
	Types     []field   `yaml:"types,omitempty"`
	TypeKey   string    `yaml:"typeKey,omitempty"`
	Summary   string    `yaml:"summary,omitempty"`
	Buttons   []string  `yaml:"buttons,omitempty"`
	Modes     []string  `yaml:"modes,omitempty"`
	EditorCmp *[]string `yaml:"editor_components,omitempty"` // [] leaves out images and code blocks
}

// sectionTypes says, for each section type (page.SectionTypes), its label
// in the CMS and the section keys its form has.
var sectionTypes = map[string]struct {
	label string
	keys  []string
}{
	"prose":          {"Text", []string{"eyebrow", "heading", "body", "image", "id"}},
	"rhythm":         {"Weekly rhythm", []string{"eyebrow", "heading", "body", "rhythm", "image", "id"}},
	"benchmarks":     {"Benchmarks table", []string{"eyebrow", "heading", "body", "benchmarks", "image", "id"}},
	"resources":      {"List of resources", []string{"eyebrow", "heading", "body", "items", "image", "id"}},
	"pack-documents": {"All the starter pack's documents", []string{"eyebrow", "heading", "body", "pack_documents", "image", "id"}},
	"from-pack":      {"Some of the starter pack's documents", []string{"eyebrow", "heading", "body", "from_pack", "image", "id"}},
	"faqs":           {"Questions and answers (FAQs)", []string{"eyebrow", "heading", "body", "faqs", "image", "id"}},
	"action":         {"Call to action", []string{"eyebrow", "heading", "body", "action", "image", "id"}},
	"block":          {"Call to action from the site settings", []string{"use", "id"}},
}

// frontFields are the CMS fields of page.Front, in the struct's order.
func frontFields(in Inputs) ([]field, error) {
	return structFields(reflect.TypeFor[page.Front](), "", in, "")
}

// structFields makes the fields of a struct type; prefix is the path of
// the struct's key ("" at the top). Within an optional object (optional
// names it, "" otherwise), no field is marked required: Decap refuses to
// save an entry whose optional object is left out when the object has a
// required field (decaporg/decap-cms#2103, #7748: still so in 3.16), so
// the hint says what is needed instead, and the build checks it.
func structFields(t reflect.Type, prefix string, in Inputs, optional string) ([]field, error) {
	var out []field
	for sf := range t.Fields() {
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		f, err := makeField(sf.Type, key, name, in)
		if err != nil {
			return nil, err
		}
		if optional != "" && *f.Required {
			f.Required = new(false)
			f.Hint = strings.TrimSpace("Needed when there is " + optional + ". " + f.Hint)
		}
		out = append(out, *f)
	}
	return out, nil
}

// makeField makes the field of one key of Go type t.
func makeField(t reflect.Type, key, name string, in Inputs) (*field, error) {
	m, ok := fields[key]
	if !ok {
		return nil, fmt.Errorf("the CMS has no field for the front-matter key %q (%s): add it to fields in generator/internal/cms/schema.go", key, t)
	}
	return fieldOf(t, key, name, m, in)
}

// fieldOf makes the field of one key of Go type t as m describes it.
func fieldOf(t reflect.Type, key, name string, m meta, in Inputs) (*field, error) {
	f := &field{Label: m.label, Name: name, Hint: m.hint, Pattern: m.pattern, Default: m.dflt}
	f.Required = &m.required
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case key == "sections":
		return sectionsField(f, in)
	case m.widget == "select":
		opts, err := choices(m.choices, in)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		f.Widget, f.Options, f.Multiple = "select", opts, m.multiple
	case m.widget == "date":
		f.Widget, f.Format, f.DateFmt, f.TimeFmt = "datetime", "YYYY-MM-DD", "YYYY-MM-DD", new(bool)
		f.Pattern = []string{datePattern, "a date, like 2026-11-26"}
	case m.widget == "markdown":
		f.Widget = "markdown"
		// What the site's Markdown shows; no raw HTML, no embeds.
		f.Buttons = []string{"bold", "italic", "link", "heading-two", "heading-three", "bulleted-list", "numbered-list", "quote"}
		f.EditorCmp, f.Modes = new([]string{}), []string{"rich_text", "raw"}
	case m.widget != "":
		f.Widget = m.widget
	case t.Kind() == reflect.String:
		f.Widget = "string"
	case t.Kind() == reflect.Bool:
		f.Widget = "boolean"
	case t.Kind() == reflect.Int:
		f.Widget, f.ValueType = "number", "int"
	case t.Kind() == reflect.Struct:
		optional := ""
		if !m.required {
			if m.article == "" {
				return nil, fmt.Errorf("the optional object %q needs an article (a or an) in fields, for its hints", key)
			}
			optional = m.article + " " + strings.ToLower(m.label)
		}
		sub, err := structFields(t, key, in, optional)
		if err != nil {
			return nil, err
		}
		f.Widget, f.Fields, f.Collapsed = "object", sub, !m.required
	case t.Kind() == reflect.Slice && m.one == "":
		return nil, fmt.Errorf("the list %q needs its word for one item (one) in fields, for its Add button", key)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		item := &field{Label: m.label, Name: name, Widget: "string", Pattern: m.pattern}
		f.Widget, f.Field, f.Pattern, f.LabelOne = "list", item, nil, m.one
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		sub, err := structFields(t.Elem(), key, in, "")
		if err != nil {
			return nil, err
		}
		f.Widget, f.Fields, f.LabelOne = "list", sub, m.one
	default:
		return nil, fmt.Errorf("the CMS cannot show the front-matter key %q: its Go type %s has no widget", key, t)
	}
	return f, nil
}

// sectionsField is the sections list: one form for each section type,
// the type written under the key type (page.Section.Type).
func sectionsField(f *field, in Inputs) (*field, error) {
	st := reflect.TypeFor[page.Section]()
	all := map[string]field{}
	for sf := range st.Fields() {
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		sub, err := makeField(sf.Type, "sections."+name, name, in)
		if err != nil {
			return nil, err
		}
		all[name] = *sub
	}
	f.Widget, f.TypeKey, f.Collapsed, f.LabelOne = "list", "type", true, "section"
	f.Required = new(bool)
	for _, name := range page.SectionTypes {
		ty, ok := sectionTypes[name]
		if !ok {
			return nil, fmt.Errorf("the CMS has no form for the section type %q: add it to sectionTypes in generator/internal/cms/config.go", name)
		}
		form := field{Label: ty.label, Name: name, Widget: "object", Summary: "{{fields.heading}}{{fields.use}}"}
		for _, k := range ty.keys {
			sub, ok := all[k]
			if !ok {
				return nil, fmt.Errorf("section type %q: no section key %q", name, k)
			}
			form.Fields = append(form.Fields, sub)
		}
		f.Types = append(f.Types, form)
	}
	return f, nil
}

// choices is the options of a select: a named list of the inputs or
// values written "a|b|c".
func choices(name string, in Inputs) ([]Option, error) {
	plain := func(vs []string) []Option {
		var out []Option
		for _, v := range vs {
			out = append(out, Option{Label: v, Value: v})
		}
		return out
	}
	switch name {
	case "indicators":
		return in.Indicators, nil
	case "pack":
		return in.Pack, nil
	case "blocks":
		return plain(in.Blocks), nil
	case "layouts":
		return plain(in.Layouts), nil
	case "lists":
		return plain(in.Lists), nil
	}
	if strings.Contains(name, "|") {
		return plain(strings.Split(name, "|")), nil
	}
	return nil, fmt.Errorf("no list of choices called %q", name)
}

// collection is a Decap collection.
type collection struct {
	Name        string  `yaml:"name"`
	Label       string  `yaml:"label"`
	LabelOne    string  `yaml:"label_singular,omitempty"`
	Description string  `yaml:"description,omitempty"`
	Folder      string  `yaml:"folder,omitempty"`
	Create      bool    `yaml:"create,omitempty"`
	Slug        string  `yaml:"slug,omitempty"`
	Extension   string  `yaml:"extension,omitempty"`
	Format      string  `yaml:"format"`
	Files       []file  `yaml:"files,omitempty"`
	Fields      []field `yaml:"fields,omitempty"`
}

type file struct {
	Name   string  `yaml:"name"`
	Label  string  `yaml:"label"`
	File   string  `yaml:"file"`
	Fields []field `yaml:"fields"`
}

// LocalPort is the port of the CMS's local backend (decap-server, which
// make cms runs): not its default 8081, which is bcs receive's.
const LocalPort = "8082"

// localBackend says where the local backend is: Decap uses it instead of
// Backend when the CMS is opened on localhost and it answers.
type localBackend struct {
	URL string `yaml:"url"`
}

// Config is the CMS's config.yml.
type Config struct {
	Backend      map[string]string `yaml:"backend"`
	LocalBackend localBackend      `yaml:"local_backend"`
	PublishMode  string            `yaml:"publish_mode"`
	SiteURL      string            `yaml:"site_url,omitempty"`
	MediaFolder  string            `yaml:"media_folder"`
	PublicFolder string            `yaml:"public_folder"`
	Collections  []collection      `yaml:"collections"`
}

// Make builds the configuration: a collection for the home page, one for
// the plain pages and one for each pillar section (its front page and its
// topic pages, which editors create), every one with the fields of
// page.Front and the page's Markdown body.
func Make(in Inputs) (*Config, error) {
	front, err := frontFields(in)
	if err != nil {
		return nil, err
	}
	// The Markdown after the front matter: Decap's name for it is body.
	body, _ := makeField(reflect.TypeFor[string](), "sections.body", "body", in)
	body.Label, body.Hint = "Text under the sections", "Optional: Markdown after the sections, as on the privacy notice."
	withBody := append(slices.Clone(front), *body)
	// A page shows the form fields when it has a form, and then the form is
	// required, with its own required fields; other pages do not offer one.
	formMeta := fields["form"]
	formMeta.required = true
	sf, _ := reflect.TypeFor[page.Front]().FieldByName("Form")
	form, err := fieldOf(sf.Type, "form", "form", formMeta, in)
	if err != nil {
		return nil, err
	}
	fieldsOf := func(rel string) []field {
		fs := slices.Clone(withBody)
		if slices.Contains(in.Forms, rel) {
			for i := range fs {
				if fs[i].Name == "form" {
					fs[i] = *form
				}
			}
			return fs
		}
		return slices.DeleteFunc(fs, func(f field) bool { return f.Name == "form" })
	}
	c := &Config{
		Backend: in.Backend, LocalBackend: localBackend{URL: "http://localhost:" + LocalPort + "/api/v1"}, PublishMode: "editorial_workflow", SiteURL: in.SiteURL,
		MediaFolder: "content/images", PublicFolder: "/images",
	}
	home := collection{Name: "home", Label: "Home page", Format: "frontmatter",
		Files: []file{{Name: "home", Label: "Home page", File: "content/" + in.Home, Fields: fieldsOf(in.Home)}}}
	plain := collection{Name: "pages", Label: "Other pages", Format: "frontmatter",
		Description: "Pages outside the sections: contact, privacy, accessibility, page not found."}
	for _, rel := range in.Plain {
		name := strings.TrimSuffix(rel, ".md")
		label := name
		if t := in.Titles[rel]; t != "" {
			label = t
		}
		plain.Files = append(plain.Files, file{Name: name, Label: label, File: "content/" + rel, Fields: fieldsOf(rel)})
	}
	c.Collections = append(c.Collections, home)
	for _, s := range in.Sections {
		fs := fieldsOf("") // a section's pages have no form
		if s.Clinical {
			fs = requireFields(fs, "last_reviewed", "next_review")
		}
		c.Collections = append(c.Collections, collection{
			Name: s.Dir, Label: s.Title, LabelOne: "page", Format: "frontmatter", Extension: "md",
			Description: fmt.Sprintf("The section's front page (_index) and its topic pages, each at /%s/its-name/. A new page's file name is made from its title.", s.Dir),
			Folder:      "content/" + s.Dir, Create: true, Slug: "{{slug}}", Fields: fs,
		})
	}
	c.Collections = append(c.Collections, plain)
	return c, nil
}

// requireFields marks the fields named required: the review dates on the
// pages of a clinical section, which the build refuses without them.
func requireFields(fs []field, names ...string) []field {
	out := slices.Clone(fs)
	for i := range out {
		if slices.Contains(names, out[i].Name) {
			out[i].Required = new(true)
		}
	}
	return out
}

// Marshal writes the configuration as config.yml.
func (c *Config) Marshal() ([]byte, error) {
	head := "# Made by the build from the front-matter schema (generator/internal/cms): do not edit.\n"
	out, err := yaml.MarshalWithOptions(c, yaml.IndentSequence(true))
	if err != nil {
		return nil, err
	}
	return append([]byte(head), out...), nil
}
