package form

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bcs/publish/generator/internal/diag"
)

func at(path string) diag.Pos { return diag.Pos{File: "contact.md", Line: 1, Col: len(path)} }

func definition() Definition {
	return Definition{
		ID: "contact", Action: "/api/contact", Thanks: "/contact/thanks/", Trap: "website",
		Fields: []Field{
			{Name: "name", Label: "Your name", Type: Text, Required: true, Autocomplete: "name", MaxLength: 20},
			{Name: "ods_code", Label: "Practice ODS code", Hint: "Like A81001", Type: Text, Required: true, Uppercase: true,
				Pattern: `^[A-Z][0-9]{5}$`, Messages: Messages{Format: "Enter a practice ODS code like A81001"}},
			{Name: "icb", Label: "Your ICB", Type: Select, Required: true, OptionsFrom: "icbs"},
			{Name: "email", Label: "Email address", Type: Email, Required: true},
			{Name: "phone", Label: "Telephone number", Type: Tel},
			{Name: "interest", Label: "What would you like?", Type: Radios, Required: true,
				Options: []Option{{Value: "call", Label: "A call"}, {Value: "pack", Label: "The pack"}}},
			{Name: "message", Label: "Message", Type: Textarea},
			{Name: "consent", Label: "I agree to be contacted", Type: Checkbox, Required: true},
		},
	}
}

var lists = Lists{"icbs": {{Value: "QE1", Label: "Lancashire", Group: "North West"}, {Value: "QHG", Label: "Bedfordshire", Group: "East of England"}}}

func mustResolve(t testing.TB) *Form {
	t.Helper()
	f, err := Resolve(definition(), lists, at)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func good() url.Values {
	return url.Values{"name": {"Ann Smith"}, "ods_code": {" a81001 "}, "icb": {"QE1"}, "email": {"ann@example.nhs.uk"},
		"phone": {""}, "interest": {"call"}, "message": {"Hello\r\nthere"}, "consent": {"yes"}, "website": {""}}
}

func TestResolveErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(d *Definition)
		want   string
	}{
		{"id", func(d *Definition) { d.ID = "Contact Form" }, `form id "Contact Form"`},
		{"action", func(d *Definition) { d.Action = "javascript:alert(1)" }, `action "javascript:alert(1)" must be a path`},
		{"protocol-relative action", func(d *Definition) { d.Action = "//evil.example/x" }, "must be a path"},
		{"thanks", func(d *Definition) { d.Thanks = "thanks" }, `thanks "thanks"`},
		{"trap", func(d *Definition) { d.Trap = "" }, "trap must name"},
		{"no fields", func(d *Definition) { d.Fields = nil }, "at least one field"},
		{"duplicate", func(d *Definition) { d.Fields[1].Name = "name" }, `field name "name" is used twice`},
		{"trap clash", func(d *Definition) { d.Fields[0].Name = "website" }, `field name "website" is used twice`},
		{"label", func(d *Definition) { d.Fields[0].Label = " " }, `field "name" needs a label`},
		{"type", func(d *Definition) { d.Fields[0].Type = "number" }, `type "number" must be one of`},
		{"autocomplete", func(d *Definition) { d.Fields[0].Autocomplete = "emial" }, `did you mean "email"?`},
		{"list", func(d *Definition) { d.Fields[2].OptionsFrom = "ccgs" }, `no list called "ccgs" (lists: icbs)`},
		{"no options", func(d *Definition) { d.Fields[5].Options = nil }, "a radios field needs options"},
		{"option twice", func(d *Definition) { d.Fields[5].Options[1].Value = "call" }, `option value "call" is used twice`},
		{"unanchored", func(d *Definition) { d.Fields[1].Pattern = "[A-Z]" }, "start it with ^ and end it with $"},
		{"bad pattern", func(d *Definition) { d.Fields[1].Pattern = "^(a$" }, "pattern does not compile"},
		{"format message", func(d *Definition) { d.Fields[1].Messages.Format = "" }, "give messages.format"},
		{"pattern on choice", func(d *Definition) { d.Fields[5].Pattern = "^a$" }, "has no pattern"},
		{"width", func(d *Definition) { d.Fields[0].Width = "huge" }, "width must be"},
		{"checkbox options", func(d *Definition) { d.Fields[7].Options = []Option{{Value: "a", Label: "b"}} }, "a checkbox has no options"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := definition()
			d.Fields[5].Options = append([]Option(nil), d.Fields[5].Options...)
			tc.change(&d)
			_, err := Resolve(d, lists, at)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	f := mustResolve(t)
	for name, want := range map[string]string{
		"name": "Enter your name", "icb": "Select your ICB", "interest": "Select what would you like",
		"consent": "Tick the box to say: i agree to be contacted", "email": "Enter email address",
	} {
		fd, _ := f.Field(name)
		if fd.Messages.Required != want {
			t.Errorf("%s: required message %q, want %q", name, fd.Messages.Required, want)
		}
	}
	fd, _ := f.Field("icb")
	if len(fd.Options) != 2 || fd.Options[0].Value != "QE1" {
		t.Errorf("icb options = %v", fd.Options)
	}
	if fd, _ := f.Field("message"); fd.MaxLength != maxText {
		t.Errorf("textarea max length %d", fd.MaxLength)
	}
}

func TestValidate(t *testing.T) {
	f := mustResolve(t)
	type errs = map[string]string
	for _, tc := range []struct {
		name   string
		change func(v url.Values)
		want   errs
		spam   bool
	}{
		{"good", func(url.Values) {}, errs{}, false},
		{"missing", func(v url.Values) { v.Del("name"); v.Del("consent"); v.Set("icb", "") },
			errs{"name": "Enter your name", "icb": "Select your ICB", "consent": "Tick the box"}, false},
		{"email", func(v url.Values) { v.Set("email", "ann at example") }, errs{"email": "correct format"}, false},
		{"email dot", func(v url.Values) { v.Set("email", "ann@example") }, errs{"email": "correct format"}, false},
		{"phone", func(v url.Values) { v.Set("phone", "call me") }, errs{"phone": "telephone number"}, false},
		{"phone ok", func(v url.Values) { v.Set("phone", "+44 (0)20 7946 0000") }, errs{}, false},
		{"ods", func(v url.Values) { v.Set("ods_code", "A8100") }, errs{"ods_code": "like A81001"}, false},
		{"too long", func(v url.Values) { v.Set("name", strings.Repeat("é", 21)) }, errs{"name": "20 characters or fewer"}, false},
		{"just long enough", func(v url.Values) { v.Set("name", strings.Repeat("é", 20)) }, errs{}, false},
		{"invalid utf-8", func(v url.Values) { v.Set("name", "Ann \xff") }, errs{"name": "not valid text"}, false},
		{"control", func(v url.Values) { v.Set("name", "Ann\x00") }, errs{"name": "cannot be used"}, false},
		{"newline in line", func(v url.Values) { v.Set("name", "Ann\nSmith") }, errs{"name": "cannot be used"}, false},
		{"select outside options", func(v url.Values) { v.Set("icb", "XXX") }, errs{"icb": "Select your ICB"}, false},
		{"radio outside options", func(v url.Values) { v.Set("interest", "<script>") }, errs{"interest": "Select"}, false},
		{"checkbox value", func(v url.Values) { v.Set("consent", "on") }, errs{"consent": "Tick the box"}, false},
		{"spam", func(v url.Values) { v.Set("website", "http://spam.example") }, errs{}, true},
		{"script is text", func(v url.Values) { v.Set("message", "<script>alert(1)</script>'; DROP TABLE submissions;--") }, errs{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			post := good()
			tc.change(post)
			r, err := f.Validate(post)
			if err != nil {
				t.Fatal(err)
			}
			got := errs{}
			for _, e := range r.Errors {
				got[e.Field] = e.Message
			}
			if len(got) != len(tc.want) {
				t.Errorf("errors = %v, want fields %v", got, tc.want)
			}
			for field, want := range tc.want {
				if !strings.Contains(got[field], want) {
					t.Errorf("%s: error %q, want it to contain %q", field, got[field], want)
				}
			}
			if r.Spam != tc.spam || r.OK() != (len(tc.want) == 0 && !tc.spam) {
				t.Errorf("spam = %v, OK = %v", r.Spam, r.OK())
			}
		})
	}
}

// characterCase is one answer to one field of definition(), the rest of the
// post being good(): want is part of the message it must get ("" for none)
// and keep, when set, the answer as stored.
type characterCase struct {
	name, field, answer, want, keep string
}

// characterCases are answers of invisible characters and text-direction
// controls, one per character class Validate treats specially. The browser
// script is checked against the same cases (TestBrowserScriptAgrees).
var characterCases = []characterCase{
	{"zero width space", "name", "\u200b", "Enter your name", ""},
	{"word joiner", "name", "\u2060", "Enter your name", ""},
	{"byte order mark", "name", "\ufeff", "Enter your name", ""},
	{"no-break space", "name", "\u00a0", "Enter your name", ""},
	{"ideographic space", "name", "\u3000", "Enter your name", ""},
	{"mongolian vowel separator", "name", "\u180e", "Enter your name", ""},
	{"zero width non-joiner", "name", "\u200c", "Enter your name", ""},
	{"zero width joiner", "name", "\u200d", "Enter your name", ""},
	{"soft hyphen", "name", "\u00ad", "Enter your name", ""},
	{"line separator", "name", "\u2028", "Enter your name", ""},
	{"variation selector", "name", "\ufe0f", "Enter your name", ""},
	{"hangul filler", "name", "\u3164", "Enter your name", ""},
	{"combining grapheme joiner", "name", "\u034f", "Enter your name", ""},
	{"tag character", "name", "\U000e0020", "Enter your name", ""},
	{"invisible mixed with spaces", "name", " \u200b\u00a0 \u2060\t\ufeff\u3000 ", "Enter your name", ""},
	{"invisible in a required email", "email", "\u200b\u200c\u200d", "Enter email address", ""},
	{"invisible in a required code", "ods_code", "\u2060 \u2060", "Enter practice ODS code", ""},
	{"invisible lines in an optional textarea", "message", "\u200b\r\n\u2060\n\u00a0", "", ""},
	{"trimmed at both ends", "name", "\u200b\u00a0Ann Smith\ufeff\u2060", "", "Ann Smith"},
	{"trimmed before the pattern", "ods_code", "\ufeffa81001\u200b", "", "A81001"},
	{"trimmed before the email format", "email", "\u2060ann@example.nhs.uk\u200b", "", "ann@example.nhs.uk"},
	{"a joiner inside is kept", "name", "Ann\u200dSmith", "", "Ann\u200dSmith"},
	{"left-to-right embedding", "name", "Ann\u202a", "direction of text", ""},
	{"right-to-left embedding", "name", "\u202bAnn", "direction of text", ""},
	{"pop directional formatting", "name", "A\u202cnn", "direction of text", ""},
	{"left-to-right override", "name", "Ann\u202d", "direction of text", ""},
	{"right-to-left override", "name", "Ann\u202eelif.exe", "direction of text", ""},
	{"left-to-right isolate", "name", "Ann\u2066", "direction of text", ""},
	{"right-to-left isolate", "name", "Ann\u2067", "direction of text", ""},
	{"first strong isolate", "name", "Ann\u2068", "direction of text", ""},
	{"pop directional isolate", "name", "Ann\u2069", "direction of text", ""},
	{"left-to-right mark", "name", "Ann\u200e", "direction of text", ""},
	{"right-to-left mark", "name", "Ann\u200f", "direction of text", ""},
	{"arabic letter mark", "name", "Ann\u061c", "direction of text", ""},
	{"direction control alone in an optional field", "phone", "\u200f", "direction of text", ""},
	{"direction control in a textarea", "message", "Call me\n\u202e on Tuesday", "direction of text", ""},
	{"direction control in a code", "ods_code", "A81001\u2066", "direction of text", ""},
	{"a control character", "name", "Ann\u0007", "cannot be used", ""},
	{"a control character inside", "name", "Ann\u0085Smith", "cannot be used", ""},
	{"a control character that is white space, at the end", "name", "Ann\u0085", "", "Ann"},
	{"a replacement character", "message", "\ufffd", "cannot be used", ""},
}

// TestValidateCharacters checks the character classes of characterCases:
// an answer with no visible character is empty, invisible characters are
// trimmed from both ends, and a text-direction control is refused with a
// message naming the field.
func TestValidateCharacters(t *testing.T) {
	f := mustResolve(t)
	for _, tc := range characterCases {
		t.Run(tc.name, func(t *testing.T) {
			post := good()
			post.Set(tc.field, tc.answer)
			r, err := f.Validate(post)
			if err != nil {
				t.Fatal(err)
			}
			got := r.Errors
			switch {
			case tc.want == "" && len(got) != 0:
				t.Errorf("%q: errors %v, want none", tc.answer, got)
			case tc.want != "" && (len(got) != 1 || got[0].Field != tc.field || !strings.Contains(got[0].Message, tc.want)):
				t.Errorf("%q: errors %v, want one for %s containing %q", tc.answer, got, tc.field, tc.want)
			}
			if tc.want == "" && r.Values[tc.field] != tc.keep {
				t.Errorf("%q stored as %q, want %q", tc.answer, r.Values[tc.field], tc.keep)
			}
			refused := strings.Contains(tc.want, "direction") || strings.Contains(tc.want, "cannot be used")
			if _, kept := r.Values[tc.field]; tc.keep == "" && !refused && kept {
				t.Errorf("%q: an answer with no visible character is kept as %q", tc.answer, r.Values[tc.field])
			}
			if fd, _ := f.Field(tc.field); refused && len(got) == 1 && !strings.HasPrefix(got[0].Message, fd.Label+": ") {
				t.Errorf("message %q does not name the field %q", got[0].Message, fd.Label)
			}
		})
	}
}

func TestValidateNormalises(t *testing.T) {
	r, err := mustResolve(t).Validate(good())
	if err != nil {
		t.Fatal(err)
	}
	if r.Values["ods_code"] != "A81001" || r.Values["message"] != "Hello\nthere" {
		t.Errorf("values = %q", r.Values)
	}
	if _, ok := r.Values["phone"]; ok {
		t.Error("an empty answer is kept")
	}
}

func TestValidateRequestErrors(t *testing.T) {
	f := mustResolve(t)
	for name, change := range map[string]func(url.Values){
		"unknown field": func(v url.Values) { v.Set("admin", "1") },
		"sent twice":    func(v url.Values) { v["name"] = []string{"a", "b"} },
		"trap twice":    func(v url.Values) { v["website"] = []string{"", ""} },
	} {
		post := good()
		change(post)
		_, err := f.Validate(post)
		if _, ok := err.(*RequestError); !ok {
			t.Errorf("%s: err = %v, want a *RequestError", name, err)
		}
	}
}

func TestRender(t *testing.T) {
	f := mustResolve(t)
	clean, err := f.Render(State{})
	if err != nil {
		t.Fatal(err)
	}
	if clean.Summary != "" {
		t.Errorf("clean form has a summary: %s", clean.Summary)
	}
	for _, want := range []string{
		`action="/api/contact"`, `novalidate`, `<label class="label" for="contact-name">Your name</label>`,
		`autocomplete="name"`, `aria-describedby="contact-ods-code-hint"`, `<optgroup label="North West">`,
		`<legend class="legend" id="contact-interest-legend">What would you like?</legend>`, `id="contact-interest-2"`,
		`Telephone number (optional)`, `name="website"`, `tabindex="-1"`, `<button class="button" type="submit">Send</button>`,
	} {
		if !strings.Contains(string(clean.Form), want) {
			t.Errorf("clean form lacks %s", want)
		}
	}
	post := good()
	post.Set("name", `"><script>alert(1)</script>`)
	post.Set("message", "</textarea><script>x</script>")
	post.Set("email", "bad")
	r, _ := f.Validate(post)
	h, err := f.Render(State{Values: r.Values, Errors: r.Errors})
	if err != nil {
		t.Fatal(err)
	}
	all := string(h.Summary) + string(h.Form)
	if strings.Contains(all, "<script>") {
		t.Errorf("a user's answer reached the HTML unescaped:\n%s", all)
	}
	for _, want := range []string{
		`<a href="#contact-email">Enter an email address in the correct format, like name@example.com</a>`,
		`autofocus`, `There is a problem`,
		`<p class="error-message" id="contact-email-error"><span class="visually-hidden">Error:</span> Enter an email`,
		`aria-describedby="contact-email-error"`, `class="input input-full input-error"`, `form-group-error`,
		`<option value="QE1" selected>`, `value="call" checked`, `value="yes" checked`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("error state lacks %s", want)
		}
	}
}

func TestIDsCoverRenderedIDs(t *testing.T) {
	f := mustResolve(t)
	r, _ := f.Validate(url.Values{})
	h, _ := f.Render(State{Errors: r.Errors})
	ids := map[string]bool{}
	for _, id := range f.IDs() {
		ids[id] = true
	}
	html := string(h.Summary) + string(h.Form)
	for _, part := range strings.Split(html, ` id="`)[1:] {
		id, _, _ := strings.Cut(part, `"`)
		if !ids[id] {
			t.Errorf("rendered id %q is not in IDs()", id)
		}
	}
}

func TestExportRoundTrip(t *testing.T) {
	f := mustResolve(t)
	page := "<html><head><title>Contact</title></head><main>" + SummaryMarker + "<h1>Contact</h1>" + FormMarker + "</main></html>"
	shell, err := Cut([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	e := &Export{Format: ExportFormat, BaseURL: "https://example.org/", Definition: f.Def, Page: shell}
	b, err := e.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	g, e2, err := Load("contact.json", b)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(g.Def) != fmt.Sprint(f.Def) || e2.BaseURL != e.BaseURL {
		t.Errorf("definition changed on the way:\n%v\n%v", g.Def, f.Def)
	}
	out, err := e2.RenderPage(g, State{Errors: []FieldError{{Field: "name", Message: "Enter your name"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "<title>Error: Contact</title>") || !strings.Contains(string(out), `<main><div class="error-summary"`) {
		t.Errorf("error page:\n%s", out)
	}
	for _, bad := range []string{"<main></main>", SummaryMarker + SummaryMarker + FormMarker, FormMarker + SummaryMarker} {
		if _, err := Cut([]byte(bad)); err == nil {
			t.Errorf("Cut(%q) succeeded", bad)
		}
	}
	if _, _, err := Load("x.json", []byte(`{"format":1,"surprise":true}`)); err == nil || !strings.Contains(err.Error(), "surprise") {
		t.Errorf("unknown key in an export: %v", err)
	}
	if _, _, err := Load("x.json", []byte(`{"format":99}`)); err == nil || !strings.Contains(err.Error(), "format 99") {
		t.Errorf("future export format: %v", err)
	}
}

func FuzzValidate(f *testing.F) {
	form := mustResolve(f)
	f.Add(good().Encode())
	f.Add("name=%ff&email=a@b.c&consent=yes")
	f.Add("name=a&name=b")
	f.Add("message=" + strings.Repeat("x", 6000))
	for _, tc := range characterCases {
		post := good()
		post.Set(tc.field, tc.answer)
		f.Add(post.Encode())
	}
	f.Fuzz(func(t *testing.T, body string) {
		post, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		r, err := form.Validate(post)
		if err != nil {
			return
		}
		h, err := form.Render(State{Values: r.Values, Errors: r.Errors})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(h.Form), "<script") {
			t.Fatalf("unescaped script in %q", body)
		}
		if r.OK() {
			for name, v := range r.Values {
				fd, _ := form.Field(name)
				if !utf8.ValidString(v) || utf8.RuneCountInString(v) > fd.MaxLength {
					t.Fatalf("accepted %s = %q", name, v)
				}
				if v == "" || strings.TrimFunc(v, invisible) != v || strings.ContainsFunc(v, bidiControl) {
					t.Fatalf("accepted %s = %q: untrimmed, empty or holding a text-direction control", name, v)
				}
			}
		}
	})
}

// TestResolveLeavesTheDefinition: a page's form is resolved again on every
// build, perhaps with other lists (the ICBs of another day or file), so
// Resolve must not fill the options into the page's own definition.
func TestResolveLeavesTheDefinition(t *testing.T) {
	d := definition()
	if _, err := Resolve(d, lists, at); err != nil {
		t.Fatal(err)
	}
	if d.Fields[2].OptionsFrom != "icbs" || d.Fields[2].Options != nil {
		t.Fatalf("Resolve changed the definition's field: %+v", d.Fields[2])
	}
	renamed := Lists{"icbs": {{Value: "QE1", Label: "Lancashire and South Cumbria"}}}
	f, err := Resolve(d, renamed, at)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Def.Fields[2].Options; len(got) != 1 || got[0].Label != "Lancashire and South Cumbria" {
		t.Errorf("the second resolve's options = %+v, want the second list's", got)
	}
}
