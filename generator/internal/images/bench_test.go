package images

import (
	"image"
	"testing"
)

// BenchmarkMake is one phone photo (12 megapixels) made into its variants.
func BenchmarkMake(b *testing.B) {
	m := image.NewNRGBA(image.Rect(0, 0, 4000, 3000))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7)
	}
	data := jpegOf(b, m)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Make("photo.jpg", data); err != nil {
			b.Fatal(err)
		}
	}
}
