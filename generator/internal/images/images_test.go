package images

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// quadrants is a w x h picture in four colours: red top left, green top
// right, blue bottom left, white bottom right.
func quadrants(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{A: 255}
			switch {
			case x < w/2 && y < h/2:
				c.R = 255
			case y < h/2:
				c.G = 255
			case x < w/2:
				c.B = 255
			default:
				c = color.NRGBA{255, 255, 255, 255}
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m
}

func jpegOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngOf(t *testing.T, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withOrientation puts an EXIF segment recording orientation o (in the
// byte order bo) after the JPEG's start marker, as a camera writes it.
func withOrientation(data []byte, o uint16, bo binary.ByteOrder) []byte {
	tiff := make([]byte, 8+2+12+4)
	if bo == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)       // one entry
	bo.PutUint16(tiff[10:], 0x0112) // Orientation
	bo.PutUint16(tiff[12:], 3)      // SHORT
	bo.PutUint32(tiff[14:], 1)      // one value
	bo.PutUint16(tiff[18:], o)      // the value, left-justified
	seg := append([]byte("Exif\x00\x00"), tiff...)
	head := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(head[2:], uint16(len(seg)+2))
	out := append([]byte{}, data[:2]...)
	out = append(out, head...)
	out = append(out, seg...)
	return append(out, data[2:]...)
}

func decode(t *testing.T, v Variant) image.Image {
	t.Helper()
	m, _, err := image.Decode(bytes.NewReader(v.Data))
	if err != nil {
		t.Fatalf("%s: %v", v.Path, err)
	}
	if m.Bounds().Dx() != v.Width || m.Bounds().Dy() != v.Height {
		t.Fatalf("%s is %v, says %dx%d", v.Path, m.Bounds(), v.Width, v.Height)
	}
	return m
}

// near reports whether c is within 40 of (r, g, b) in each channel (JPEG
// is lossy).
func near(c color.Color, r, g, b uint8) bool {
	cr, cg, cb, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { return int(x>>8)-int(y) < 40 && int(y)-int(x>>8) < 40 }
	return d(cr, r) && d(cg, g) && d(cb, b)
}

func TestVariants(t *testing.T) {
	for _, tc := range []struct {
		name   string
		w, h   int
		widths []int
	}{
		{"wide.jpg", 2400, 1600, []int{480, 800, 1200, 1600}},
		{"mid.jpg", 1000, 500, []int{480, 800, 1000}},
		{"exact.jpg", 1600, 900, []int{480, 800, 1200, 1600}},
		{"small.jpg", 300, 200, []int{300}},
	} {
		img, err := Make("images/"+tc.name, jpegOf(t, quadrants(tc.w, tc.h)))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if img.Width != tc.w || img.Height != tc.h {
			t.Errorf("%s: size %dx%d", tc.name, img.Width, img.Height)
		}
		var got []int
		for _, v := range img.Variants {
			got = append(got, v.Width)
			m := decode(t, v)
			if want := (tc.h*v.Width + tc.w/2) / tc.w; v.Height != want {
				t.Errorf("%s at %d: height %d, want %d (the aspect ratio kept)", tc.name, v.Width, v.Height, want)
			}
			if !near(m.At(v.Width/4, v.Height/4), 255, 0, 0) || !near(m.At(3*v.Width/4, 3*v.Height/4), 255, 255, 255) {
				t.Errorf("%s at %d: the picture is not the source's", tc.name, v.Width)
			}
			if !strings.HasPrefix(v.Path, Dir+"/"+strings.TrimSuffix(tc.name, ".jpg")+"-") || !strings.HasSuffix(v.Path, ".jpg") {
				t.Errorf("%s: variant path %s", tc.name, v.Path)
			}
			if bytes.Contains(v.Data, []byte("Exif")) {
				t.Errorf("%s: a variant carries EXIF", tc.name)
			}
		}
		if !slices.Equal(got, tc.widths) {
			t.Errorf("%s: widths %v, want %v", tc.name, got, tc.widths)
		}
	}
}

// TestOrientation turns each of the eight EXIF orientations upright: the
// source is stored as the camera read it, and the variant shows what the
// browser would show of the original.
func TestOrientation(t *testing.T) {
	// Where the source's red (top-left) quadrant ends up once upright, as a
	// point of the upright picture in quarters, for each orientation.
	redAt := map[uint16][2]int{1: {1, 1}, 2: {3, 1}, 3: {3, 3}, 4: {1, 3}, 5: {1, 1}, 6: {3, 1}, 7: {3, 3}, 8: {1, 3}}
	for o := uint16(1); o <= 8; o++ {
		for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			data := withOrientation(jpegOf(t, quadrants(400, 200)), o, bo)
			if got := orientation(data); got != int(o) {
				t.Fatalf("orientation %d (%v) read as %d", o, bo, got)
			}
			img, err := Make("p.jpg", data)
			if err != nil {
				t.Fatal(err)
			}
			w, h := 400, 200
			if o >= 5 {
				w, h = 200, 400
			}
			if img.Width != w || img.Height != h {
				t.Errorf("orientation %d: upright size %dx%d, want %dx%d", o, img.Width, img.Height, w, h)
			}
			m := decode(t, img.Variants[len(img.Variants)-1])
			at := redAt[o]
			if c := m.At(at[0]*w/4, at[1]*h/4); !near(c, 255, 0, 0) {
				t.Errorf("orientation %d: red is not at quarter %v (found %v)", o, at, c)
			}
		}
	}
}

func TestPNGKeepsAlpha(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 900, 300))
	for i := range m.Pix {
		if i%4 == 3 {
			m.Pix[i] = 0 // transparent
		}
	}
	img, err := Make("drawings/Logo Mark.png", pngOf(t, m))
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Variants) != 3 || !strings.HasPrefix(img.Variants[0].Path, "img/logo-mark-480.") || !strings.HasSuffix(img.Variants[0].Path, ".png") {
		t.Fatalf("variants %+v", img.Variants)
	}
	if _, _, _, a := decode(t, img.Variants[0]).At(10, 10).RGBA(); a != 0 {
		t.Errorf("alpha %d, want transparent", a)
	}
}

func TestDeterministic(t *testing.T) {
	data := jpegOf(t, quadrants(1300, 700))
	a, err := Make("a.jpg", data)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Make("a.jpg", data)
	for i := range a.Variants {
		if a.Variants[i].Path != b.Variants[i].Path || !bytes.Equal(a.Variants[i].Data, b.Variants[i].Data) {
			t.Fatalf("variant %d differs between two runs", i)
		}
	}
}

func TestRefused(t *testing.T) {
	huge := pngOf(t, image.NewGray(image.Rect(0, 0, 8000, 6000)))
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"a.jpg", []byte("GIF89a not really"), "not a JPEG or PNG"},
		{"a.jpg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F'}, "cannot be read"},
		{"a.png", jpegOf(t, quadrants(10, 10)), "its name ends in .png: rename it to end in .jpg"},
		{"big.png", huge, "over 40 megapixels"},
		{"a.jpg", make([]byte, MaxBytes+1), "at most 25 MB"},
	} {
		_, err := Make(tc.name, tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestOrientationOfOddFiles(t *testing.T) {
	// Truncated and malformed metadata reads as upright, never panics.
	good := withOrientation(jpegOf(t, quadrants(20, 20)), 6, binary.BigEndian)
	for n := range len(good) {
		orientation(good[:n])
	}
	if orientation([]byte("not a jpeg")) != 1 {
		t.Error("a non-JPEG has an orientation")
	}
}

func TestCache(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	data := jpegOf(t, quadrants(900, 450))
	key := Key("images/Team Photo.jpg", data)
	if _, ok := c.Get(key); ok {
		t.Fatal("an empty cache has the image")
	}
	img, err := Make("images/Team Photo.jpg", data)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Put(key, img); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get(key)
	if !ok || got.Source != img.Source || len(got.Variants) != len(img.Variants) {
		t.Fatalf("the cache gave %+v, %v", got, ok)
	}
	for i, v := range got.Variants {
		if v.Path != img.Variants[i].Path || !bytes.Equal(v.Data, img.Variants[i].Data) {
			t.Errorf("variant %d differs from the one made", i)
		}
	}
	if Key("images/other.jpg", data) == key || Key("images/Team Photo.jpg", append(data, 0)) == key {
		t.Error("another name or other bytes share the key")
	}
	// A variant whose bytes are not the ones its name hashes is a miss.
	img.Variants[0].Data = append([]byte{}, img.Variants[1].Data...)
	if err := c.Put(key, img); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(key); ok {
		t.Error("a variant with the wrong bytes came from the cache")
	}
	if err := os.WriteFile(filepath.Join(c.Dir, key+".gob"), []byte("cut sho"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(key); ok {
		t.Error("a cut-short cache file gave an image")
	}
}
