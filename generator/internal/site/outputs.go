package site

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/images"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/form"
	"github.com/bcs/publish/generator/internal/page"
)

// StaticTypes are the only files besides Markdown that content/ may hold,
// each published as it is, and why a marketing site needs it. Anything
// else (a page written in HTML, a script, a stylesheet, a data file, a
// host's configuration) could run code on the site or change how the host
// serves it, so it is refused.
var StaticTypes = map[string]string{
	".png": "images", ".jpg": "images", ".jpeg": "images", ".gif": "images", ".webp": "images", ".avif": "images",
	".svg":  "images, checked for scripts and event handlers",
	".ico":  "a favicon",
	".pdf":  "documents to download (leaflets, case studies)",
	".docx": "Word documents to download", ".xlsx": "Excel workbooks to download", ".pptx": "slides to download",
	".csv": "data to download",
	".mp4": "video", ".webm": "video", ".mp3": "audio",
	".vtt": "captions and transcripts for video (WCAG 1.2)",
}

// Reserved are the output files and folders the build writes itself.
var reservedFiles = map[string]string{
	"sitemap.xml": "the sitemap, made from the pages",
	SearchFile:    "the site search's index, made from the pages",
	"robots.txt":  "robots.txt, made from the site settings",
	"_headers":    "the host's header rules (the Content-Security-Policy), made from the pages",
	RedirectsFile: "the host redirect file (the redirects of abolished ICBs' packs)",
}

var reservedDirs = map[string]string{
	"assets/":        "the site's stylesheets, scripts and images from assets/, served with a year-long cache",
	FormsDir + "/":   "the forms the receiver reads",
	images.Dir + "/": "the resized section images the build makes",
	AdminDir + "/":   "the CMS the marketing team edits pages with, made from the schema",
}

// staticProblem says why content/<rel> cannot be published, or "".
func staticProblem(rel string) string {
	ext := strings.ToLower(path.Ext(rel))
	if why, ok := reservedFiles[rel]; ok {
		return fmt.Sprintf("the build writes %s itself (%s): remove this file", rel, why)
	}
	for dir, why := range reservedDirs {
		if strings.HasPrefix(rel, dir) {
			return fmt.Sprintf("%s is the build's own folder (%s): nothing from content/ goes there", dir, why)
		}
	}
	if _, ok := StaticTypes[ext]; ok && ext != "" {
		return ""
	}
	hint := ""
	switch ext {
	case ".html", ".htm", ".xhtml":
		hint = "write the page in Markdown (a .md file) instead"
	case ".js", ".mjs", ".css":
		hint = "scripts and stylesheets belong to the site's design, in assets/, not to content"
	case ".json", ".xml", ".txt", ".yaml", ".yml":
		hint = "data files are not published from content/"
	case "":
		hint = "a file without an extension could be a host's configuration (like _headers)"
	}
	kinds := slices.Sorted(maps.Keys(StaticTypes))
	msg := fmt.Sprintf("%q files are not published: content/ holds pages (.md) and files of these types: %s", ext, strings.Join(kinds, " "))
	if ext == "" {
		msg = "a file without an extension is not published: content/ holds pages (.md) and files of these types: " + strings.Join(kinds, " ")
	}
	if hint != "" {
		msg += "; " + hint
	}
	return msg
}

// svgProblem says why an SVG image could run code when opened, or "": a
// script or foreignObject element, an event handler attribute, a link or
// reference to a javascript: or data: address, or a DOCTYPE (entities).
func svgProblem(data []byte) string {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return ""
		}
		if err != nil {
			return fmt.Sprintf("the SVG image cannot be read as XML (%v), so it cannot be checked for scripts", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) {
				return "the SVG image has a DOCTYPE: remove it (its entities could expand without bound)"
			}
		case xml.StartElement:
			switch strings.ToLower(t.Name.Local) {
			case "script":
				return "the SVG image has a <script> element: it would run on the site when the image is opened"
			case "foreignobject":
				return "the SVG image has a <foreignObject> element: it can carry HTML and script"
			}
			for _, a := range t.Attr {
				name := strings.ToLower(a.Name.Local)
				if strings.HasPrefix(name, "on") {
					return fmt.Sprintf("the SVG image has an event handler attribute %q on <%s>: it would run script", a.Name.Local, t.Name.Local)
				}
				v := strings.ToLower(strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, a.Value))
				if strings.Contains(v, "javascript:") || strings.Contains(v, "vbscript:") || ((name == "href" || name == "src") && strings.HasPrefix(v, "data:")) {
					return fmt.Sprintf("the SVG image has %s=%q on <%s>: a script address", a.Name.Local, truncateText(a.Value), t.Name.Local)
				}
			}
		}
	}
}

func truncateText(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// claimOutputs checks that every output path has one owner: each page, its
// aliases and forms, each static file of content/, each file of the packs,
// and the files the build writes itself. A clash names both sources.
func claimOutputs(pages []*page.Page, static map[string]bool, packFiles map[string][]byte, forms map[*page.Page]*form.Form) diag.List {
	var errs diag.List
	owners := map[string]string{}
	claim := func(out string, at diag.Pos, what string) {
		for dir, why := range reservedDirs {
			if strings.HasPrefix(out, dir) && what != "the form" {
				errs = append(errs, diag.Errorf(at, "%s writes %s, in %s: that is the build's own folder (%s)", what, out, dir, why))
				return
			}
		}
		if why, ok := reservedFiles[out]; ok {
			errs = append(errs, diag.Errorf(at, "%s writes %s, which the build writes itself (%s)", what, out, why))
			return
		}
		if prev, ok := owners[out]; ok {
			errs = append(errs, diag.Errorf(at, "%s writes %s, which %s already writes: give one of them another address", what, out, prev))
			return
		}
		owners[out] = fmt.Sprintf("%s (%s)", what, at)
	}
	for _, p := range pages {
		at := diag.Pos{File: p.File}
		if p.Front.URL != "" && p.Doc != nil {
			at = p.Doc.Pos("$.url")
		}
		claim(p.OutPath(), at, "the page")
		for i, a := range p.Front.Aliases {
			claim(page.OutPath(a), p.Doc.Pos(fmt.Sprintf("$.aliases[%d]", i)), "the alias")
		}
		if f := forms[p]; f != nil {
			claim(exportPath(f), p.Doc.Pos("$.form"), "the form")
		}
	}
	for _, rel := range slices.Sorted(maps.Keys(static)) {
		claim(rel, diag.Pos{File: path.Join(ContentDir, rel)}, "the file")
	}
	for _, f := range slices.Sorted(maps.Keys(packFiles)) {
		if f == RedirectsFile {
			continue
		}
		claim(f, diag.Pos{File: "packs/pack.yaml"}, "the packs")
	}
	return errs
}
