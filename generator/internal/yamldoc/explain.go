package yamldoc

import (
	"fmt"
	"strings"
)

// The YAML library's syntax errors name the parser's state ("mapping value
// is not allowed in this context"), which a person writing a page cannot act
// on. explain looks at the line the error is on and, for the mistakes hand
// editing makes most, says what is wrong in plain words and shows the line
// written correctly. Anything else keeps the library's words, with a
// reminder of the shape YAML expects.

// explain returns a message for a syntax error msg at line (1-based, in
// src), and the line the mistake is on when it is another one (0: that
// line); "" when it has nothing better to say.
func explain(src []byte, line int, msg string) (string, int) {
	lines := strings.Split(string(src), "\n")
	if line < 1 || line > len(lines) {
		return "", 0
	}
	text := strings.TrimRight(lines[line-1], "\r")
	above := previousLine(lines, line-1)
	switch {
	case strings.HasPrefix(strings.TrimLeft(text, " "), "\t") || strings.Contains(msg, "'\t'"):
		fixed := strings.Repeat(" ", indentOf(above)) + strings.TrimLeft(text, " \t")
		return "this line is indented with a tab, and YAML indents with spaces only. " +
			"Replace the tab with spaces, lining the key up with the line above it:\n    " + fixed, 0
	case strings.Contains(msg, "mapping value is not allowed"):
		if key, value, ok := keyValue(text); ok && (strings.Contains(value, ": ") || strings.HasSuffix(value, ":")) {
			return fmt.Sprintf("the value of %q has a colon followed by a space in it, which YAML reads as the start of another key. "+
				"Put the whole value in double quotes:\n    %s%s: %s", key, strings.Repeat(" ", indentOf(text)), key, quoted(value)), 0
		}
		// The library reports a key indented too deep under a key that has
		// a value at that key's value; the line at fault is the next one.
		if line < len(lines) {
			next := strings.TrimRight(lines[line], "\r")
			if _, value, ok := keyValue(text); ok && value != "" && indentOf(next) > keyColumn(text) {
				if nk, _, ok := keyValue(next); ok {
					return fmt.Sprintf("%q is indented %s, but %q on the line above it is indented %d: keys of one block line up exactly, "+
						"and a key indented deeper would belong to the one above, which already has a value. Write:\n    %s",
						nk, spaces(indentOf(next)), keyOf(text), keyColumn(text), strings.Repeat(" ", keyColumn(text))+strings.TrimLeft(next, " ")), line + 1
				}
			}
		}
		// A line out of step with a key above it that has its value (so
		// the line cannot be that key's child).
		if _, v, ok := keyValue(above); ok && v != "" && indentOf(text) != keyColumn(above) {
			return fmt.Sprintf("this line is indented %s, but %q on the line above it, in the same block, is indented %d: keys of one block line up exactly. Write:\n    %s",
				spaces(indentOf(text)), keyOf(above), keyColumn(above), strings.Repeat(" ", keyColumn(above))+strings.TrimLeft(text, " ")), 0
		}
	case strings.Contains(msg, "could not find expected ':'") || strings.Contains(msg, "unexpected key name"):
		return "YAML expects each line to be a key, a colon and a space, then the value (title: My page). " +
			"Check this line and the one above it for a missing colon, or a value that runs onto the next line (quote it, or start it with | and indent it)", 0
	}
	return "", 0
}

// spaces is n spaces, in words.
func spaces(n int) string {
	if n == 1 {
		return "1 space"
	}
	return fmt.Sprintf("%d spaces", n)
}

// previousLine is the last line before index i that is neither blank nor a
// comment, or "".
func previousLine(lines []string, i int) string {
	for j := i - 1; j >= 0; j-- {
		t := strings.TrimSpace(lines[j])
		if t != "" && !strings.HasPrefix(t, "#") && t != "---" {
			return strings.TrimRight(lines[j], "\r")
		}
	}
	return ""
}

// indentOf is the number of spaces a line starts with.
func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// keyColumn is where the key of a line starts: after its indent and, on a
// list item ("  - heading: A"), after the dash and its space.
func keyColumn(s string) int {
	n := indentOf(s)
	rest := s[n:]
	for strings.HasPrefix(rest, "- ") {
		rest = rest[2:]
		n += 2
		k := len(rest) - len(strings.TrimLeft(rest, " "))
		rest, n = rest[k:], n+k
	}
	return n
}

// keyValue splits a line "  key: value" (a list item's dash included in the
// indent) at its first colon and space.
func keyValue(s string) (key, value string, ok bool) {
	rest := s[keyColumn(s):]
	key, value, ok = strings.Cut(rest, ":")
	if !ok || strings.ContainsAny(key, " \t\"'") || key == "" {
		return "", "", false
	}
	return key, strings.TrimSpace(value), true
}

// keyOf is a line's key, or the line itself when it has none.
func keyOf(s string) string {
	if k, _, ok := keyValue(s); ok {
		return k
	}
	return strings.TrimSpace(s)
}

// quoted is value in YAML double quotes, its backslashes and quotes escaped.
func quoted(value string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(value) + `"`
}
