package receiver

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/bcs/publish/generator/internal/form"
)

// notice is what the team is told of one submission, whichever channel
// carries it: the answers with their labels, what was asked for, and the
// pack link when the standalone pack was.
type notice struct {
	Site     string
	Form     string
	ID       string
	Received time.Time
	Subject  string
	Answers  []labelled
	Sender   *mail.Address // the visitor, from the form's email field
	Pack     string        // absolute address of the pack asked for, or ""
	PackName string
	Who      []string // the short text answers (name, role, practice, code): who is asking
}

type labelled struct {
	Label, Answer string
	Long          bool // a textarea: shown as a block
}

// newNotice gathers what a submission says, from the form it was sent with.
func newNotice(ep *endpoint, sub Submission) *notice {
	f, e := ep.form, ep.export
	n := &notice{Site: cmp.Or(e.Site.Name, "the website"), Form: f.Def.ID, ID: sub.ID, Received: sub.ReceivedAt.UTC()}
	values := form.Values{}
	var wants, choices []string
	name := ""
	for _, fd := range f.Def.Fields {
		if fd.Autocomplete == "name" && name == "" {
			name = sub.Answer(fd.Name)
		}
	}
	for _, fd := range f.Def.Fields {
		v := sub.Answer(fd.Name)
		values[fd.Name] = v
		if v == "" {
			continue
		}
		shown := f.Label(fd.Name, v)
		switch fd.Type {
		case form.Checkbox:
			shown = "Yes"
		case form.Email:
			if a, err := mail.ParseAddress(v); err == nil && n.Sender == nil {
				n.Sender = &mail.Address{Name: name, Address: a.Address}
			}
		case form.Radios: // what they want comes first in the subject
			wants = append(wants, shown)
		case form.Select:
			choices = append(choices, shown)
		case form.Text:
			n.Who = append(n.Who, v)
		}
		n.Answers = append(n.Answers, labelled{Label: strings.TrimSuffix(fd.Label, "?"), Answer: shown, Long: fd.Type == form.Textarea})
	}
	if code, ok := f.PackAsked(values); ok {
		if p, ok := e.Packs[code]; ok {
			n.Pack, n.PackName = absURL(e.BaseURL, p.Page), p.Name
		}
	}
	// "BCS request: The standalone starter pack (NHS Bristol, ... ICB)",
	// in ASCII where the labels are, so mail clients show it unencoded.
	what := strings.Join(wants, ", ")
	if where := strings.Join(choices, ", "); where != "" && what != "" {
		what += " (" + where + ")"
	} else if where != "" {
		what = where
	}
	n.Subject = fmt.Sprintf("%s request: %s", n.Site, what)
	if what == "" {
		n.Subject = fmt.Sprintf("%s: a new %s form request", n.Site, f.Def.ID)
	}
	return n
}

func absURL(base, path string) string {
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(path, "/")
}

// envelope is an email's SMTP envelope, kept with the job.
type envelope struct {
	From string   `json:"from"`
	To   []string `json:"to"`
}

// headerWriter writes a message's header. Every value passes through it,
// and a value holding CR or LF is refused: a header cannot be injected, not
// because the answers were checked earlier, but because no line break can
// be written here at all. Values from the visitor reach it only encoded.
type headerWriter struct {
	b   bytes.Buffer
	err error
}

func (h *headerWriter) set(name, value string) {
	if strings.ContainsAny(name+value, "\r\n") || !validHeaderName(name) {
		h.err = fmt.Errorf("header %q: refused a value with a line break", name)
		return
	}
	h.b.WriteString(name + ": " + value + "\r\n")
}

func validHeaderName(name string) bool {
	for _, r := range name {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return name != ""
}

// encodeText makes a visitor's text safe for a header: controls become
// spaces and anything beyond printable ASCII is RFC 2047 encoded.
func encodeText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return mime.QEncoding.Encode("utf-8", s)
}

// buildEmail makes the whole email of a submission, byte for byte the same
// each time it is built: the Message-ID is the submission's id, the Date its
// arrival, the MIME boundary derived from the id. Plain text and HTML
// bodies, every answer escaped; Reply-To is the visitor.
func buildEmail(ep *endpoint, sub Submission) (payload []byte, env string, err error) {
	e := ep.export
	if len(e.Site.Notify) == 0 || e.Site.From == "" {
		return nil, "", errors.New("the site settings give no submissions.notify addresses or submissions.from address to email")
	}
	n := newNotice(ep, sub)
	host := "localhost"
	if u, err := url.Parse(e.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	var h headerWriter
	from := mail.Address{Name: n.Site + " website", Address: e.Site.From}
	var to []string
	for _, a := range e.Site.Notify {
		to = append(to, (&mail.Address{Address: a}).String())
	}
	h.set("Message-ID", "<"+sub.ID+"@"+host+">")
	h.set("Date", n.Received.Format(time.RFC1123Z))
	h.set("From", from.String())
	h.set("To", strings.Join(to, ", "))
	if n.Sender != nil {
		h.set("Reply-To", n.Sender.String())
	}
	h.set("Subject", encodeText(n.Subject))
	h.set("Auto-Submitted", "auto-generated")
	h.set("X-BCS-Submission", sub.ID)
	h.set("MIME-Version", "1.0")
	boundary := "bcs-" + sub.ID
	h.set("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
	if h.err != nil {
		return nil, "", h.err
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.SetBoundary(boundary); err != nil {
		return nil, "", err
	}
	for _, part := range []struct{ kind, text string }{{"text/plain", plainBody(n)}, {"text/html", htmlBody(n)}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {part.kind + "; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return nil, "", err
		}
		qp := quotedprintable.NewWriter(w)
		qp.Write([]byte(part.text))
		qp.Close()
	}
	mw.Close()
	envJSON, err := json.Marshal(envelope{From: e.Site.From, To: e.Site.Notify})
	if err != nil {
		return nil, "", err
	}
	return append(h.b.Bytes(), append([]byte("\r\n"), body.Bytes()...)...), string(envJSON), nil
}

// plainBody is the email's text part, with CRLF line ends.
func plainBody(n *notice) string {
	var b strings.Builder
	fmt.Fprintf(&b, "A request has come in through the %s website's %s form.\n\n", n.Site, n.Form)
	if n.Pack != "" {
		fmt.Fprintf(&b, "They asked for the starter pack for %s. Its page, which the thank-you page also linked:\n%s\n\n", n.PackName, n.Pack)
	}
	for _, a := range n.Answers {
		if a.Long {
			fmt.Fprintf(&b, "%s:\n", a.Label)
			for _, line := range strings.Split(a.Answer, "\n") {
				fmt.Fprintf(&b, "    %s\n", line)
			}
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", a.Label, a.Answer)
	}
	if n.Sender != nil {
		fmt.Fprintf(&b, "\nReply to this email to answer them: your reply goes to %s.\n", n.Sender.Address)
	}
	fmt.Fprintf(&b, "\nReceived %s. Submission %s: `bcs submissions show %s` gives its delivery record.\n", n.Received.Format("2 January 2006 at 15:04 MST"), n.ID, n.ID)
	return strings.ReplaceAll(b.String(), "\n", "\r\n")
}

var htmlTemplate = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; color: #212b32; line-height: 1.5">
<p>A request has come in through the {{.Site}} website's {{.Form}} form.</p>
{{- if .Pack}}
<p><strong>They asked for the starter pack for {{.PackName}}:</strong> <a href="{{.Pack}}">{{.Pack}}</a> (the thank-you page linked it too).</p>
{{- end}}
<table style="border-collapse: collapse">
{{- range .Answers}}
<tr><th scope="row" style="text-align: left; vertical-align: top; padding: 4px 12px 4px 0">{{.Label}}</th><td style="padding: 4px 0; white-space: pre-wrap">{{.Answer}}</td></tr>
{{- end}}
</table>
{{- with .Sender}}
<p>Reply to this email to answer them: your reply goes to {{.Address}}.</p>
{{- end}}
<p style="color: #4c6272">Received {{.Received.Format "2 January 2006 at 15:04 MST"}}. Submission {{.ID}}: <code>bcs submissions show {{.ID}}</code> gives its delivery record.</p>
</body></html>
`))

// htmlBody is the email's HTML part; html/template escapes every answer.
func htmlBody(n *notice) string {
	var b strings.Builder
	if err := htmlTemplate.Execute(&b, n); err != nil {
		panic(err) // the template and its data are ours: a failure is a bug
	}
	return strings.ReplaceAll(b.String(), "\n", "\r\n")
}

// buildWebhook makes a submission's webhook post: JSON with a "text" field,
// which both Slack and Microsoft Teams incoming webhooks show. It names who
// asked for what and links the pack; the full answers, the telephone number
// and the message stay in the email, out of a chat channel.
func buildWebhook(ep *endpoint, sub Submission) ([]byte, error) {
	n := newNotice(ep, sub)
	var b strings.Builder
	fmt.Fprintf(&b, "New request from the website: %s", n.Subject)
	if len(n.Who) > 0 {
		fmt.Fprintf(&b, "\nFrom: %s", strings.Join(n.Who, ", "))
	}
	if n.Pack != "" {
		fmt.Fprintf(&b, "\nPack: %s", n.Pack)
	}
	fmt.Fprintf(&b, "\nThe full request is in the team's email (submission %s).", n.ID)
	return json.Marshal(map[string]string{"text": slackEscape(b.String())})
}

// slackEscape escapes the three characters Slack reads as markup in text.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
