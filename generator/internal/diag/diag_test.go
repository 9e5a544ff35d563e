package diag

import "testing"

func TestSuggest(t *testing.T) {
	keys := []string{"title", "description", "date", "draft", "weight", "aliases"}
	for word, want := range map[string]string{
		"titel": "title", "desciption": "description", "Title": "title", "wieght": "weight",
		"alias": "aliases", "drafts": "draft", "colour": "", "x": "",
	} {
		if got := Suggest(word, keys); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", word, got, want)
		}
	}
	// Two letters swapped is one slip, nearer than two letters changed.
	if got := Suggest("nmae", []string{"image", "name"}); got != "name" {
		t.Errorf(`Suggest("nmae") = %q, want "name"`, got)
	}
}

func TestListSorted(t *testing.T) {
	l := List{
		Errorf(Pos{File: "b.md", Line: 1}, "x"),
		Errorf(Pos{File: "a.md", Line: 10, Col: 2}, "y"),
		Errorf(Pos{File: "a.md", Line: 2}, "z"),
		Errorf(Pos{File: "a.md", Line: 2}, "z"),
	}
	want := "a.md:2: z\na.md:10:2: y\nb.md:1: x"
	if got := l.Error(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
