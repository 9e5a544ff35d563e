// Package cms makes the configuration of the Git-based CMS the marketing
// team edits pages with (Decap CMS, config.yml) from the Go types that
// decode front matter strictly (page.Front), so that the CMS offers every
// key the build reads and writes none it refuses.
//
// The types say which keys exist and what Go type each has; fields says,
// for each key, what the CMS shows: its label, its hint, its widget when
// the Go type alone does not tell (Markdown, a date, a choice), whether it
// is required and the pattern a value must match. A key of the types with
// no entry in fields is an error, so a key added to the schema and not to
// the CMS fails the build's tests (TestEveryKeyIsInTheCMS).
package cms

// meta is what the CMS shows for one front-matter key, by its path of yaml
// names joined by dots ("sections.faqs.answer").
type meta struct {
	label    string
	hint     string
	widget   string   // "" takes it from the Go type; text, markdown, date, image, select, hidden
	required bool     // the build refuses the page without it
	pattern  []string // [regular expression, what to write instead]
	choices  string   // the list a select offers: indicators, pack, blocks, layouts, or "a|b|c"
	multiple bool     // a select of several values (a list of ids)
	dflt     any      // the value a new entry starts with
	article  string   // "a" or "an", for an optional object's hints: "Needed when there is a picture."
	one      string   // a list's word for one item: its button says "Add question"
}

const (
	slugPattern = `^[a-z0-9]+(-[a-z0-9]+)*$`
	pathPattern = `^/([a-z0-9]+(-[a-z0-9]+)*/)*$`
	datePattern = `^\d{4}-\d{2}-\d{2}$`
)

var (
	asSlug = []string{slugPattern, "lower-case letters and digits joined by hyphens, like practice-level"}
	asPath = []string{pathPattern, "a site path in lower case starting and ending with /, like /about/team/"}
	// asLink is page.SafeURL: a site path, or an https:, http:, mailto: or
	// tel: address.
	asLink = []string{`^(/(?!/)|[Hh][Tt][Tt][Pp][Ss]?://|[Mm][Aa][Ii][Ll][Tt][Oo]:|[Tt][Ee][Ll]:)`, "a page of this site (/contact/), or an https:, mailto: or tel: address"}
	asAlt  = []string{`^.{1,250}$`, "one sentence, under 250 characters, saying what the picture shows"}
)

// fields holds the CMS's view of every front-matter key. The hints are the
// README's front-matter key table in a marketer's words.
var fields = map[string]meta{
	"title":         {label: "Title", hint: "The page's heading and the start of its browser title.", required: true},
	"description":   {label: "Description", hint: "One or two sentences: the summary under the heading, in search results and in link previews.", widget: "text", required: true},
	"link_title":    {label: "Short title", hint: "A shorter title for breadcrumbs, lists and menus, like \"Practice-level MO\"."},
	"eyebrow":       {label: "Eyebrow", hint: "A small label above the heading."},
	"date":          {label: "Publication date", hint: "A page dated in the future is not published until that day.", widget: "date"},
	"lastmod":       {label: "Last changed", hint: "The day the page last changed in a way readers should know.", widget: "date"},
	"last_reviewed": {label: "Last clinical review", hint: "The day a clinician last reviewed the page. Needed on the pages of a clinical section.", widget: "date"},
	"next_review":   {label: "Next clinical review", hint: "The day the next review is due, at most 3 years later. The build stops once it has passed.", widget: "date"},
	"draft":         {label: "Draft", hint: "On: the page stays off the live site (it shows in make drafts)."},
	"weight":        {label: "Order", hint: "Order among the section's pages, lowest first."},
	"slug":          {label: "Address (last part)", hint: "Replaces the last part of the address: smr gives /medicines-optimisation/smr/.", pattern: asSlug},
	"url":           {label: "Address (whole)", hint: "Replaces the whole address, like /about/team/.", pattern: asPath},
	"aliases":       {label: "Old addresses", one: "old address", hint: "Addresses that redirect here, like /old-address/.", pattern: asPath},
	"layout":        {label: "Layout", hint: "Use another page design (a template of templates/) instead of the usual one.", widget: "select", choices: "layouts"},
	"noindex":       {label: "Hide from search engines", hint: "On: the page is left out of search engines and the sitemap."},
	"sections":      {label: "Sections", one: "section", hint: "The page's blocks, in order: choose a kind of section, then fill it in."},

	"sections.type":             {label: "Kind of section", widget: "hidden"},
	"sections.id":               {label: "Anchor", hint: "The #anchor of the section's address. Made from the heading when empty.", pattern: asSlug},
	"sections.eyebrow":          {label: "Eyebrow", hint: "A small label above the section's heading, like \"Weekly delivery\"."},
	"sections.heading":          {label: "Heading", required: true},
	"sections.body":             {label: "Text", hint: "Paragraphs, lists, links and bold.", widget: "markdown"},
	"sections.rhythm":           {label: "Weekly rhythm", one: "line", hint: "One line for each time in the week.", required: true},
	"sections.rhythm.when":      {label: "When", hint: "Mon, Tue, Weekly, Monthly...", required: true},
	"sections.rhythm.what":      {label: "What happens", required: true},
	"sections.benchmarks":       {label: "Benchmarks", hint: "The measures the table shows, from packs/indicators.yaml.", widget: "select", choices: "indicators", multiple: true, required: true},
	"sections.items":            {label: "Resources", one: "resource", hint: "One line each; a link is written [its words](https://its.address).", required: true},
	"sections.pack_documents":   {label: "All the starter pack's documents", widget: "hidden", dflt: true},
	"sections.from_pack":        {label: "Starter pack documents", hint: "The pack documents and workbooks this section lists, each linked.", widget: "select", choices: "pack", multiple: true, required: true},
	"sections.faqs":             {label: "Questions", one: "question", hint: "Each becomes an entry that opens on the page, on the FAQ page and in the site search.", required: true},
	"sections.faqs.id":          {label: "Anchor", hint: "The #anchor of the question. Made from the question when empty.", pattern: asSlug},
	"sections.faqs.question":    {label: "Question", required: true},
	"sections.faqs.answer":      {label: "Answer", widget: "markdown", required: true},
	"sections.action":           {label: "Button", required: true},
	"sections.action.label":     {label: "Button words", hint: "What pressing it does, like \"Book a discovery call\".", required: true},
	"sections.action.url":       {label: "Button goes to", pattern: asLink, required: true},
	"sections.image":            {label: "Picture", article: "a", hint: "Optional: a JPEG photo or a PNG drawing, shown under the heading."},
	"sections.image.src":        {label: "File", hint: "A JPEG or PNG, at most 25 MB.", widget: "image", required: true},
	"sections.image.alt":        {label: "What the picture shows", hint: "For people who cannot see it: say what matters to the reader, not \"image of\" or the file's name.", pattern: asAlt, required: true},
	"sections.image.decorative": {label: "Decorative", hint: "On only for a picture that tells the reader nothing, like a pattern: it is hidden from screen readers, so leave its description empty."},
	"sections.use":              {label: "Block", hint: "A section written once in the site settings (content/site.yaml) and shown on many pages.", widget: "select", choices: "blocks", required: true},

	"form":                          {label: "Form", article: "a", hint: "A form shown on the page. Ask the web team before changing one: the receiver and the privacy notice depend on it."},
	"form.id":                       {label: "Form name", hint: "Names the stored requests; never change it once the form is live.", pattern: asSlug, required: true},
	"form.action":                   {label: "Posts to", hint: "Where the form is sent: /api/contact.", required: true},
	"form.thanks":                   {label: "Thank-you page", hint: "The page shown once it is sent, like /contact/thanks/.", pattern: asPath, required: true},
	"form.submit":                   {label: "Button words", required: true},
	"form.trap":                     {label: "Spam trap field", hint: "The name of a hidden field that only robots fill in.", required: true},
	"form.pack_request":             {label: "Starter pack request", article: "a", hint: "Which answer asks for an ICB's pack, so the thank-you page links it."},
	"form.pack_request.field":       {label: "Question", required: true},
	"form.pack_request.value":       {label: "Answer", required: true},
	"form.pack_request.icb":         {label: "ICB question", required: true},
	"form.fields":                   {label: "Questions", one: "question", required: true},
	"form.fields.name":              {label: "Name", hint: "The name the answer is sent under, like email.", pattern: []string{`^[a-z][a-z0-9_]*$`, "lower-case letters, digits and _"}, required: true},
	"form.fields.label":             {label: "Question", required: true},
	"form.fields.hint":              {label: "Hint"},
	"form.fields.type":              {label: "Kind of answer", widget: "select", choices: "text|email|tel|textarea|select|radios|checkbox", required: true},
	"form.fields.required":          {label: "Required"},
	"form.fields.autocomplete":      {label: "Autocomplete", hint: "The browser's autocomplete token, like name or email."},
	"form.fields.width":             {label: "Box width", widget: "select", choices: "short|medium|full"},
	"form.fields.max_length":        {label: "Longest answer (characters)"},
	"form.fields.pattern":           {label: "Pattern", hint: "A regular expression the whole answer must match."},
	"form.fields.uppercase":         {label: "Upper-case the answer"},
	"form.fields.options":           {label: "Choices", one: "choice"},
	"form.fields.options.value":     {label: "Value sent", required: true},
	"form.fields.options.label":     {label: "Words shown", required: true},
	"form.fields.options.group":     {label: "Group", hint: "A dropdown only: the heading the choice sits under."},
	"form.fields.options_from":      {label: "Choices from", hint: "A list the build knows instead of choices written out.", widget: "select", choices: "lists"},
	"form.fields.messages":          {label: "Error messages", article: "an"},
	"form.fields.messages.required": {label: "When it is empty"},
	"form.fields.messages.format":   {label: "When it is not in the right form"},
	"form.fields.messages.too_long": {label: "When it is too long"},
}
