package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"github.com/yuin/goldmark/ast"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bcs/publish/generator/internal/markdown"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const sample = `## Purpose

A paragraph with *emphasis*, **strong**, ` + "`code`" + `, ~~struck~~, a [site link](/contact/), an [external link](https://www.nice.org.uk/guidance/qs120) and escaped \*stars\* & "quotes".
A soft line break.

1. First step
2. Second step
   - nested bullet
   - another
3. Third step

Between the lists.

4. A second ordered list, starting at four
5. Five

- A bullet

| Drug | Interval |
| --- | --- |
| lithium | every 3 months |
| warfarin \| INR | at least every 12 weeks |

> A quoted note.

---

### Subheading

Lithium levels every 3 months.[^sps] Amiodarone is different.[^nice] Again lithium.[^sps]

Patient name: [[text: Patient name]] Date: [[date: Date of review]]

- [[check: Lying and standing BP]] Lying and standing blood pressure

[[notes: What matters to the patient]]

[^sps]: Specialist Pharmacy Service. *Lithium monitoring*. <https://www.sps.nhs.uk/monitorings/lithium-monitoring/>
[^nice]: NICE. A second note.
`

func render(t *testing.T) []byte {
	t.Helper()
	md := markdown.New()
	src := markdown.Source{File: "sample.md", Line: 1, Col: 1, Text: []byte(sample)}
	tree, err := md.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	data, err := Write(src.Text, tree, Meta{
		Title: "Sample SOP", Subject: "A test", Author: "BCS", Header: "Sample SOP | NHS Test ICB | Version 1.0.0",
		Footer: "Uncontrolled when printed",
		Logo:   []byte("\x89PNG\r\n\x1a\n not a real image"), LogoAlt: "BCS",
		Control: [][2]string{{"Title", "Sample SOP"}, {"Version", "1.0.0"}, {"Practice", ""}},
		History: [][3]string{{"1.0.0", "26 November 2026", "First release."}},
		SignOff: []string{"GP partner", "Practice manager"},
		Date:    time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), BaseURL: "https://www.example.org/",
	})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// parts reads every part of a .docx.
func parts(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = b
	}
	return out
}

// normalise prints XML one element per line, indented, attributes as
// written, so golden diffs are readable. It fails on malformed XML.
func normalise(t *testing.T, data []byte) []byte {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	var b bytes.Buffer
	name := func(n xml.Name) string {
		if n.Space != "" {
			return n.Space + ":" + n.Local
		}
		return n.Local
	}
	depth := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			b.WriteString(strings.Repeat("  ", depth) + "<" + name(tok.Name))
			for _, a := range tok.Attr {
				fmt.Fprintf(&b, " %s=%q", name(a.Name), a.Value)
			}
			b.WriteString(">\n")
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if len(bytes.TrimSpace(tok)) > 0 || bytes.Contains(tok, []byte(" ")) {
				fmt.Fprintf(&b, "%s%q\n", strings.Repeat("  ", depth), string(tok))
			}
		}
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	p := parts(t, render(t))
	for _, name := range []string{"word/document.xml", "word/numbering.xml", "word/_rels/document.xml.rels", "word/header1.xml", "word/_rels/header1.xml.rels", "word/footer1.xml", "word/endnotes.xml", "word/settings.xml", "docProps/core.xml", "[Content_Types].xml"} {
		got := normalise(t, p[name])
		golden := filepath.Join("testdata", strings.NewReplacer("/", "_", "[", "", "]", "").Replace(name)+".golden")
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (go test -update rewrites it after review)", name, golden)
		}
	}
}

func TestStructure(t *testing.T) {
	data := render(t)
	if !bytes.Equal(data, render(t)) {
		t.Fatal("two renders differ")
	}
	p := parts(t, data)
	for name, b := range p {
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			normalise(t, b) // fails on malformed XML
		}
	}
	doc := string(p["word/document.xml"])
	for _, want := range []string{
		`<w:pStyle w:val="Title"/></w:pPr><w:r><w:t xml:space="preserve">Sample SOP</w:t>`,
		`<w:pStyle w:val="Heading1"/>`, `<w:pStyle w:val="Heading2"/>`,
		`<w:numId w:val="1"/>`, `<w:ilvl w:val="1"/><w:numId w:val="2"/>`, `<w:numId w:val="3"/>`, `<w:numId w:val="4"/>`,
		`<w:tblHeader/>`, `warfarin | INR`, `escaped *stars* &amp; `, `<w:rStyle w:val="CodeChar"/>`, `<w:strike/>`,
		`<w:headerReference w:type="default" r:id="rIdHeader"/>`, `<w:footerReference w:type="default" r:id="rIdFooter"/>`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	num := string(p["word/numbering.xml"])
	if !strings.Contains(num, `<w:num w:numId="1"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>`) ||
		!strings.Contains(num, `<w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="4"/>`) {
		t.Errorf("ordered lists do not restart:\n%s", num)
	}
	rels := string(p["word/_rels/document.xml.rels"])
	for _, want := range []string{`Target="https://www.example.org/contact/" TargetMode="External"`, `Target="https://www.nice.org.uk/guidance/qs120" TargetMode="External"`} {
		if !strings.Contains(rels, want) {
			t.Errorf("relationships lack %s", want)
		}
	}
	if f := string(p["word/footer1.xml"]); !strings.Contains(f, `w:instr=" PAGE \* MERGEFORMAT "`) || !strings.Contains(f, `w:instr=" NUMPAGES \* MERGEFORMAT "`) {
		t.Error("the footer has no Page X of Y fields")
	}
}

// TestFieldsAndNotes checks the parts a form and its references rest on:
// each field is a content control of its kind, each footnote an endnote
// cited once by its mark and after that by a NOTEREF to the same number.
func TestFieldsAndNotes(t *testing.T) {
	p := parts(t, render(t))
	doc := string(p["word/document.xml"])
	for _, want := range []string{
		`<w:alias w:val="Patient name"/><w:tag w:val="patient-name"/>`, `<w:text/>`,
		`<w:alias w:val="Date of review"/>`, `<w:dateFormat w:val="dd/MM/yyyy"/>`,
		`<w:alias w:val="Lying and standing BP"/>`, `<w14:checkbox>`,
		`<w:alias w:val="What matters to the patient"/>`, `<w:text w:multiLine="1"/>`,
		`<w:alias w:val="Practice"/>`, // the empty control-table value
		`<w:alias w:val="Name: GP partner"/>`, `<w:alias w:val="Date signed: Practice manager"/>`,
		`Version history`, `First release.`, `Approval for use at the practice`,
		`<w:endnoteReference w:id="1"/>`, `<w:endnoteReference w:id="2"/>`,
		`<w:bookmarkStart w:id="1" w:name="_RefNote1"/>`, `w:instr=" NOTEREF _RefNote1 \f \h "`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	if n := strings.Count(doc, `<w:endnoteReference w:id="1"/>`); n != 1 {
		t.Errorf("endnote 1 has %d reference marks, want 1 (later citations are NOTEREF fields)", n)
	}
	if strings.Contains(doc, "\u21a9") || strings.Contains(doc, "[[") {
		t.Error("document.xml carries a web page's backlink or an unread field")
	}
	notes := string(p["word/endnotes.xml"])
	for _, want := range []string{`<w:endnote w:id="1"><w:p><w:pPr><w:pStyle w:val="EndnoteText"/>`, `<w:endnoteRef/>`, "Lithium monitoring", `<w:endnote w:id="2">`, "A second note."} {
		if !strings.Contains(notes, want) {
			t.Errorf("endnotes.xml lacks %s", want)
		}
	}
	if !strings.Contains(string(p["word/header1.xml"]), `<a:blip r:embed="rIdLogo"/>`) || string(p["word/media/logo.png"][:4]) != "\x89PNG" {
		t.Error("the header has no logo")
	}
	if f := string(p["word/footer1.xml"]); !strings.Contains(f, "Uncontrolled when printed") {
		t.Error("the footer does not say the printed copy is uncontrolled")
	}
}

// TestBadField: a field of an unknown kind, without a label or not closed
// is an error at its line and column.
func TestBadField(t *testing.T) {
	md := markdown.New()
	for src, want := range map[string]string{
		"Intro\n\nName [[text]]\n": "bad.md:3:6: a text field needs a label",
		"[[notes:  ]]\n":           "bad.md:1:1: a notes field needs a label",
		"See [[date: Day\n":        "bad.md:1:5: a form field started with [[date is not closed",
	} {
		_, err := md.Parse(markdown.Source{File: "bad.md", Line: 1, Col: 1, Text: []byte(src)})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %s", src, err, want)
		}
	}
}

// mystery nodes stand for a kind a future Markdown extension might add.
type mysteryInline struct{ ast.BaseInline }

var kindMysteryInline = ast.NewNodeKind("MysteryInline")

func (n *mysteryInline) Kind() ast.NodeKind         { return kindMysteryInline }
func (n *mysteryInline) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }
func (n *mysteryBlock) Kind() ast.NodeKind          { return kindMysteryBlock }
func (n *mysteryBlock) Dump(src []byte, level int)  { ast.DumpHelper(n, src, level, nil, nil) }
func (n *mysteryBlock) IsRaw() bool                 { return false }
func (n *mysteryBlock) HasBlankPreviousLines() bool { return false }
func (n *mysteryBlock) SetBlankPreviousLines(bool)  {}

type mysteryBlock struct{ ast.BaseBlock }

var kindMysteryBlock = ast.NewNodeKind("MysteryBlock")

// TestUnknownNodeKindIsAnError: a node kind without a Word rendering stops
// the document with its kind named, rather than vanishing from it (or, as
// before, being flattened to its text).
func TestUnknownNodeKindIsAnError(t *testing.T) {
	for _, tc := range []struct {
		where string
		add   func(doc ast.Node)
		want  string
	}{
		{"inline, in a paragraph", func(doc ast.Node) { doc.FirstChild().AppendChild(doc.FirstChild(), &mysteryInline{}) }, "no Word rendering for a MysteryInline in the text"},
		{"inline, in a link", func(doc ast.Node) {
			ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
				if l, ok := n.(*ast.Link); ok && entering {
					l.AppendChild(l, &mysteryInline{})
				}
				return ast.WalkContinue, nil
			})
		}, "no Word rendering for a MysteryInline in the text"},
		{"block", func(doc ast.Node) { doc.AppendChild(doc, &mysteryBlock{}) }, "no Word rendering for a MysteryBlock block"},
	} {
		src := []byte("Some text and [a link](https://example.org/).\n")
		doc, err := markdown.New().Parse(markdown.Source{File: "x.md", Line: 1, Col: 1, Text: src})
		if err != nil {
			t.Fatal(err)
		}
		tc.add(doc)
		_, err = Write(src, doc, Meta{Title: "T", Date: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.where, err, tc.want)
		}
	}
}
