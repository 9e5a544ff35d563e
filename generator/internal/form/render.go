package form

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
)

//go:embed form.html
var markup string

var tmpl = template.Must(template.New("form").Option("missingkey=error").Parse(markup))

// State is what the form shows: the user's answers and the problems found.
// The zero State is the empty form.
type State struct {
	Values Values
	Errors []FieldError
}

// HTML is a rendered form: the error summary (empty without errors), which
// belongs at the top of the page's main content, and the form itself.
type HTML struct {
	Summary template.HTML
	Form    template.HTML
}

type view struct {
	ID, Action, Thanks, Submit, Trap, TrapID string
	Rules                                    string // the client-side checks, as JSON
	Fields                                   []fieldView
	Errors                                   []summaryItem
}

type fieldView struct {
	Field
	ID           string
	Value        string
	Error        string
	DescribedBy  string
	NoSpellcheck bool
	Options      []optionView // radios
	Groups       []groupView  // select
}

type optionView struct {
	Option
	ID      string
	Checked bool
}

type groupView struct {
	Label   string
	Options []optionView
}

type summaryItem struct{ Target, Message string }

// rule is what the browser script needs to check a field the way Validate
// does; the server checks again in any case.
type rule struct {
	Name      string   `json:"name"`
	Type      string   `json:"type"`
	ID        string   `json:"id"`
	Required  bool     `json:"required,omitempty"`
	MaxLength int      `json:"max"`
	Pattern   string   `json:"pattern,omitempty"`
	Uppercase bool     `json:"uppercase,omitempty"`
	Messages  Messages `json:"messages"`
	Unusable  string   `json:"unusable"` // a control character (unusableMessage)
	Bidi      string   `json:"bidi"`     // a text-direction control (bidiMessage)
}

// newRule is the browser's copy of field fd's checks; its input has id id.
func newRule(fd *Field, id string) rule {
	return rule{Name: fd.Name, Type: fd.Type, ID: id, Required: fd.Required, MaxLength: fd.MaxLength, Pattern: fd.Pattern,
		Uppercase: fd.Uppercase, Messages: fd.Messages, Unusable: unusableMessage(fd), Bidi: bidiMessage(fd)}
}

// Render renders the form in state s.
func (f *Form) Render(s State) (HTML, error) {
	d := &f.Def
	v := view{ID: d.ID, Action: d.Action, Thanks: d.Thanks, Submit: d.Submit, Trap: d.Trap, TrapID: f.inputID(d.Trap)}
	errs := map[string]string{}
	for _, e := range s.Errors {
		if _, dup := errs[e.Field]; !dup {
			errs[e.Field] = e.Message
		}
	}
	var rules []rule
	for _, fd := range d.Fields {
		fv := fieldView{Field: fd, ID: f.inputID(fd.Name), Value: s.Values[fd.Name], Error: errs[fd.Name], NoSpellcheck: fd.Type == Email || fd.Uppercase}
		if fv.Width == "" {
			fv.Width = "full"
		}
		var described []string
		if fd.Hint != "" {
			described = append(described, fv.ID+"-hint")
		}
		if fv.Error != "" {
			described = append(described, fv.ID+"-error")
		}
		fv.DescribedBy = strings.Join(described, " ")
		for i, o := range fd.Options {
			ov := optionView{Option: o, ID: fv.ID, Checked: o.Value == fv.Value}
			if i > 0 {
				ov.ID = fmt.Sprintf("%s-%d", fv.ID, i+1)
			}
			fv.Options = append(fv.Options, ov)
			if n := len(fv.Groups); n == 0 || fv.Groups[n-1].Label != o.Group {
				fv.Groups = append(fv.Groups, groupView{Label: o.Group})
			}
			g := &fv.Groups[len(fv.Groups)-1]
			g.Options = append(g.Options, ov)
		}
		v.Fields = append(v.Fields, fv)
		rules = append(rules, newRule(&fd, fv.ID))
	}
	for _, e := range s.Errors {
		target := "main-content"
		if _, ok := f.Field(e.Field); ok {
			target = f.inputID(e.Field)
		}
		v.Errors = append(v.Errors, summaryItem{Target: target, Message: e.Message})
	}
	b, err := json.Marshal(rules)
	if err != nil {
		return HTML{}, err
	}
	v.Rules = string(b)
	var summary, form bytes.Buffer
	if err := tmpl.ExecuteTemplate(&summary, "summary", v); err != nil {
		return HTML{}, err
	}
	if err := tmpl.ExecuteTemplate(&form, "form", v); err != nil {
		return HTML{}, err
	}
	return HTML{Summary: template.HTML(summary.String()), Form: template.HTML(form.String())}, nil
}
