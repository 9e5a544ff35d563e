// Package images makes the published versions of a section's image: the
// photo turned upright (its EXIF orientation applied), scaled to a few
// widths for srcset, and encoded again, so that what is published carries no
// metadata (a phone photo's location, its camera) and no more pixels than a
// screen can use.
package images

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path"
	"path/filepath"
	"strings"

	xdraw "golang.org/x/image/draw"
)

// Widths are the widths, in pixels, the variants are made at (those below
// the photo's own width, and the photo's own width when it is narrower than
// the widest). The widest is twice the site's text column (44rem at 16px,
// 704 CSS px) rounded up: sharp on a screen of two device pixels per CSS
// pixel, and no wider.
var Widths = []int{480, 800, 1200, 1600}

// The bounds of the work one image may ask for.
const (
	MaxBytes  = 25 << 20   // a file larger than this is refused unread
	MaxPixels = 40_000_000 // 40 megapixels: a modern phone's photo is 12 to 48
	// JPEGQuality is the quality the variants are encoded at: visually
	// lossless for photographs at a third of the bytes of 95.
	JPEGQuality = 82
)

// Dir is the output folder the variants are written to.
const Dir = "img"

// Version changes whenever the bytes Make writes for the same input would;
// it is part of every output name's hash.
const Version = "1"

// Image is a section image made ready to publish.
type Image struct {
	Source string // the source file's sha256, hex: what a page that shows it reads
	Width  int    // the upright source's size in pixels
	Height int
	// Variants are the published files, narrowest first; the last is the
	// one a browser without srcset gets.
	Variants []Variant
}

// Variant is one published size.
type Variant struct {
	Path          string // output path, under Dir
	Width, Height int
	Data          []byte
}

// Make turns the image file at rel (its name, for the output names) with
// content data into its variants. Only JPEG and PNG are read: they are what
// cameras, phones and design tools write, and what Go decodes without cgo.
// An error is a message for the person who chose the file.
func Make(rel string, data []byte) (*Image, error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("the file is %.1f MB; a section image may be at most %d MB (export it at 2,000 pixels wide or less)", float64(len(data))/(1<<20), MaxBytes>>20)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	switch {
	case errors.Is(err, image.ErrFormat):
		return nil, errors.New("the file is not a JPEG or PNG image (whatever its name says): save it as JPEG (photos) or PNG (drawings)")
	case err != nil:
		return nil, fmt.Errorf("the image cannot be read (%v): export it again as JPEG or PNG", err)
	case format != "jpeg" && format != "png":
		return nil, fmt.Errorf("the file is a %s image: save it as JPEG (photos) or PNG (drawings)", format)
	case cfg.Width <= 0 || cfg.Height <= 0:
		return nil, errors.New("the image has no pixels")
	case int64(cfg.Width)*int64(cfg.Height) > MaxPixels:
		return nil, fmt.Errorf("the image is %d x %d pixels, over %d megapixels: export it at 2,000 pixels wide or less", cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	if want := wantExt(format); !strings.EqualFold(path.Ext(rel), want) && !(format == "jpeg" && strings.EqualFold(path.Ext(rel), ".jpeg")) {
		return nil, fmt.Errorf("the file is a %s image but its name ends in %s: rename it to end in %s", strings.ToUpper(format), path.Ext(rel), want)
	}
	var src image.Image
	if format == "jpeg" {
		src, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		src, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, fmt.Errorf("the image cannot be read (%v): export it again as JPEG or PNG", err)
	}
	if format == "jpeg" {
		src = upright(src, orientation(data))
	}
	sum := sha256.Sum256(data)
	img := &Image{Source: hex.EncodeToString(sum[:]), Width: src.Bounds().Dx(), Height: src.Bounds().Dy()}
	stem := stemOf(rel)
	ws := widths(img.Width)
	scaled := make([]image.Image, len(ws))
	for i := len(ws) - 1; i >= 0; i-- { // widest first: each narrower one is made from the one before
		w := ws[i]
		h := max(1, (img.Height*w+img.Width/2)/img.Width)
		from := src
		if i+1 < len(ws) {
			from = scaled[i+1] // the next wider: a third of the work, and no softer to the eye
		}
		scaled[i] = scale(from, w, h)
	}
	for i, w := range ws {
		h := scaled[i].Bounds().Dy()
		out, err := encode(format, scaled[i])
		if err != nil {
			return nil, err
		}
		img.Variants = append(img.Variants, Variant{Path: variantPath(stem, w, format, out), Width: w, Height: h, Data: out})
	}
	return img, nil
}

// variantPath is the output path of a variant: its stem, width and a hash
// of its bytes.
func variantPath(stem string, w int, format string, data []byte) string {
	return fmt.Sprintf("%s/%s-%d.%s%s", Dir, stem, w, variantHash(data), wantExt(format))
}

// variantHash is the part of a variant's name that changes with its bytes.
func variantHash(data []byte) string {
	vs := sha256.Sum256(append([]byte(Version+"\x00"), data...))
	return hex.EncodeToString(vs[:5])
}

// widths are the variant widths for a source w pixels wide: every width of
// Widths below w, and w itself when it is narrower than the widest.
func widths(w int) []int {
	var ws []int
	for _, x := range Widths {
		if x < w {
			ws = append(ws, x)
		}
	}
	if w <= Widths[len(Widths)-1] {
		ws = append(ws, w)
	}
	return ws
}

func wantExt(format string) string {
	if format == "jpeg" {
		return ".jpg"
	}
	return ".png"
}

// stemOf is the output name's stem: the file's name without its extension,
// in lower-case letters, digits and hyphens.
func stemOf(rel string) string {
	base := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(base) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
		} else {
			hyphen = true
		}
	}
	if b.Len() == 0 {
		return "image"
	}
	return b.String()
}

// scale is src at w x h, by Catmull-Rom (sharp, without the ringing of
// Lanczos on photographs' edges); at its own size src is copied. The
// destination is RGBA, for which x/image/draw has fast paths from the
// decoders' YCbCr, RGBA, NRGBA and Gray images (NRGBA has none: 6 times
// slower).
func scale(src image.Image, w, h int) image.Image {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == src.Bounds().Dx() && h == src.Bounds().Dy() {
		xdraw.Draw(dst, dst.Bounds(), src, src.Bounds().Min, xdraw.Src)
		return dst
	}
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), xdraw.Src, nil)
	return dst
}

// encode writes m as format: a JPEG without alpha at JPEGQuality, or a PNG
// at the best compression. Both encoders are deterministic.
func encode(format string, m image.Image) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if format == "jpeg" {
		err = jpeg.Encode(&buf, m, &jpeg.Options{Quality: JPEGQuality})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, m)
	}
	return buf.Bytes(), err
}

// orientation is the EXIF orientation (1 to 8) a JPEG file records, or 1.
// Cameras and phones store the sensor's pixels as they were read and say
// in this tag how to turn them; browsers apply it to an <img>, and so must
// a variant, which carries no EXIF.
func orientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return 1
		}
		marker := data[i+1]
		if marker == 0xDA || marker == 0xD9 { // the image data starts: no more metadata
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return exifOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// exifOrientation reads tag 0x0112 of the first IFD of a TIFF block.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[ifd:]))
	for k := range count {
		e := ifd + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 { // SHORT
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// upright applies EXIF orientation o to m.
func upright(m image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return m
	}
	b := m.Bounds()
	src := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	xdraw.Draw(src, src.Bounds(), m, b.Min, xdraw.Src)
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 { // the four orientations that swap the axes
		dw, dh = h, w
	}
	dst := image.NewNRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch o {
			case 2: // mirrored
				sx, sy = w-1-x, y
			case 3: // turned 180 degrees
				sx, sy = w-1-x, h-1-y
			case 4: // mirrored top to bottom
				sx, sy = x, h-1-y
			case 5: // mirrored along the main diagonal
				sx, sy = y, x
			case 6: // to be turned 90 degrees clockwise
				sx, sy = y, h-1-x
			case 7: // mirrored along the other diagonal
				sx, sy = w-1-y, h-1-x
			case 8: // to be turned 90 degrees anticlockwise
				sx, sy = w-1-y, x
			}
			copy(dst.Pix[dst.PixOffset(x, y):][:4], src.Pix[src.PixOffset(sx, sy):][:4])
		}
	}
	return dst
}

// Cache keeps made images between builds (bcs build: .bcs-cache/images/),
// keyed by Key: the same file under the same name is not decoded and
// scaled again. Make's output depends only on those and Version.
type Cache struct{ Dir string }

// Key is the cache key of the image file rel with content data.
func Key(rel string, data []byte) string {
	sum := sha256.Sum256(data)
	return fmt.Sprintf("%x-%s-v%s", sum, stemOf(rel), Version)
}

// Get returns the image kept under key, if it is there and whole.
func (c Cache) Get(key string) (*Image, bool) {
	data, err := os.ReadFile(filepath.Join(c.Dir, key+".gob"))
	if err != nil {
		return nil, false
	}
	var img Image
	if gob.NewDecoder(bytes.NewReader(data)).Decode(&img) != nil || len(img.Variants) == 0 {
		return nil, false // written by another version, or cut short: make it again
	}
	for _, v := range img.Variants {
		if p := strings.TrimSuffix(v.Path, path.Ext(v.Path)); path.Ext(p) != "."+variantHash(v.Data) {
			return nil, false // a variant's bytes are not what its name says: make it again
		}
	}
	return &img, true
}

// Put keeps img under key, written whole or not at all (a file beside it,
// renamed into place). A failure only costs the next build the work again.
func (c Cache) Put(key string, img *Image) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(img); err != nil {
		return err
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(c.Dir, key+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(c.Dir, key+".gob"))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
