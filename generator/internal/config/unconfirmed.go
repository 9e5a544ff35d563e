package config

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/yamldoc"
)

// Placeholder is a setting whose value is not the real one yet, as listed
// under `unconfirmed:` in site.yaml: the build names it on every run until
// someone checks it and takes it off the list.
type Placeholder struct {
	Setting string   `yaml:"setting"` // its path, e.g. contact.telephone
	Reason  string   `yaml:"reason"`  // why it is not confirmed
	At      diag.Pos `yaml:"-"`       // where it is listed; zero for a setting that is missing
}

// NotSet is the reason given for a setting the site needs that is empty.
const NotSet = "not set"

// launchSettings are the settings the footer and the privacy notice show
// that a company's website must carry; each one left empty is reported as
// unconfirmed, so nobody can miss that the site is not ready to launch.
var launchSettings = []string{"organisation.legal_name", "organisation.company_number", "organisation.registered_office", "cms.repo"}

// Unconfirmed returns what is not yet fit to publish: the settings listed
// under `unconfirmed:`, in file order, then the launch settings that are
// empty and not listed (with the reason NotSet). bcs build and bcs serve
// print them on every run.
func (s *Site) Unconfirmed() []Placeholder {
	out := slices.Clone(s.Placeholders)
	for _, path := range launchSettings {
		listed := slices.ContainsFunc(out, func(p Placeholder) bool { return p.Setting == path })
		if !listed && s.value(path).IsZero() {
			out = append(out, Placeholder{Setting: path, Reason: NotSet})
		}
	}
	return out
}

// checkPlaceholders checks the `unconfirmed:` list: each entry names a
// setting that exists, once, with a reason.
func (s *Site) checkPlaceholders(doc *yamldoc.Doc) diag.List {
	var errs diag.List
	known := SettingPaths()
	seen := map[string]bool{}
	for i := range s.Placeholders {
		p := &s.Placeholders[i]
		at := "$.unconfirmed[" + strconv.Itoa(i) + "]"
		p.At = doc.Pos(at + ".setting")
		switch {
		case strings.TrimSpace(p.Setting) == "":
			errs = append(errs, diag.Errorf(doc.Pos(at), "an unconfirmed entry needs setting: the path of a setting, such as contact.telephone"))
		case !slices.Contains(known, p.Setting):
			msg := fmt.Sprintf("unconfirmed: there is no setting %q", p.Setting)
			if near := suggestSetting(p.Setting, known); near != "" {
				msg += fmt.Sprintf("; did you mean %q?", near)
			}
			errs = append(errs, &diag.Error{Pos: p.At, Msg: msg})
		case seen[p.Setting]:
			errs = append(errs, diag.Errorf(p.At, "unconfirmed: %s is listed twice", p.Setting))
		}
		seen[p.Setting] = true
		if strings.TrimSpace(p.Reason) == "" {
			errs = append(errs, diag.Errorf(doc.Pos(at), "unconfirmed: give the reason %s is not confirmed yet, such as \"a placeholder from Ofcom's drama range\"", p.Setting))
		}
	}
	return errs
}

// SettingPaths lists every setting a placeholder may name, as dotted yaml
// keys ("contact.telephone"), read from the Site struct so that it cannot
// fall behind it. A list (menus.footer) is one setting.
func SettingPaths() []string {
	var out []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for f := range t.Fields() {
			key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if key == "" || key == "-" || key == "unconfirmed" {
				continue
			}
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type, prefix+key+".")
				continue
			}
			out = append(out, prefix+key)
		}
	}
	walk(reflect.TypeFor[Site](), "")
	slices.Sort(out)
	return out
}

// suggestSetting is the setting a wrong path most likely meant: the nearest
// by spelling, or else the one whose last key holds the path's last key
// ("telephone" and "contact.phone" both mean contact.telephone).
func suggestSetting(path string, known []string) string {
	if near := diag.Suggest(path, known); near != "" {
		return near
	}
	last := path[strings.LastIndex(path, ".")+1:]
	if last == "" {
		return ""
	}
	for _, k := range known {
		if strings.Contains(k[strings.LastIndex(k, ".")+1:], last) {
			return k
		}
	}
	return ""
}

// value returns the setting at path (one of SettingPaths).
func (s *Site) value(path string) reflect.Value {
	v := reflect.ValueOf(s).Elem()
next:
	for key := range strings.SplitSeq(path, ".") {
		for f := range v.Type().Fields() {
			if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name == key {
				v = v.FieldByIndex(f.Index)
				continue next
			}
		}
		panic("config: no setting " + path) // launchSettings names a field that is gone: a bug
	}
	return v
}

// companyNumber is the form of a Companies House company number: eight
// digits, or two letters and six digits (SC for Scotland, NI for Northern
// Ireland, OC for an LLP).
var companyNumber = regexp.MustCompile(`^([0-9]{8}|[A-Z]{2}[0-9]{6})$`)

func (o *Organisation) check(doc *yamldoc.Doc) diag.List {
	var errs diag.List
	if o.CompanyNumber != "" && !companyNumber.MatchString(o.CompanyNumber) {
		errs = append(errs, diag.Errorf(doc.Pos("$.organisation.company_number"),
			"company_number %q must be the Companies House number: 8 digits (in quotes, to keep a leading 0, such as \"01234567\") or 2 letters and 6 digits (SC123456)", o.CompanyNumber))
	}
	if strings.ContainsAny(o.RegisteredOffice, "\r\n") {
		errs = append(errs, diag.Errorf(doc.Pos("$.organisation.registered_office"), "registered_office must be one line, the parts of the address separated by commas"))
	}
	return errs
}

// RegisteredIn is the part of the UK whose register holds the company, read
// from its number's prefix as Companies House gives them: SC and SO
// Scotland, NI and NC Northern Ireland, anything else England and Wales.
func (o Organisation) RegisteredIn() string {
	switch {
	case strings.HasPrefix(o.CompanyNumber, "SC"), strings.HasPrefix(o.CompanyNumber, "SO"):
		return "Scotland"
	case strings.HasPrefix(o.CompanyNumber, "NI"), strings.HasPrefix(o.CompanyNumber, "NC"):
		return "Northern Ireland"
	}
	return "England and Wales"
}

// LegalLine is the footer's statement of who runs the site, made of the
// details that are set: "BCS Clinical Services Ltd. Registered in England
// and Wales, company number 01234567. Registered office: 1 High Street,
// London, AB1 2CD." It is "" when none is.
func (o Organisation) LegalLine() string {
	var parts []string
	sentence := func(s string) { parts = append(parts, strings.TrimSuffix(strings.TrimSpace(s), ".")+".") }
	if o.LegalName != "" {
		sentence(o.LegalName)
	}
	if o.CompanyNumber != "" {
		sentence("Registered in " + o.RegisteredIn() + ", company number " + o.CompanyNumber)
	}
	if o.RegisteredOffice != "" {
		sentence("Registered office: " + o.RegisteredOffice)
	}
	return strings.Join(parts, " ")
}
