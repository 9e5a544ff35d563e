package form

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Values are a submission's answers by field name, normalised (trimmed of
// invisible characters, line endings made \n, codes upper-cased).
// Unanswered fields, and answers with no visible character, are absent.
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
	if strings.TrimFunc(post.Get(f.Def.Trap), invisible) != "" {
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
// problem, or "". A text-direction control is looked for before trimming,
// so that one at either end is refused rather than quietly dropped.
func (f *Form) check(fd *Field, v string) (string, string) {
	if !utf8.ValidString(v) {
		return strings.ToValidUTF8(v, "\uFFFD"), fd.Label + ": the answer contains characters that are not valid text; type it again"
	}
	if strings.ContainsFunc(v, bidiControl) {
		return normalise(fd, v), bidiMessage(fd)
	}
	v = normalise(fd, v)
	for _, r := range v {
		if unicode.IsControl(r) && !(fd.Type == Textarea && (r == '\n' || r == '\t')) || r == '\uFFFD' {
			return v, unusableMessage(fd)
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

// unusableMessage is the message for an answer holding a control character
// (or U+FFFD, what a browser sends for a broken one).
func unusableMessage(fd *Field) string {
	return fd.Label + ": the answer contains a character that cannot be used; type it again"
}

// bidiMessage is the message for an answer holding a text-direction control.
func bidiMessage(fd *Field) string {
	return fd.Label + ": the answer contains a hidden character that changes the direction of text, which cannot be used; type the answer again rather than pasting it"
}

// normalise trims an answer, makes its line endings \n and upper-cases codes.
// The browser script (assets/js/form.js) does the same before its own checks.
func normalise(fd *Field, v string) string {
	if fd.Type == Textarea {
		v = strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\r", "\n")
	}
	v = strings.TrimFunc(v, invisible)
	if fd.Uppercase {
		v = strings.ToUpper(v)
	}
	return v
}

// invisible reports whether r shows nothing by itself: Unicode White_Space
// (spaces, U+00A0 NO-BREAK SPACE, U+3000), a format character (category Cf:
// U+200B ZERO WIDTH SPACE, U+2060 WORD JOINER, U+FEFF, U+180E, U+200C and
// U+200D, U+00AD SOFT HYPHEN) or another default-ignorable code point (a
// variation selector, a Hangul filler, U+034F). They are trimmed from both
// ends of an answer, so one made only of them is empty and fails "required"
// instead of storing a blank. Inside an answer they stay: a joiner there
// can be part of a name or an emoji. The browser script's pattern,
// [\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}], is the same set
// (Default_Ignorable_Code_Point is derived from the tables used here).
func invisible(r rune) bool {
	return unicode.In(r, unicode.White_Space, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// bidiControl reports whether r is one of the characters that change the
// direction of the text after them (Unicode Bidi_Control: the embeddings
// and overrides U+202A-U+202E, the isolates U+2066-U+2069 and the marks
// U+200E, U+200F and U+061C). In an answer they can make what the team
// reads differ from what was typed, so an answer holding one is refused.
func bidiControl(r rune) bool { return unicode.Is(unicode.Bidi_Control, r) }

// clip shortens a user-supplied string for an error message.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}
