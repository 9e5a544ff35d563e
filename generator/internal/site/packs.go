package site

import (
	"context"

	"github.com/bcs/publish/generator/internal/config"

	"github.com/bcs/publish/generator/internal/packsite"
)

// The packs are packsite's: it loads the pack data, builds each area's
// pack, and makes the pack pages and downloads (packsite.Sync). The site
// links those pages into its graph and renders them like any other.

// PacksURL is the site path of the packs index.
const PacksURL = packsite.PacksURL

// RedirectsFile is the host redirect file packsite writes.
const RedirectsFile = packsite.RedirectsFile

// PackReport is what a build says about one area's pack.
type PackReport = packsite.AreaReport

// packsOf syncs the packs with the inputs of this update.
func (b *Builder) packsOf(ctx context.Context) (*packsite.Set, error) {
	return packsite.Sync(ctx, b.packs, packsite.Inputs{
		Root: b.root, ICBs: b.in.icbs, Indicators: b.in.indicators, Markdown: b.in.md, Now: b.opt.Now, Release: b.opt.Release,
		Options: packOptions(b.in.settings),
	})
}

// packOptions are the site's settings as the packs take them.
func packOptions(s *config.Site) packsite.Options {
	return packsite.Options{BaseURL: s.BaseURL, Site: s.Organisation.Name, Reserved: reservedIDs}
}
