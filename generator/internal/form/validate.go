package form

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Values are a submission's answers by field name, normalised (trimmed,
// line endings made \n, codes upper-cased). Unanswered fields are absent.
type Values map[string]string

// FieldError is a problem with one answer, in words for the user.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Result is the outcome of validating one post.
type Result struct {
	Values Values       // every answer, as the form shows it again
	Errors []FieldError // in the order of the fields; empty when the post is good
	Spam   bool         // the spam trap was filled: answer as if all went well, keep nothing
}

// OK reports whether the post can be stored.
func (r *Result) OK() bool { return len(r.Errors) == 0 && !r.Spam }

// RequestError is a post that no browser filling this form would send
// (unknown fields, a field sent twice). It is answered 400 and not shown to
// the user field by field.
type RequestError struct{ Msg string }

func (e *RequestError) Error() string { return e.Msg }

// Validate checks a decoded post against the form. A post that no form in a
// browser could have sent is a *RequestError; otherwise every problem is a
// FieldError in Result, and the answers are kept (made valid UTF-8) so the
// form can show them again.
func (f *Form) Validate(post url.Values) (*Result, error) {
	for name, vs := range post {
		_, known := f.Field(name)
		switch {
		case !known && name != f.Def.Trap:
			return nil, &RequestError{Msg: fmt.Sprintf("the form has no field called %q", clip(name))}
		case len(vs) > 1:
			return nil, &RequestError{Msg: fmt.Sprintf("the field %q was sent %d times", name, len(vs))}
		}
	}
	r := &Result{Values: Values{}}
	if strings.TrimSpace(post.Get(f.Def.Trap)) != "" {
		r.Spam = true
	}
	for i := range f.Def.Fields {
		fd := &f.Def.Fields[i]
		raw, sent := post[fd.Name]
		v := ""
		if sent {
			v = raw[0]
		}
		v, msg := f.check(fd, v)
		if v != "" {
			r.Values[fd.Name] = v
		}
		if msg != "" {
			r.Errors = append(r.Errors, FieldError{Field: fd.Name, Message: msg})
		}
	}
	return r, nil
}

// check normalises one answer and returns it with the message of its first
// problem, or "".
func (f *Form) check(fd *Field, v string) (string, string) {
	if !utf8.ValidString(v) {
		return strings.ToValidUTF8(v, "\uFFFD"), fd.Label + ": the answer contains characters that are not valid text; type it again"
	}
	v = normalise(fd, v)
	for _, r := range v {
		if unicode.IsControl(r) && !(fd.Type == Textarea && (r == '\n' || r == '\t')) || r == '\uFFFD' {
			return v, fd.Label + ": the answer contains a character that cannot be used; type it again"
		}
	}
	switch {
	case v == "" && fd.Required:
		return v, fd.Messages.Required
	case v == "":
		return v, ""
	case utf8.RuneCountInString(v) > fd.MaxLength:
		return v, fd.Messages.TooLong
	}
	switch fd.Type {
	case Select, Radios:
		if !slices.ContainsFunc(fd.Options, func(o Option) bool { return o.Value == v }) {
			return "", fd.Messages.Required
		}
	case Checkbox:
		if v != Checked {
			return "", fd.Messages.Required
		}
	}
	if re := f.patterns[fd.Name]; re != nil && !re.MatchString(v) {
		return v, fd.Messages.Format
	}
	return v, ""
}

// normalise trims an answer, makes its line endings \n and upper-cases codes.
// The browser script does the same before its own checks.
func normalise(fd *Field, v string) string {
	if fd.Type == Textarea {
		v = strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\r", "\n")
	}
	v = strings.TrimSpace(v)
	if fd.Uppercase {
		v = strings.ToUpper(v)
	}
	return v
}

// clip shortens a user-supplied string for an error message.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}
