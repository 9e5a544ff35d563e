package site

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
	"github.com/bcs/publish/generator/internal/images"
	"github.com/bcs/publish/generator/internal/page"
	"github.com/bcs/publish/generator/internal/view"
	"github.com/bcs/publish/generator/internal/work"
)

// A section image is a file of content/ that a section names (page.Image).
// It is published only as the variants package images makes (under img/,
// hashed names, year-long cache): never as it is, so a phone photo's
// location and its full size stay on the author's machine.

// imageUse is where a section names an image file: for the errors.
type imageUse struct {
	at   diag.Pos // the image's src in the page's front matter
	file string   // the page
}

// sectionImages makes the images the published pages' sections name, from
// the last snapshot's where the file did not change (staticChanged), and
// returns the content rels whose image changed, came or went.
func (b *Builder) sectionImages(ctx context.Context, pages []*page.Page, staticChanged map[string]bool) (map[string]bool, error) {
	uses := map[string]imageUse{} // content rel -> its first use, in page order
	var errs diag.List
	for _, p := range pages {
		for i, s := range p.Front.Sections {
			if s.Image == nil {
				continue
			}
			rel := page.ImageRel(s.Image.Src)
			at := p.Doc.Pos(fmt.Sprintf("$.sections[%d].image.src", i))
			if !b.static[rel] {
				msg := fmt.Sprintf("image %s: there is no file %s", s.Image.Src, path.Join(ContentDir, rel))
				if sug := diag.Suggest(rel, b.imageFiles()); sug != "" {
					msg += fmt.Sprintf("; did you mean /%s?", sug)
				}
				errs = append(errs, &diag.Error{Pos: at, Msg: msg})
				continue
			}
			if _, ok := uses[rel]; !ok {
				uses[rel] = imageUse{at: at, file: p.File}
			}
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	rels := slices.Sorted(maps.Keys(uses))
	made := make([]*images.Image, len(rels))
	var c diag.Collector
	err := work.Parallel(ctx, len(rels), func(i int) error {
		rel := rels[i]
		old := b.images[rel]
		if old != nil && !staticChanged[rel] {
			made[i] = old
			return nil
		}
		data, err := fs.ReadFile(b.root, path.Join(ContentDir, rel))
		if err != nil {
			return err
		}
		if sum := sha256.Sum256(data); old != nil && old.Source == hex.EncodeToString(sum[:]) {
			made[i] = old // saved again as it was
			return nil
		}
		key := images.Key(rel, data)
		if cache := b.opt.Images; cache != nil {
			if img, ok := cache.Get(key); ok {
				made[i] = img
				return nil
			}
		}
		img, err := images.Make(rel, data)
		if err != nil {
			return c.Add(diag.Errorf(uses[rel].at, "image %s (%s): %v", "/"+rel, path.Join(ContentDir, rel), err))
		}
		if cache := b.opt.Images; cache != nil {
			_ = cache.Put(key, img) // a cache that cannot be written costs the next build the work, nothing more
		}
		made[i] = img
		return nil
	})
	if err == nil {
		err = c.List().Err()
	}
	if err != nil {
		return nil, err
	}
	now := make(map[string]*images.Image, len(rels))
	for i, rel := range rels {
		now[rel] = made[i]
	}
	changed := map[string]bool{}
	for rel := range mergeKeys(now, b.images) {
		if now[rel] != b.images[rel] {
			changed[rel] = true
		}
	}
	b.images = now
	return changed, nil
}

// imageFiles are the content files a section image could name.
func (b *Builder) imageFiles() []string {
	var fs []string
	for rel := range b.static {
		if slices.Contains(page.ImageExts, strings.ToLower(path.Ext(rel))) {
			fs = append(fs, rel)
		}
	}
	slices.Sort(fs)
	return fs
}

// imageOutputs adds to changed the variants of the images that changed
// (removing those no image makes now) and publishes or withdraws the
// content files whose use as a section image changed.
func (b *Builder) imageOutputs(changed map[string]*outFile, imgChanged map[string]bool, last *snapshot) {
	live := map[string]bool{}
	for _, img := range b.images {
		for _, v := range img.Variants {
			live[v.Path] = true
		}
	}
	for _, rel := range slices.Sorted(maps.Keys(imgChanged)) {
		if old := last.images[rel]; old != nil {
			for _, v := range old.Variants {
				if !live[v.Path] {
					changed[v.Path] = nil
				}
			}
		}
		if img := b.images[rel]; img != nil {
			for _, v := range img.Variants {
				changed[v.Path] = &outFile{path: v.Path, data: v.Data}
			}
		}
	}
}

// imageView is how section image img is shown; lazy when it is not the
// page's first picture.
func imageView(img *images.Image, alt string, lazy bool) *view.ImageView {
	var srcset strings.Builder
	for i, v := range img.Variants {
		if i > 0 {
			srcset.WriteString(", ")
		}
		fmt.Fprintf(&srcset, "/%s %dw", v.Path, v.Width)
	}
	top := img.Variants[len(img.Variants)-1]
	return &view.ImageView{Src: "/" + top.Path, Srcset: srcset.String(), Sizes: view.ImageSizes, Width: top.Width, Height: top.Height, Alt: alt, Lazy: lazy}
}
