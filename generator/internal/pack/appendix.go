package pack

import (
	"fmt"
	"slices"
	"strings"
)

// AlignmentText is the sentence that says what a pack is aligned to, from what
// is known of its area: a formulary with confirmed statuses, a formulary
// whose statuses are not checked yet, or nothing local at all.
func AlignmentText(p *ICBPack) string {
	who := p.Area.Title()
	statuses := 0
	for _, r := range p.Drugs {
		if r.Local != nil {
			statuses++
		}
	}
	switch f := p.Formulary; {
	case f != nil && statuses > 0:
		return fmt.Sprintf("This pack is aligned to the %s for practices in %s: %d of its %d medicines %s a formulary status confirmed from the formulary's own pages, and each local value is listed with its source and the date it was checked.", f.Name, who, statuses, len(p.Drugs), map[bool]string{true: "has", false: "have"}[statuses == 1])
	case f != nil:
		return fmt.Sprintf("This pack uses the national defaults: the %s is the formulary for %s, but no medicine's status in it has been checked yet.", f.Name, who)
	}
	return fmt.Sprintf("This pack uses the national defaults; %s's formulary has not been checked yet.", who)
}

// appendix is the Markdown that ends every document: what to check with
// the ICB before use, and the sources of the local values, for the topics
// the document's placeholders used (the formulary always).
func appendix(p *ICBPack, used map[string]bool) string {
	used[TopicFormulary] = true
	var b strings.Builder
	fmt.Fprintf(&b, "\n\n## %s\n\n", CheckHeading)
	var rows [][]string
	for _, c := range p.Checks {
		if !used[c.Topic] {
			continue
		}
		where := "Your ICB's medicines optimisation team"
		if c.Where != "" {
			where = link(strings.TrimPrefix(strings.TrimPrefix(c.Where, "https://"), "http://"), c.Where)
		}
		rows = append(rows, []string{Escape(c.What), Escape(c.Why), where})
	}
	if len(rows) == 0 {
		b.WriteString("Every local value this document uses is confirmed from its source (listed below).")
	} else {
		b.WriteString("This document does not state the values below, because they are not recorded or not yet confirmed for this area. Check each with your ICB before the document is approved; where a medicine's status or monitoring is unclear, do not issue it until the specialist or the ICB has confirmed what applies.\n\n")
		b.WriteString(table(append([][]string{{"What to check", "Why", "Where to look"}}, rows...)))
	}
	var src [][]string
	for _, s := range slices.Concat(p.Local, p.National) {
		if !used[s.Topic] {
			continue
		}
		dated := s.PageDateText()
		if dated == "" {
			dated = "not dated"
		}
		src = append(src, []string{Escape(s.What), Escape(s.Value), link(strings.TrimPrefix(strings.TrimPrefix(s.Source, "https://"), "http://"), s.Source), Escape(dated), Escape(s.CheckedText())})
	}
	if len(src) > 0 {
		b.WriteString("\n\n## Sources of the local values\n\n")
		b.WriteString(table(append([][]string{{"Value", "As published", "Source", "Page dated", "Checked"}}, src...)))
	}
	b.WriteString("\n")
	return b.String()
}
