package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
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
		Control: [][2]string{{"Title", "Sample SOP"}, {"Version", "1.0.0"}},
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
	for _, name := range []string{"word/document.xml", "word/numbering.xml", "word/_rels/document.xml.rels", "word/header1.xml", "word/footer1.xml", "docProps/core.xml", "[Content_Types].xml"} {
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
