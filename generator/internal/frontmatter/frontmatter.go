// Package frontmatter splits a Markdown file into its YAML front matter and
// its body, and decodes the front matter strictly (see package yamldoc).
//
// A file must start with a line "---" (trailing blanks allowed); the front
// matter ends at the next such line. A UTF-8 byte order mark and CRLF line endings are
// accepted. A file without front matter is an error, because every page needs
// at least a title and a description.
package frontmatter

import (
	"bytes"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/yamldoc"
)

// Parts is a split source file. Line numbers are 1-based lines of the file.
type Parts struct {
	Front     []byte // YAML between the delimiters
	FrontLine int    // line of the first YAML line
	Body      []byte // Markdown after the closing delimiter
	BodyLine  int    // line of the first body line
}

var bom = []byte("\xef\xbb\xbf")

// Split separates front matter from body. file is used only in errors.
func Split(file string, src []byte) (Parts, error) {
	src = normalizeNewlines(bytes.TrimPrefix(src, bom))
	line, rest, _ := cutLine(src)
	if !isDelimiter(line) {
		return Parts{}, diag.Errorf(diag.Pos{File: file, Line: 1, Col: 1},
			`missing front matter: the file must start with a line "---", then YAML (title, description, ...), then "---"`)
	}
	front := rest
	n := 2 // line number of the current line in rest
	for len(rest) > 0 {
		l, next, _ := cutLine(rest)
		if isDelimiter(l) {
			return Parts{
				Front:     front[:len(front)-len(rest)],
				FrontLine: 2,
				Body:      next,
				BodyLine:  n + 1,
			}, nil
		}
		rest = next
		n++
	}
	return Parts{}, diag.Errorf(diag.Pos{File: file, Line: 1, Col: 1},
		`front matter is not closed: add a line "---" after the YAML`)
}

// normalizeNewlines turns CRLF and lone CR line endings into LF, so that the
// lines counted here are the lines YAML and editors count.
func normalizeNewlines(b []byte) []byte {
	if !bytes.Contains(b, []byte("\r")) {
		return b
	}
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
}

// isDelimiter reports whether line is "---", ignoring trailing blanks.
func isDelimiter(line []byte) bool {
	return string(bytes.TrimRight(line, " \t")) == "---"
}

// cutLine returns the first line of b without its line ending, the rest of b
// after it, and whether a line ending was found.
func cutLine(b []byte) (line, rest []byte, ok bool) {
	return bytes.Cut(b, []byte("\n"))
}

// Decode splits src and decodes its front matter strictly into v. It returns
// the split parts and the YAML document for position look-ups.
func Decode(file string, src []byte, v any) (Parts, *yamldoc.Doc, error) {
	p, err := Split(file, src)
	if err != nil {
		return p, nil, err
	}
	doc, err := yamldoc.Decode(file, p.Front, p.FrontLine-1, v)
	return p, doc, err
}
