package statichost

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"

	"github.com/bcs/publish/generator/internal/diag"
)

// pattern is a path pattern of _headers and _redirects, matched against the
// whole (cleaned, decoded) request path, case-sensitively: literal text, at
// most one splat `*` matching any characters including slashes (possibly
// none), and `:name` placeholders, each matching one non-empty path segment.
type pattern struct {
	src string
	re  *regexp.Regexp
}

// compilePattern parses a pattern; the error says what is wrong with it.
func compilePattern(src string) (pattern, error) {
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		return pattern{}, fmt.Errorf("%q: patterns with a host are not supported; give the path only", src)
	}
	if !strings.HasPrefix(src, "/") {
		return pattern{}, fmt.Errorf("%q: a path pattern starts with /", src)
	}
	var re strings.Builder
	re.WriteString("^")
	seen := map[string]bool{}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '*':
			if seen["splat"] {
				return pattern{}, fmt.Errorf("%q: more than one *", src)
			}
			seen["splat"] = true
			re.WriteString(`(?P<splat>.*)`)
		case c == ':' && src[i-1] == '/' && i+1 < len(src) && isLetter(src[i+1]):
			j := i + 1
			for j < len(src) && (isLetter(src[j]) || src[j] >= '0' && src[j] <= '9' || src[j] == '_') {
				j++
			}
			name := src[i+1 : j]
			if seen[name] {
				return pattern{}, fmt.Errorf("%q: :%s given twice", src, name)
			}
			seen[name] = true
			re.WriteString(`(?P<` + name + `>[^/]+)`)
			i = j - 1
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString("$")
	return pattern{src: src, re: regexp.MustCompile(re.String())}, nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// match reports whether p matches the whole path, with the values of the
// splat (as "splat") and of the placeholders.
func (p pattern) match(path string) (map[string]string, bool) {
	m := p.re.FindStringSubmatch(path)
	if m == nil {
		return nil, false
	}
	vals := map[string]string{}
	for i, name := range p.re.SubexpNames() {
		if name != "" {
			vals[name] = m[i]
		}
	}
	return vals, true
}

// headerRule is one block of _headers: a pattern and the headers it adds,
// in file order.
type headerRule struct {
	pattern pattern
	line    int         // of the pattern in _headers
	headers [][2]string // canonical name, value
}

// parseHeaders reads a _headers file (Netlify and Cloudflare Pages format):
//
//	# a comment
//	/pattern
//	  Name: value
//	  Other-Name: value
//
// A pattern line starts at the beginning of its line with /; its header
// lines are indented. Blank lines and lines starting with # are skipped.
// Anything else, a pattern without headers, and an invalid header name or
// value are errors at their line of file (the name errors carry). Hosts'
// extras that the build does not write (detaching a header with "! Name",
// absolute URLs as patterns, placeholders in values) are refused as errors
// rather than misread.
func parseHeaders(file string, data []byte) ([]headerRule, error) {
	var rules []headerRule
	var errs diag.List
	state := noPattern // what the header lines that follow belong to
	for i, line := range lines(data) {
		at := diag.Pos{File: file, Line: i + 1}
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case !isIndent(line[0]):
			if state == inPattern {
				errs = append(errs, noHeaders(file, rules[len(rules)-1]))
			}
			p, err := patternLine(trimmed)
			if err != nil {
				errs = append(errs, diag.Errorf(at, "%v", err))
				state = badPattern
				continue
			}
			rules = append(rules, headerRule{pattern: p, line: at.Line})
			state = inPattern
		case state == noPattern:
			errs = append(errs, diag.Errorf(at, "header %q comes before any path pattern", trimmed))
		case state == badPattern: // already reported at its pattern
		default:
			name, value, err := parseHeaderLine(trimmed)
			state = inHeaders
			if err != nil {
				errs = append(errs, diag.Errorf(at, "%v", err))
				continue
			}
			r := &rules[len(rules)-1]
			r.headers = append(r.headers, [2]string{name, value})
		}
	}
	if state == inPattern {
		errs = append(errs, noHeaders(file, rules[len(rules)-1]))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return rules, nil
}

// The states of parseHeaders between lines.
const (
	noPattern  = iota // no pattern yet
	badPattern        // the last pattern was invalid (and reported)
	inPattern         // a valid pattern without headers yet
	inHeaders         // a valid pattern with at least one header (valid or reported)
)

// patternLine is the pattern a _headers line gives: the path alone.
func patternLine(s string) (pattern, error) {
	if strings.ContainsFunc(s, isSpace) {
		return pattern{}, fmt.Errorf("%q: a pattern line holds only the path; put each header on an indented line below it", s)
	}
	return compilePattern(s)
}

func noHeaders(file string, r headerRule) *diag.Error {
	return diag.Errorf(diag.Pos{File: file, Line: r.line}, "%s has no headers under it", r.pattern.src)
}

// parseHeaderLine splits "Name: value" and checks both halves.
func parseHeaderLine(s string) (name, value string, err error) {
	if strings.HasPrefix(s, "!") {
		return "", "", fmt.Errorf("%q: detaching a header (!) is not supported", s)
	}
	name, value, ok := strings.Cut(s, ":")
	if !ok {
		return "", "", fmt.Errorf("%q: want Name: value", s)
	}
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	switch {
	case !httpguts.ValidHeaderFieldName(name):
		return "", "", fmt.Errorf("%q is not a valid header name", name)
	case value == "":
		return "", "", fmt.Errorf("header %s has no value", name)
	case !httpguts.ValidHeaderFieldValue(value):
		return "", "", fmt.Errorf("header %s: the value holds control characters", name)
	}
	return http.CanonicalHeaderKey(name), value, nil
}

// headersFor is what the rules add to a response for path: every matching
// rule's headers, in file order. A header several rules give is sent once,
// with their values joined by ", " (as Netlify and Cloudflare Pages do),
// leaving out a value already there (two rules both sending nosniff send
// it once).
func headersFor(rules []headerRule, path string) http.Header {
	h := http.Header{}
	for _, r := range rules {
		if _, ok := r.pattern.match(path); !ok {
			continue
		}
		for _, nv := range r.headers {
			if !slices.Contains(h[nv[0]], nv[1]) {
				h[nv[0]] = append(h[nv[0]], nv[1])
			}
		}
	}
	for name, vals := range h {
		h[name] = []string{strings.Join(vals, ", ")}
	}
	return h
}

// redirectRule is one line of _redirects.
type redirectRule struct {
	from   pattern
	to     string // a path or an http(s) URL, with :splat and :placeholders to fill in
	status int
}

// parseRedirects reads a _redirects file, the format bcs build writes and
// Netlify and Cloudflare Pages read: "from to [status]" per line, the status
// 301 when left out; # starts a comment line. A from with a trailing
// slash also matches the path without it, and the reverse (Netlify's
// normalisation). Only redirects are supported (301, 302, 303, 307, 308,
// optionally forced with Netlify's "!"); rewrites (200), custom 404s and
// conditions (Country=...) are errors at their line, not silently ignored.
func parseRedirects(file string, data []byte) ([]redirectRule, error) {
	var rules []redirectRule
	var errs diag.List
	for i, line := range lines(data) {
		at := diag.Pos{File: file, Line: i + 1}
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) < 2 || len(f) > 3 {
			errs = append(errs, diag.Errorf(at, "want \"from to [status]\", found %d fields", len(f)))
			continue
		}
		from, err := compilePattern(f[0])
		if err != nil {
			errs = append(errs, diag.Errorf(at, "%v", err))
			continue
		}
		if err := checkTarget(f[1]); err != nil {
			errs = append(errs, diag.Errorf(at, "%v", err))
			continue
		}
		status := http.StatusMovedPermanently
		if len(f) == 3 {
			status, err = strconv.Atoi(strings.TrimSuffix(f[2], "!"))
			if err != nil || !isRedirect(status) {
				errs = append(errs, diag.Errorf(at, "status %q: only redirects (301, 302, 303, 307, 308) are supported", f[2]))
				continue
			}
		}
		rules = append(rules, redirectRule{from: from, to: f[1], status: status})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return rules, nil
}

func isRedirect(status int) bool {
	return slices.Contains([]int{301, 302, 303, 307, 308}, status)
}

// checkTarget accepts a site path or an absolute http(s) URL.
func checkTarget(to string) error {
	if strings.HasPrefix(to, "/") && !strings.HasPrefix(to, "//") {
		return nil
	}
	if u, err := url.Parse(to); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return nil
	}
	return fmt.Errorf("target %q: want a path starting with / or an http(s) URL", to)
}

// redirectFor is where the first rule matching path sends it, and with
// which status; ok is false when no rule matches. The request's query is
// kept unless the target has its own.
func redirectFor(rules []redirectRule, path, rawQuery string) (loc string, status int, ok bool) {
	for _, r := range rules {
		vals, ok := r.from.match(path)
		if !ok && path != "/" {
			vals, ok = r.from.match(toggleSlash(path))
		}
		if !ok {
			continue
		}
		loc = fill(r.to, vals)
		if rawQuery != "" && !strings.Contains(loc, "?") {
			loc += "?" + rawQuery
		}
		return loc, r.status, true
	}
	return "", 0, false
}

// toggleSlash adds a trailing slash to path, or takes it away.
func toggleSlash(path string) string {
	if s, ok := strings.CutSuffix(path, "/"); ok {
		return s
	}
	return path + "/"
}

var placeholder = regexp.MustCompile(`:[A-Za-z][A-Za-z0-9_]*`)

// fill puts the matched values into a target, escaped for a URL path. A
// local target never comes out starting with // (which a browser would read
// as another host), whatever was matched.
func fill(to string, vals map[string]string) string {
	out := placeholder.ReplaceAllStringFunc(to, func(p string) string {
		v, ok := vals[p[1:]]
		if !ok {
			return p
		}
		segs := strings.Split(v, "/")
		for i, s := range segs {
			segs[i] = url.PathEscape(s)
		}
		return strings.Join(segs, "/")
	})
	if strings.HasPrefix(to, "/") {
		out = "/" + strings.TrimLeft(out, "/")
	}
	return out
}

// lines splits a file into its lines, without line ends (\n or \r\n).
func lines(data []byte) []string {
	out := strings.Split(string(data), "\n")
	for i, l := range out {
		out[i] = strings.TrimSuffix(l, "\r")
	}
	return out
}

func isIndent(c byte) bool { return c == ' ' || c == '\t' }
func isSpace(r rune) bool  { return r == ' ' || r == '\t' }
