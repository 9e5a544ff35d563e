package cms

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/bcs/publish/generator/internal/page"
)

func testInputs() Inputs {
	return Inputs{
		Backend: map[string]string{"name": "github", "repo": "bcs/site", "branch": "main"},
		Home:    "_index.md", Plain: []string{"contact.md", "privacy.md"}, Forms: []string{"contact.md"}, Titles: map[string]string{"contact.md": "Contact us"},
		Sections:   []Section{{Dir: "medicines-optimisation", Title: "Medicines optimisation", Clinical: true}},
		Indicators: []Option{{Label: "Repeat prescriptions turned round in time", Value: "REPEAT-TAT"}},
		Pack:       []Option{{Label: "High-risk drug monitoring SOP", Value: "hrd-monitoring-sop"}},
		Blocks:     []string{"discovery-call"}, Layouts: []string{"faqs"}, Lists: []string{"icbs"},
	}
}

// keys lists every yaml key path of a type, as fields names them.
func keys(t reflect.Type, prefix string, out *[]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for sf := range t.Fields() {
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		if prefix != "" {
			name = prefix + "." + name
		}
		*out = append(*out, name)
		keys(sf.Type, name, out)
	}
}

// cmsKeys lists the key paths the configuration's fields write, a
// section type's fields under sections.
func cmsKeys(fs []field, prefix string, out map[string]bool) {
	for _, f := range fs {
		name := f.Name
		if prefix != "" {
			name = prefix + "." + f.Name
		}
		out[name] = true
		cmsKeys(f.Fields, name, out)
		for _, ty := range f.Types {
			cmsKeys(ty.Fields, name, out)
		}
		if f.TypeKey != "" {
			out[name+"."+f.TypeKey] = true
		}
	}
}

// The generated configuration covers every front-matter key: each key of
// page.Front, however deep, is a field of every page collection; the form's keys are on
// the pages that have a form, and only there.
func TestEveryKeyIsInTheCMS(t *testing.T) {
	c, err := Make(testInputs())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	keys(reflect.TypeFor[page.Front](), "", &want)
	if len(want) < 60 {
		t.Fatalf("only %d keys found in page.Front", len(want))
	}
	for _, col := range c.Collections {
		var fs [][]field
		var withForm []bool
		if col.Fields != nil {
			fs, withForm = append(fs, col.Fields), append(withForm, false)
		}
		for _, f := range col.Files {
			fs, withForm = append(fs, f.Fields), append(withForm, f.File == "content/contact.md")
		}
		for i, f := range fs {
			have := map[string]bool{}
			cmsKeys(f, "", have)
			for _, k := range want {
				isForm := k == "form" || strings.HasPrefix(k, "form.")
				if isForm && !withForm[i] {
					if have[k] {
						t.Errorf("collection %s: a page without a form offers %q", col.Name, k)
					}
					continue
				}
				if !have[k] {
					t.Errorf("collection %s: front-matter key %q is not in the CMS", col.Name, k)
				}
				delete(have, k)
			}
			delete(have, "body")
			for k := range have {
				t.Errorf("collection %s: the CMS writes %q, which is not a front-matter key", col.Name, k)
			}
		}
	}
	// Nothing in fields is left over from a key the schema no longer has.
	for k := range fields {
		if !slices.Contains(want, k) {
			t.Errorf("fields has %q, which is not a front-matter key", k)
		}
	}
}

// A key added to the schema without a field in the CMS stops the
// configuration being made, naming the key.
func TestAKeyWithoutAFieldIsAnError(t *testing.T) {
	type withNew struct {
		Title string `yaml:"title"`
		Hero  string `yaml:"hero"`
	}
	_, err := structFields(reflect.TypeFor[withNew](), "", testInputs(), "")
	if err == nil || !strings.Contains(err.Error(), `no field for the front-matter key "hero"`) {
		t.Fatalf("got %v", err)
	}
	saved := slices.Clone(page.SectionTypes)
	page.SectionTypes = append(page.SectionTypes, "gallery")
	defer func() { page.SectionTypes = saved }()
	if _, err := Make(testInputs()); err == nil || !strings.Contains(err.Error(), `no form for the section type "gallery"`) {
		t.Fatalf("got %v", err)
	}
}

// Each section type's form writes its own keys only, and a page the CMS
// could write from it passes the build's checks; the type key agrees.
func TestSectionFormsWriteWhatTheBuildAccepts(t *testing.T) {
	c, err := Make(testInputs())
	if err != nil {
		t.Fatal(err)
	}
	var sections *field
	for i, f := range c.Collections[1].Fields {
		if f.Name == "sections" {
			sections = &c.Collections[1].Fields[i]
		}
	}
	if sections == nil || sections.TypeKey != "type" || len(sections.Types) != len(page.SectionTypes) {
		t.Fatalf("sections field: %+v", sections)
	}
	// The smallest value each form's required fields make.
	fill := map[string]string{
		"heading": "heading: H\n", "rhythm": "rhythm: [{when: Mon, what: W}]\n", "benchmarks": "benchmarks: [REPEAT-TAT]\n",
		"items": "items: [x]\n", "pack_documents": "pack_documents: true\n", "from_pack": "from_pack: [hrd-monitoring-sop]\n",
		"faqs": "faqs: [{question: Q, answer: A}]\n", "action": "action: {label: L, url: /contact/}\n", "use": "use: discovery-call\n",
	}
	for _, ty := range sections.Types {
		src := "---\ntitle: T\ndescription: D\nsections:\n  - type: " + ty.Name + "\n"
		for _, f := range ty.Fields {
			if (f.Required != nil && *f.Required) || f.Default != nil {
				v, ok := fill[f.Name]
				if !ok {
					t.Fatalf("type %s: no value for required field %s", ty.Name, f.Name)
				}
				src += "    " + v
			}
		}
		if ty.Name == "prose" {
			src += "    body: B\n"
		}
		p, err := page.Parse("content/x.md", "x.md", []byte(src+"---\n"))
		if err != nil {
			t.Errorf("type %s: the build refuses what the CMS writes:\n%s\n%v", ty.Name, src, err)
			continue
		}
		if got := p.Front.Sections[0].TypeOf(); got != ty.Name {
			t.Errorf("type %s: the build reads it as %s", ty.Name, got)
		}
	}
}

// The configuration is YAML the CMS reads: stable, with the backend and
// the editorial workflow, media in content/images.
func TestConfigYAML(t *testing.T) {
	c, err := Make(testInputs())
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Marshal()
	if string(a) != string(b) {
		t.Fatal("two marshals differ")
	}
	var back map[string]any
	if err := yaml.Unmarshal(a, &back); err != nil {
		t.Fatal(err)
	}
	// The other pages are listed by their titles, or their file's name.
	if pages := c.Collections[2].Files; pages[0].Label != "Contact us" || pages[1].Label != "privacy" || pages[0].Name != "contact" {
		t.Errorf("the other pages are listed as %+v, %+v", pages[0].Label, pages[1].Label)
	}
	for _, want := range []string{"publish_mode: editorial_workflow", "url: http://localhost:8082/api/v1", "media_folder: content/images", "typeKey: type", "folder: content/medicines-optimisation"} {
		if !strings.Contains(string(a), want) {
			t.Errorf("config.yml lacks %q", want)
		}
	}
}

// find returns the field at a path of names in fs, or nil.
func find(fs []field, path ...string) *field {
	for i := range fs {
		if fs[i].Name != path[0] {
			continue
		}
		if len(path) == 1 {
			return &fs[i]
		}
		if f := find(fs[i].Fields, path[1:]...); f != nil {
			return f
		}
		for _, ty := range fs[i].Types {
			if f := find(ty.Fields, path[1:]...); f != nil {
				return f
			}
		}
	}
	return nil
}

// Decap will not save an entry that leaves out an optional object with a
// required field, so within an optional object nothing is marked required
// and the hint says what is needed; a required object's fields stay
// required. The contact page's form is required; the review dates are on
// the clinical section's pages.
func TestRequiredFields(t *testing.T) {
	c, err := Make(testInputs())
	if err != nil {
		t.Fatal(err)
	}
	required := func(f *field) bool { return f != nil && f.Required != nil && *f.Required }
	section, contact := c.Collections[1].Fields, c.Collections[2].Files[0].Fields
	for _, tc := range []struct {
		fs   []field
		path []string
		want bool
		hint string
	}{
		{section, []string{"sections", "image"}, false, ""},
		{section, []string{"sections", "image", "alt"}, false, "Needed when there is a picture. For people who cannot see it"},
		{section, []string{"sections", "image", "src"}, false, "Needed when there is a picture."},
		{section, []string{"sections", "action", "label"}, true, ""},
		{section, []string{"sections", "faqs", "question"}, true, ""},
		{section, []string{"title"}, true, ""},
		{section, []string{"next_review"}, true, ""},
		{contact, []string{"next_review"}, false, ""},
		{contact, []string{"form"}, true, ""},
		{contact, []string{"form", "id"}, true, ""},
		{contact, []string{"form", "pack_request", "icb"}, false, "Needed when there is a starter pack request."},
	} {
		f := find(tc.fs, tc.path...)
		if f == nil {
			t.Errorf("%v: no field", tc.path)
			continue
		}
		if required(f) != tc.want || !strings.HasPrefix(f.Hint, tc.hint) {
			t.Errorf("%v: required %v, hint %q; want %v, %q...", tc.path, required(f), f.Hint, tc.want, tc.hint)
		}
	}
}

// make cms starts the local backend on the port config.yml names.
func TestLocalPort(t *testing.T) {
	src, err := os.ReadFile("../../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^CMS_PORT := (\d+)`).FindSubmatch(src)
	if m == nil || string(m[1]) != LocalPort {
		t.Errorf("the Makefile's CMS_PORT is %q, config.yml's local backend is on %s", m, LocalPort)
	}
}
