package site

import (
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/form"
	"github.com/bcs/publish/generator/internal/icb"
	"github.com/bcs/publish/generator/internal/packsite"
	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/view"
)

// FormsDir is where the form exports go in the output: one <id>.json per
// form, read by `bcs receive`.
const FormsDir = "forms"

// formLists are the option lists a form field may take with options_from:
// icbs is the ICBs in force on the day of the build.
func formLists(icbs *icb.Set, on time.Time) form.Lists {
	var opts []form.Option
	for _, r := range icbs.Regions(on) {
		for _, c := range r.ICBs {
			opts = append(opts, form.Option{Value: c.Code, Label: c.Name, Group: r.Name})
		}
	}
	return form.Lists{"icbs": opts}
}

// resolveForms checks the form of every page that has one: its definition,
// that its thank-you page exists, and that no two forms share an id.
func resolveForms(pages []*page.Page, lists form.Lists) (map[*page.Page]*form.Form, error) {
	forms := map[*page.Page]*form.Form{}
	urls := map[string]bool{}
	for _, p := range pages {
		urls[p.URL] = true
	}
	var errs diag.List
	ids := map[string]diag.Pos{}
	for _, p := range pages {
		d := p.Front.Form
		if d == nil {
			continue
		}
		at := func(field string) diag.Pos {
			if field == "" {
				return p.Doc.Pos("$.form")
			}
			return p.Doc.Pos("$.form." + field)
		}
		f, err := form.Resolve(*d, lists, at)
		if err != nil {
			asList(err, p.File, &errs)
			continue
		}
		if !urls[d.Thanks] {
			errs = append(errs, diag.Errorf(at("thanks"), "no page has the URL %s: create the thank-you page (with url: %s in its front matter)", d.Thanks, d.Thanks))
		}
		if prev, dup := ids[d.ID]; dup {
			errs = append(errs, diag.Errorf(at("id"), "form id %q is already used at %s", d.ID, prev))
		}
		ids[d.ID] = at("id")
		forms[p] = f
	}
	return forms, errs.Err()
}

// formsRead is what the forms say of the pages they send people to (which
// pages thank which forms, and for pack requests), as a value a thank-you
// page's render reads (readForms).
func formsRead(forms map[*page.Page]*form.Form) string {
	var lines []string
	for p, f := range forms {
		lines = append(lines, fmt.Sprintf("%s %q %q %v", p.Rel, f.Def.ID, f.Def.Thanks, f.Def.PackRequest != nil))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// formOrigins are the other sites the forms post to, for the CSP.
func formOrigins(forms map[*page.Page]*form.Form) []string {
	var out []string
	for _, f := range forms {
		if u, err := url.Parse(f.Def.Action); err == nil && u.Scheme == "https" {
			out = append(out, "https://"+u.Host)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// finishForm turns a page rendered with the form markers into the page as
// published (the empty form in place) and the form's export for the receiver.
func (r *renderer) finishForm(p *page.Page, f *form.Form, rendered []byte) (pageHTML, export []byte, err error) {
	shell, err := form.Cut(rendered)
	if err != nil {
		return nil, nil, diag.Errorf(diag.Pos{File: p.File}, "%v", err)
	}
	sub := r.site.Submissions
	e := &form.Export{Format: form.ExportFormat, BaseURL: r.site.BaseURL, Definition: f.Def, Page: shell,
		Site: form.Site{Name: r.site.Title, Notify: sub.Notify, From: sub.From, RetentionDays: sub.RetentionDays}}
	if f.Def.PackRequest != nil {
		e.Packs = map[string]form.Pack{}
		for _, l := range r.packLinks() {
			e.Packs[l.Code] = form.Pack{Name: l.Name, Page: l.URL, Anchor: form.PackAnchor(l.Code)}
		}
	}
	if pageHTML, err = e.RenderPage(f, form.State{}); err != nil {
		return nil, nil, err
	}
	if export, err = e.Marshal(); err != nil {
		return nil, nil, err
	}
	return pageHTML, export, nil
}

// packLinks are the pack pages of the ICBs in force, by code.
func (r *renderer) packLinks() []view.PackLink {
	if r.packs == nil || r.packs.Data == nil {
		return nil
	}
	var out []view.PackLink
	for _, a := range r.packs.Areas {
		if !a.IsPlace() {
			out = append(out, view.PackLink{Code: a.ICB.Code, Name: a.ICB.Name, URL: packsite.AreaURL(a), ID: form.PackAnchor(a.ICB.Code)})
		}
	}
	slices.SortFunc(out, func(a, b view.PackLink) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// PackThanks are the pack lines of page p when it is the thank-you
// page of a form that takes pack requests.
func (r *renderer) PackThanks(p *page.Page) []view.PackLink {
	for _, f := range r.forms {
		if f.Def.PackRequest != nil && f.Def.Thanks == p.URL {
			return r.packLinks()
		}
	}
	return nil
}

// exportPath is where a form's export is written.
func exportPath(f *form.Form) string { return path.Join(FormsDir, f.Def.ID+".json") }

// contentSecurityPolicy is the policy every page satisfies: nothing inline,
// everything from the site itself, and forms posting to the site or to the
// origins given. Pages carry it in a meta tag; the _headers file sends it
// (with the parts a meta tag cannot carry) from hosts that read that file
// (Netlify, Cloudflare Pages).
func contentSecurityPolicy(formOrigins []string) string {
	extra := ""
	if len(formOrigins) > 0 {
		extra = " " + strings.Join(formOrigins, " ")
	}
	return fmt.Sprintf("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'%s; object-src 'none'; base-uri 'self'; form-action 'self'%s", extra, extra)
}
