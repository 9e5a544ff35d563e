package markdown

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/yuin/goldmark/util"
)

// linkProblem says what is wrong with a link's address under the site's
// policy, or "": a link goes to a web page over https: (http: too where
// anyWeb is set), e-mail (mailto:), a phone number (tel:), or a page of this
// site (a path, or a #fragment). The address is judged as the browser would
// read it, after character references are resolved, so javascript&#58; is
// the javascript: it stands for. autolink is a bare address the Markdown
// turned into a link (www.example.org, http://...).
func linkProblem(raw []byte, autolink, anyWeb bool) string {
	dest := util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(raw)))
	dest = bytes.TrimSpace(dest)
	show := truncate(dest)
	lower := strings.ToLower(string(dest))
	// Browsers drop tabs and newlines inside a scheme ("java\tscript:").
	lower = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(lower)
	allowed := "links may go to web pages (https:), e-mail (mailto:), phone numbers (tel:) or pages of this site (/path/)"
	if strings.HasPrefix(lower, "//") || strings.HasPrefix(lower, `\\`) || strings.HasPrefix(lower, `/\`) {
		return fmt.Sprintf("link address %q leaves the site without saying how (a protocol-relative address): write it in full with https://", show)
	}
	scheme, _, hasScheme := strings.Cut(lower, ":")
	if hasScheme && strings.ContainsAny(scheme, "/?#") {
		hasScheme = false // a colon later in a path or query: "/a:b", "?q=a:b"
	}
	if !hasScheme {
		if autolink && strings.HasPrefix(lower, "www.") {
			return fmt.Sprintf("bare address %q becomes an http: link: write it in full as <https://%s>", show, dest)
		}
		return ""
	}
	switch scheme {
	case "https", "mailto", "tel":
		return ""
	case "http":
		if anyWeb {
			return ""
		}
		if autolink && bytes.HasPrefix(bytes.ToLower(raw), []byte("www.")) {
			return fmt.Sprintf("bare address %q becomes an http: link: write it in full as <https://%s>", truncate(raw), raw)
		}
		return fmt.Sprintf("link address %q uses http:, which is not encrypted: use https:// (%s)", show, allowed)
	case "javascript", "vbscript", "data", "file":
		return fmt.Sprintf("unsafe link address %q: %s", show, allowed)
	}
	return fmt.Sprintf("link address %q uses %s:, which the site does not link to: %s", show, scheme, allowed)
}
