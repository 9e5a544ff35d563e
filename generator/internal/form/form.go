// Package form is the contact form's one definition, shared by the site
// generator and the form receiver: the fields as the marketing team writes
// them in front matter, the checks a submission must pass, and the HTML of
// the form in its clean and error states (GOV.UK / NHS design-system
// patterns).
//
// The generator checks a Definition (Resolve), renders the form into its page
// and exports it with the page around it (Export). The receiver loads that
// export (Load), validates every post with the same Form and, when a post
// has errors, renders the same page again with the errors and the answers.
package form

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
)

// Definition is a form as authored under `form:` in a page's front matter.
// Every key is documented in README.md.
type Definition struct {
	ID     string  `yaml:"id" json:"id"`         // names the export and the stored submissions
	Action string  `yaml:"action" json:"action"` // the endpoint the form posts to
	Thanks string  `yaml:"thanks" json:"thanks"` // site path of the thank-you page
	Submit string  `yaml:"submit" json:"submit"` // the button's label
	Trap   string  `yaml:"trap" json:"trap"`     // name of the hidden spam-trap field
	Fields []Field `yaml:"fields" json:"fields"`
	// PackRequest, when set, says which answer asks for the standalone
	// starter pack and which field names the ICB: the thank-you page and the
	// team's email then link straight to that ICB's pack.
	PackRequest *PackRequest `yaml:"pack_request" json:"pack_request,omitempty"`
}

// PackRequest picks out a request for the starter pack: the answer Value to
// the choice field Field, with the ICB chosen in the select field ICB.
type PackRequest struct {
	Field string `yaml:"field" json:"field"`
	Value string `yaml:"value" json:"value"`
	ICB   string `yaml:"icb" json:"icb"`
}

// Field is one question of a form.
type Field struct {
	Name         string   `yaml:"name" json:"name"` // the posted name, e.g. email
	Label        string   `yaml:"label" json:"label"`
	Hint         string   `yaml:"hint" json:"hint,omitempty"`
	Type         string   `yaml:"type" json:"type"` // text, email, tel, textarea, select, radios, checkbox
	Required     bool     `yaml:"required" json:"required,omitempty"`
	Autocomplete string   `yaml:"autocomplete" json:"autocomplete,omitempty"`
	Width        string   `yaml:"width" json:"width,omitempty"`           // short, medium or full (text fields)
	MaxLength    int      `yaml:"max_length" json:"max_length,omitempty"` // characters; a default applies
	Pattern      string   `yaml:"pattern" json:"pattern,omitempty"`       // the whole value must match (RE2 and JavaScript alike)
	Uppercase    bool     `yaml:"uppercase" json:"uppercase,omitempty"`   // upper-case the answer before checking (codes)
	Options      []Option `yaml:"options" json:"options,omitempty"`
	OptionsFrom  string   `yaml:"options_from" json:"-"` // a list the generator knows, e.g. icbs
	Messages     Messages `yaml:"messages" json:"messages"`
}

// Option is one choice of a select, radios or checkbox field.
type Option struct {
	Value string `yaml:"value" json:"value"`
	Label string `yaml:"label" json:"label"`
	Group string `yaml:"group" json:"group,omitempty"` // select only: an <optgroup>
}

// Messages are the error messages of a field; each has a default built from
// the label, in the GOV.UK style ("Enter your email address").
type Messages struct {
	Required string `yaml:"required" json:"required"`
	Format   string `yaml:"format" json:"format,omitempty"`
	TooLong  string `yaml:"too_long" json:"too_long,omitempty"`
}

// The field types.
const (
	Text     = "text"
	Email    = "email"
	Tel      = "tel"
	Textarea = "textarea"
	Select   = "select"
	Radios   = "radios"
	Checkbox = "checkbox"
)

var types = []string{Text, Email, Tel, Textarea, Select, Radios, Checkbox}

// Checked is the value a checked checkbox posts.
const Checked = "yes"

// Default formats of email and telephone fields. They are written so that
// Go's RE2 and JavaScript read them the same way.
const (
	emailPattern = `^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$`
	telPattern   = `^(\+|00)?[0-9][0-9 ()-]{8,18}[0-9]$`
)

// Default maximum lengths, in characters.
const (
	maxLine = 200
	maxText = 5000
)

// autocompleteTokens are the HTML autofill field names a field may use.
var autocompleteTokens = []string{"off", "name", "given-name", "family-name", "honorific-prefix", "organization", "organization-title",
	"email", "tel", "tel-national", "street-address", "address-line1", "address-line2", "address-level1", "address-level2",
	"postal-code", "country-name", "url"}

var (
	idPattern   = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	namePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// Form is a checked definition, ready to validate posts and render.
type Form struct {
	Def      Definition
	patterns map[string]*regexp.Regexp // field name -> compiled pattern
}

// Lists are the named option lists a field may use with options_from.
type Lists map[string][]Option

// Resolve checks d, fills in the options of options_from fields from lists
// and the default messages and limits, and returns the ready Form. at maps a
// path inside the definition ("fields[2].pattern", "" for the form itself)
// to its position in the user's file.
func Resolve(d Definition, lists Lists, at func(path string) diag.Pos) (*Form, error) {
	var errs diag.List
	add := func(path, format string, args ...any) { errs = append(errs, diag.Errorf(at(path), format, args...)) }
	switch {
	case !idPattern.MatchString(d.ID):
		add("id", "form id %q must be lower-case letters, digits and hyphens, like contact", d.ID)
	}
	if !strings.HasPrefix(d.Action, "/") && !strings.HasPrefix(d.Action, "https://") || strings.HasPrefix(d.Action, "//") {
		add("action", "action %q must be a path on this site (/api/contact) or an https:// address", d.Action)
	}
	if !strings.HasPrefix(d.Thanks, "/") || strings.HasPrefix(d.Thanks, "//") {
		add("thanks", "thanks %q must be the path of the thank-you page on this site, like /contact/thanks/", d.Thanks)
	}
	if d.Submit == "" {
		d.Submit = "Send"
	}
	if !namePattern.MatchString(d.Trap) {
		add("trap", "trap must name the hidden spam-trap field in lower case, like website (found %q)", d.Trap)
	}
	if len(d.Fields) == 0 {
		add("fields", "a form needs at least one field")
	}
	// The fields are filled in below: on a copy, for d's slice is the
	// page's, and a page is never changed (the next build resolves it
	// again, perhaps with other lists).
	d.Fields = slices.Clone(d.Fields)
	f := &Form{patterns: map[string]*regexp.Regexp{}}
	seen := map[string]bool{d.Trap: true}
	for i := range d.Fields {
		fd := &d.Fields[i]
		path := fmt.Sprintf("fields[%d]", i)
		bad := func(key, format string, args ...any) { add(path+key, format, args...) }
		switch {
		case !namePattern.MatchString(fd.Name):
			bad(".name", "field name %q must be lower-case letters, digits and _, starting with a letter", fd.Name)
		case seen[fd.Name]:
			bad(".name", "field name %q is used twice (or is the spam trap's name)", fd.Name)
		}
		seen[fd.Name] = true
		if strings.TrimSpace(fd.Label) == "" {
			bad(".label", "field %q needs a label", fd.Name)
		}
		if !slices.Contains(types, fd.Type) {
			bad(".type", "field %q: type %q must be one of %s", fd.Name, fd.Type, strings.Join(types, ", "))
		}
		if fd.Autocomplete != "" && !slices.Contains(autocompleteTokens, fd.Autocomplete) {
			msg := fmt.Sprintf("field %q: autocomplete %q is not an HTML autofill name", fd.Name, fd.Autocomplete)
			if s := diag.Suggest(fd.Autocomplete, autocompleteTokens); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			errs = append(errs, &diag.Error{Pos: at(path + ".autocomplete"), Msg: msg})
		}
		switch fd.Width {
		case "", "short", "medium", "full":
		default:
			bad(".width", "field %q: width must be short, medium or full", fd.Name)
		}
		listMissing := false
		if fd.OptionsFrom != "" {
			opts, ok := lists[fd.OptionsFrom]
			if listMissing = !ok; listMissing {
				bad(".options_from", "field %q: no list called %q (lists: %s)", fd.Name, fd.OptionsFrom, strings.Join(sortedKeys(lists), ", "))
			}
			if fd.Options != nil {
				bad(".options", "field %q: give options or options_from, not both", fd.Name)
			}
			fd.Options, fd.OptionsFrom = slices.Clone(opts), ""
		}
		choice := fd.Type == Select || fd.Type == Radios
		switch {
		case choice && len(fd.Options) == 0 && !listMissing:
			bad("", "field %q: a %s field needs options (or options_from)", fd.Name, fd.Type)
		case !choice && fd.Type != Checkbox && len(fd.Options) > 0:
			bad(".options", "field %q: a %s field has no options", fd.Name, fd.Type)
		case fd.Type == Checkbox && len(fd.Options) > 0:
			bad(".options", "field %q: a checkbox has no options; its label is what the user agrees to", fd.Name)
		}
		values := map[string]bool{}
		for j, o := range fd.Options {
			switch {
			case o.Value == "" || o.Label == "":
				bad(fmt.Sprintf(".options[%d]", j), "field %q: each option needs a value and a label", fd.Name)
			case values[o.Value]:
				bad(fmt.Sprintf(".options[%d].value", j), "field %q: option value %q is used twice", fd.Name, o.Value)
			}
			if o.Group != "" && fd.Type != Select {
				bad(fmt.Sprintf(".options[%d].group", j), "field %q: only select options can be grouped", fd.Name)
			}
			values[o.Value] = true
		}
		if fd.Pattern != "" && (choice || fd.Type == Checkbox) {
			bad(".pattern", "field %q: a %s field has no pattern; its options are the only valid answers", fd.Name, fd.Type)
		}
		switch {
		case fd.Pattern != "":
		case fd.Type == Email:
			fd.Pattern = emailPattern
			fd.Messages.Format = cmp.Or(fd.Messages.Format, "Enter an email address in the correct format, like name@example.com")
		case fd.Type == Tel:
			fd.Pattern = telPattern
			fd.Messages.Format = cmp.Or(fd.Messages.Format, "Enter a telephone number, like 01632 960 001 or +44 808 157 0192")
		}
		if fd.Pattern != "" {
			re, err := regexp.Compile(fd.Pattern)
			switch {
			case err != nil:
				bad(".pattern", "field %q: pattern does not compile: %v", fd.Name, err)
			case !strings.HasPrefix(fd.Pattern, "^") || !strings.HasSuffix(fd.Pattern, "$"):
				bad(".pattern", "field %q: pattern must match the whole answer: start it with ^ and end it with $", fd.Name)
			default:
				f.patterns[fd.Name] = re
			}
		}
		if fd.MaxLength < 0 {
			bad(".max_length", "field %q: max_length must be positive", fd.Name)
		}
		if fd.MaxLength == 0 {
			fd.MaxLength = maxLine
			if fd.Type == Textarea {
				fd.MaxLength = maxText
			}
		}
		if fd.Pattern != "" && fd.Messages.Format == "" {
			bad(".messages.format", "field %q has a pattern: give messages.format, saying what a good answer looks like", fd.Name)
		}
		defaultMessages(fd)
	}
	if pr := d.PackRequest; pr != nil {
		errs = append(errs, checkPackRequest(d, pr, at)...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	f.Def = d
	return f, nil
}

// checkPackRequest checks that pack_request names a choice field and one of
// its options, and a select field for the ICB.
func checkPackRequest(d Definition, pr *PackRequest, at func(string) diag.Pos) diag.List {
	var errs diag.List
	field := func(name string) *Field {
		i := slices.IndexFunc(d.Fields, func(fd Field) bool { return fd.Name == name })
		if i < 0 {
			return nil
		}
		return &d.Fields[i]
	}
	switch fd := field(pr.Field); {
	case fd == nil:
		errs = append(errs, diag.Errorf(at("pack_request.field"), "pack_request.field %q is not a field of this form", pr.Field))
	case fd.Type != Radios && fd.Type != Select:
		errs = append(errs, diag.Errorf(at("pack_request.field"), "pack_request.field %q must be a radios or select field", pr.Field))
	case !slices.ContainsFunc(fd.Options, func(o Option) bool { return o.Value == pr.Value }):
		errs = append(errs, diag.Errorf(at("pack_request.value"), "pack_request.value %q is not one of the options of %q", pr.Value, pr.Field))
	}
	if fd := field(pr.ICB); fd == nil || fd.Type != Select {
		errs = append(errs, diag.Errorf(at("pack_request.icb"), "pack_request.icb %q must name the select field listing the ICBs", pr.ICB))
	}
	return errs
}

// Label returns the label of the option value of the choice field name, or
// value itself when there is none (a free-text answer).
func (f *Form) Label(name, value string) string {
	fd, ok := f.Field(name)
	if !ok {
		return value
	}
	for _, o := range fd.Options {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}

// PackAsked returns the ICB whose pack a post with answers v asks for.
func (f *Form) PackAsked(v Values) (icb string, ok bool) {
	pr := f.Def.PackRequest
	if pr == nil || v[pr.Field] != pr.Value || v[pr.ICB] == "" {
		return "", false
	}
	return v[pr.ICB], true
}

// defaultMessages fills the messages left empty, in the GOV.UK style.
func defaultMessages(fd *Field) {
	label := lowerFirst(strings.TrimSuffix(strings.TrimSpace(fd.Label), "?"))
	m := &fd.Messages
	if m.Required == "" {
		switch fd.Type {
		case Select, Radios:
			m.Required = "Select " + label
		case Checkbox:
			m.Required = "Tick the box to say: " + label
		default:
			m.Required = "Enter " + label
		}
	}
	if m.TooLong == "" && fd.Type != Select && fd.Type != Radios && fd.Type != Checkbox {
		m.TooLong = fmt.Sprintf("%s must be %d characters or fewer", upperFirst(label), fd.MaxLength)
	}
}

// lowerFirst lower-cases the first letter unless the first word looks like
// an acronym (ODS, ICB).
func lowerFirst(s string) string {
	word, _, _ := strings.Cut(s, " ")
	if len(word) > 1 && strings.ToUpper(word) == word {
		return s
	}
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Field returns the field called name.
func (f *Form) Field(name string) (*Field, bool) {
	i := slices.IndexFunc(f.Def.Fields, func(fd Field) bool { return fd.Name == name })
	if i < 0 {
		return nil, false
	}
	return &f.Def.Fields[i], true
}

// IDs returns every element id the form's HTML uses, so the page around it
// can keep its own ids apart.
func (f *Form) IDs() []string {
	ids := []string{"error-summary-title", f.inputID(f.Def.Trap)}
	for _, fd := range f.Def.Fields {
		id := f.inputID(fd.Name)
		ids = append(ids, id, id+"-hint", id+"-error", id+"-legend")
		for i := range fd.Options {
			if i > 0 {
				ids = append(ids, fmt.Sprintf("%s-%d", id, i+1))
			}
		}
	}
	return ids
}

// inputID is the id of a field's input (of its first radio).
func (f *Form) inputID(name string) string {
	return f.Def.ID + "-" + strings.ReplaceAll(name, "_", "-")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
