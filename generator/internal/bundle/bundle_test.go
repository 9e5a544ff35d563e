package bundle

import (
	"archive/zip"
	"bytes"
	"testing"
	"time"
)

func TestZipDeterministic(t *testing.T) {
	files := []File{{Name: "a/README.txt", Data: []byte("hello")}, {Name: "a/b.bin", Data: bytes.Repeat([]byte{1, 2, 3}, 1000)}}
	at := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	one, err := Zip(files, at)
	if err != nil {
		t.Fatal(err)
	}
	two, _ := Zip(files, at.In(time.FixedZone("X", 3600)))
	if !bytes.Equal(one, two) {
		t.Fatal("the same files give different archives")
	}
	r, err := zip.NewReader(bytes.NewReader(one), int64(len(one)))
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range r.File {
		if f.Name != files[i].Name || !f.Modified.Equal(at) || f.Mode().Perm() != 0o644 {
			t.Errorf("entry %d: %s %v %v", i, f.Name, f.Modified, f.Mode())
		}
	}
}

func TestZipRefusesEscapingNames(t *testing.T) {
	for _, name := range []string{"../x", "/etc/passwd", "a/../../x", "a\\b", "C:x", "", ".", "a/./b", "a//b", "a\x00b", "a/"} {
		if _, err := Zip([]File{{Name: name}}, time.Time{}); err == nil {
			t.Errorf("Zip accepted the entry name %q", name)
		}
	}
	if _, err := Zip([]File{{Name: "a"}, {Name: "a"}}, time.Time{}); err == nil {
		t.Error("Zip accepted a duplicate entry")
	}
}
