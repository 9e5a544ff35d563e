package config

import "testing"

// FuzzParse: any site settings file gives settings or errors, never a panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"title: T\nbase_url: https://example.org/\norganisation:\n  name: O\nmenus:\n  main:\n    - name: A\n      url: /a/\n",
		"title: [", "base_url: javascript:alert(1)\n", "menus: {main: [{name: x, url: 'javascript:1'}]}\n", "a: &x 1\nb: *x\n",
		"title: T\nbase_url: https://example.org/\norganisation: {name: O, company_number: \"01234567\"}\nunconfirmed:\n  - {setting: contact.telephone, reason: r}\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse("content/site.yaml", []byte(src))
		if err == nil && s == nil {
			t.Fatal("no settings and no error")
		}
	})
}
