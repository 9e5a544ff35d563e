// Package workbook writes the starter pack's Excel workbooks with excelize:
// the prescribing safety dashboard and the MHRA alert closure tracker, for
// one ICB, plus the Power BI files over the dashboard.
//
// Every number a practice sees is worked out by a formula from what it
// types (nothing is precomputed), input cells are styled and unlocked, the
// rest is protected with the legacy sheet password (its hash has no random
// salt), and the output is byte-identical for the same inputs: excelize's
// ZIP is re-packed with sorted entries, one fixed time and a sorted
// [Content_Types].xml, and the document properties carry the pack's date.
package workbook

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"image/png"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/bcs/publish/generator/internal/bundle"
	"github.com/bcs/publish/generator/internal/pack"
)

// Password unprotects the workbooks' sheets. Protection guards the formulas
// against accidental edits, not against anyone: the About sheets print it.
const Password = "bcs-mo"

// Meta is what both workbooks carry about themselves.
type Meta struct {
	Pack     *pack.ICBPack
	Version  string      // the pack version
	Date     time.Time   // the pack's release date: document properties and ZIP times
	Control  [][2]string // document control rows: Title is replaced by the workbook's own
	Author   string      // the organisation
	Keywords string
	Logo     []byte // the organisation's logo, a square PNG, at the top right of the About sheet (nil: none)
	LogoAlt  string // its text alternative
}

// LogoPixels is the logo's side on the About sheet, in pixels at 100% zoom
// (36 pt: the height of the title row it sits in).
const LogoPixels = 48

// Colours: NHS identity blue for headings; Excel's standard good, neutral
// and bad fills for green, amber and red, which keep text readable.
const (
	blue       = "005EB8"
	darkText   = "212B32"
	paleGrey   = "F0F4F5"
	inputFill  = "FFF2CC"
	inputLine  = "AEB7BD"
	greenFill  = "C6EFCE"
	greenText  = "006100"
	amberFill  = "FFEB9C"
	amberText  = "9C5700"
	redFill    = "FFC7CE"
	redText    = "9C0006"
	lateFill   = "F8CBAD" // orange: an alert closed after its deadline
	lateText   = "843C0C"
	dateFormat = "dd/mm/yyyy"
	font       = "Arial" // on every Windows and Mac; LibreOffice substitutes Liberation Sans, of the same metrics
)

// book wraps an excelize file with the styles both workbooks use and the
// first error met, so that building code reads as a list of steps.
type book struct {
	f   *excelize.File
	err error

	title, subtitle, heading, header, label, text, wrap, input, inputDate, inputWrap, date, percent int
	wrapped                                                                                         map[int]int // a note's style (title, text) that wraps
	green, amber, red, late                                                                         int         // conditional (dxf) styles

	wraps    map[int]bool               // styles that wrap text
	width    map[string]map[int]float64 // column widths set, by sheet
	rowLines map[string]map[int]int     // lines the tallest wrapped cell of a row needs, by sheet
	frozen   map[string]int             // columns frozen on screen, by sheet: repeated on each printed page
	used     map[string][2]int          // the last column and row written, by sheet: its print area
	notes    map[string][]note          // a sheet's title and introduction lines, laid out by print
	sheets   []string                   // in the order first written
}

func newBook() *book {
	b := &book{f: excelize.NewFile(), wraps: map[int]bool{}, width: map[string]map[int]float64{}, rowLines: map[string]map[int]int{}, frozen: map[string]int{}, used: map[string][2]int{}, notes: map[string][]note{}}
	b.fail(b.f.SetDefaultFont(font))
	border := []excelize.Border{{Type: "left", Color: inputLine, Style: 1}, {Type: "right", Color: inputLine, Style: 1}, {Type: "top", Color: inputLine, Style: 1}, {Type: "bottom", Color: inputLine, Style: 1}}
	unlocked := &excelize.Protection{Locked: false}
	top := &excelize.Alignment{Vertical: "top"}
	wrapTop := &excelize.Alignment{Vertical: "top", WrapText: true}
	b.title = b.style(&excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Size: 16, Color: blue}})
	titleWrap := b.style(&excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Size: 16, Color: blue}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	b.subtitle = b.style(&excelize.Style{Font: &excelize.Font{Family: font, Size: 12, Color: darkText}})
	b.heading = b.style(&excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Size: 12, Color: blue}})
	b.header = b.style(&excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Color: "FFFFFF"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{blue}}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	b.label = b.style(&excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Color: darkText}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{paleGrey}}, Alignment: top})
	b.text = b.style(&excelize.Style{Alignment: top})
	b.wrap = b.style(&excelize.Style{Alignment: wrapTop})
	b.input = b.style(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{inputFill}}, Border: border, Protection: unlocked, Alignment: top})
	b.inputWrap = b.style(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{inputFill}}, Border: border, Protection: unlocked, Alignment: wrapTop})
	df := dateFormat
	b.inputDate = b.style(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{inputFill}}, Border: border, Protection: unlocked, CustomNumFmt: &df, Alignment: top})
	b.date = b.style(&excelize.Style{CustomNumFmt: &df, Alignment: top})
	b.percent = b.style(&excelize.Style{NumFmt: 10, Alignment: top}) // 0.00%
	b.wrapped = map[int]int{b.title: titleWrap, b.text: b.wrap}
	for _, id := range []int{b.header, b.wrap, b.inputWrap} {
		b.wraps[id] = true
	}
	b.green = b.condStyle(greenFill, greenText)
	b.amber = b.condStyle(amberFill, amberText)
	b.red = b.condStyle(redFill, redText)
	b.late = b.condStyle(lateFill, lateText)
	return b
}

func (b *book) style(s *excelize.Style) int {
	if b.err != nil {
		return 0
	}
	id, err := b.f.NewStyle(s)
	b.fail(err)
	return id
}

func (b *book) condStyle(fill, text string) int {
	if b.err != nil {
		return 0
	}
	id, err := b.f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Family: font, Color: text}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}}})
	b.fail(err)
	return id
}

func (b *book) fail(err error) {
	if err != nil && b.err == nil {
		b.err = err
	}
}

// cell names a cell by 1-based column and row.
func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// abs names a cell absolutely, with its sheet: 'Monthly data'!$C$5.
func abs(sheet string, col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row, true)
	return quote(sheet) + "!" + name
}

// absRange names a range absolutely, with its sheet: 'Charts'!$B$41:$M$41.
func absRange(sheet string, col1, row1, col2, row2 int) string {
	to, _ := excelize.CoordinatesToCellName(col2, row2, true)
	return abs(sheet, col1, row1) + ":" + to
}

// quote quotes a sheet name for a formula.
func quote(sheet string) string {
	return "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
}

func colName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

func (b *book) set(sheet string, col, row int, v any, style int) {
	if b.err != nil {
		return
	}
	c := cell(col, row)
	b.use(sheet, col, row)
	b.fail(b.f.SetCellValue(sheet, c, v))
	if style != 0 {
		b.fail(b.f.SetCellStyle(sheet, c, c, style))
	}
	if text, ok := v.(string); ok && b.wraps[style] {
		w, ok := b.width[sheet][col]
		if !ok {
			w = 9
		}
		b.grow(sheet, row, text, w)
	}
}

// grow notes how many lines a wrapped text needs in its column, so that
// finish can make the row tall enough: spreadsheet applications do not
// size rows to wrapped text when they open a file.
func (b *book) grow(sheet string, row int, text string, w float64) {
	// Characters a line holds: the column's printed width over 6.2 pt, the
	// average width of a bold Arial 11 character (regular is narrower, so
	// a regular line is never cut short).
	per := max(int(columnPoints(w)/6.2), 1)
	n := 0
	for _, line := range strings.Split(text, "\n") {
		n += max(1, (utf8.RuneCountInString(line)+per-1)/per)
	}
	if b.rowLines[sheet] == nil {
		b.rowLines[sheet] = map[int]int{}
		b.sheets = append(b.sheets, sheet)
	}
	b.rowLines[sheet][row] = max(b.rowLines[sheet][row], n)
}

// heights makes every row with wrapped text tall enough for it.
func (b *book) heights() {
	for _, sheet := range b.sheets {
		for _, row := range slices.Sorted(maps.Keys(b.rowLines[sheet])) {
			if n := b.rowLines[sheet][row]; n > 1 && b.err == nil {
				b.fail(b.f.SetRowHeight(sheet, row, min(float64(n)*15, 409))) // 409 pt: the tallest row a sheet allows
			}
		}
	}
}

func (b *book) formula(sheet string, col, row int, formula string, style int) {
	if b.err != nil {
		return
	}
	c := cell(col, row)
	b.use(sheet, col, row)
	b.fail(b.f.SetCellFormula(sheet, c, formula))
	if style != 0 {
		b.fail(b.f.SetCellStyle(sheet, c, c, style))
	}
}

// note is a line of text above a sheet's table: its title or a sentence
// of introduction, in column A.
type note struct {
	row   int
	text  string
	style int // b.title or b.text
}

// intro writes a title or introduction line of a sheet in column A; print
// makes it wrap across the columns that print with it.
func (b *book) intro(sheet string, row int, text string, style int) {
	b.set(sheet, 1, row, text, style)
	b.notes[sheet] = append(b.notes[sheet], note{row, text, style})
}

// use notes that a cell of the sheet holds something.
func (b *book) use(sheet string, col, row int) {
	u := b.used[sheet]
	b.used[sheet] = [2]int{max(u[0], col), max(u[1], row)}
}

func (b *book) styleRange(sheet string, col1, row1, col2, row2, style int) {
	if b.err == nil {
		b.fail(b.f.SetCellStyle(sheet, cell(col1, row1), cell(col2, row2), style))
	}
}

func (b *book) widths(sheet string, widths ...float64) {
	for i, w := range widths {
		b.colWidth(sheet, i+1, i+1, w)
	}
}

func (b *book) colWidth(sheet string, col1, col2 int, w float64) {
	if b.err == nil {
		b.fail(b.f.SetColWidth(sheet, colName(col1), colName(col2), w))
	}
	if b.width[sheet] == nil {
		b.width[sheet] = map[int]float64{}
	}
	for c := col1; c <= col2; c++ {
		b.width[sheet][c] = w
	}
}

func (b *book) freeze(sheet string, col, row int) {
	b.frozen[sheet] = col - 1
	if b.err == nil {
		b.fail(b.f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: col - 1, YSplit: row - 1, TopLeftCell: cell(col, row), ActivePane: pane(col, row)}))
	}
}

func pane(col, row int) string {
	switch {
	case col > 1 && row > 1:
		return "bottomRight"
	case col > 1:
		return "topRight"
	default:
		return "bottomLeft"
	}
}

func (b *book) name(name, refersTo, comment string) {
	if b.err == nil {
		b.fail(b.f.SetDefinedName(&excelize.DefinedName{Name: name, RefersTo: refersTo, Comment: comment}))
	}
}

// validate adds a data validation. formula1 and formula2 are formulas
// (without "="), escaped here for the XML they are written into.
func (b *book) validate(sheet, sqref, kind, operator, formula1, formula2, title, msg string) {
	if b.err != nil {
		return
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	dv.Type, dv.Operator = kind, operator
	dv.Formula1, dv.Formula2 = xmlText(formula1), xmlText(formula2)
	dv.SetError(excelize.DataValidationErrorStyleStop, title, msg)
	b.fail(b.f.AddDataValidation(sheet, dv))
}

// list adds a drop-down list of choices.
func (b *book) list(sheet, sqref string, choices []string, title, msg string) {
	if b.err != nil {
		return
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	b.fail(dv.SetDropList(choices))
	dv.SetError(excelize.DataValidationErrorStyleStop, title, msg)
	b.fail(b.f.AddDataValidation(sheet, dv))
}

// rag colours rng by three formulas (relative to its top-left cell).
func (b *book) rag(sheet, rng, green, amber, red string) {
	if b.err != nil {
		return
	}
	var opts []excelize.ConditionalFormatOptions
	for _, r := range []struct {
		formula string
		style   int
	}{{red, b.red}, {amber, b.amber}, {green, b.green}} {
		if r.formula == "" {
			continue
		}
		style := r.style
		opts = append(opts, excelize.ConditionalFormatOptions{Type: "formula", Criteria: r.formula, Format: &style})
	}
	b.fail(b.f.SetConditionalFormat(sheet, rng, opts))
}

func (b *book) protect(sheet string, allowFilter bool) {
	if b.err == nil {
		b.fail(b.f.ProtectSheet(sheet, &excelize.SheetProtectionOptions{
			Password: Password, SelectLockedCells: true, SelectUnlockedCells: true,
			FormatColumns: true, FormatRows: true, AutoFilter: allowFilter, Sort: allowFilter,
		}))
	}
}

// Printing on A4. A sheet prints in portrait when its columns fit the page
// at full size, else in landscape; a sheet wider than that shrinks to one
// page wide only as far as MinPrintScale, so that its 11 pt text never
// prints below 9 pt, and a wider one prints at that scale across pages,
// with the columns frozen on screen repeated on each. The header rows
// repeat on every page (repeatRows). The margins are half an inch.
const (
	MinPrintScale = 82  // per cent: 11 pt text at 9 pt
	printMargin   = 0.5 // inches, left and right, top and bottom
	a4Width       = 595.3
	a4Height      = 841.9
)

// columnPoints is the printed width in points of a column width in
// characters: Excel's width is in the default font's widest digit, 8 px for
// Arial 11 (6.1 pt), plus 5 px of padding; a pixel prints at 0.75 pt.
func columnPoints(w float64) float64 { return (w*8 + 5) * 0.75 }

// defaultColumnWidth is the width of a column without one of its own.
const defaultColumnWidth = 8.43

// sheetPoints is the printed width of a sheet's columns, up to the last
// column given a width.
func (b *book) sheetPoints(sheet string) float64 {
	pt := 0.0
	for c := 1; c <= b.lastColumn(sheet); c++ {
		pt += columnPoints(b.colWidthOf(sheet, c))
	}
	return pt
}

// lastColumn is the sheet's last column written or given a width.
func (b *book) lastColumn(sheet string) int {
	last := b.used[sheet][0]
	for c := range b.width[sheet] {
		last = max(last, c)
	}
	return last
}

// colWidthOf is a column's width in characters.
func (b *book) colWidthOf(sheet string, col int) float64 {
	if w, ok := b.width[sheet][col]; ok {
		return w
	}
	return defaultColumnWidth
}

// printLayout is how a sheet of a given width prints: its orientation, and
// either fitted to one page wide or at a fixed scale (fit false).
func printLayout(widthPt float64) (orientation string, fit bool, scale uint) {
	usable := func(page float64) float64 { return page - 2*printMargin*72 }
	switch {
	case widthPt <= usable(a4Width):
		return "portrait", false, 100
	case widthPt <= usable(a4Height):
		return "landscape", false, 100
	case widthPt*MinPrintScale/100 <= usable(a4Height):
		return "landscape", true, 0
	}
	return "landscape", false, MinPrintScale
}

// print sets the sheet's A4 layout for its width (printLayout; widthPt 0:
// its columns' width) and the rows and columns repeated on each page. Call
// it after freeze.
func (b *book) print(sheet, repeatRows string, widthPt float64) {
	if b.err != nil {
		return
	}
	if widthPt == 0 {
		widthPt = b.sheetPoints(sheet)
	}
	orientation, fit, scale := printLayout(widthPt)
	size, order := 9, "overThenDown" // 9: A4
	opts := &excelize.PageLayoutOptions{Orientation: &orientation, Size: &size, PageOrder: &order}
	if fit {
		wide, tall := 1, 0
		opts.FitToWidth, opts.FitToHeight = &wide, &tall
	} else {
		opts.AdjustTo = &scale
	}
	b.fail(b.f.SetPageLayout(sheet, opts))
	b.fail(b.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}))
	margin, edge := printMargin, 0.3
	b.fail(b.f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &margin, Right: &margin, Top: &margin, Bottom: &margin, Header: &edge, Footer: &edge}))
	// The print area is the cells in use, so that a long line of text does
	// not spill onto a page of its own beyond the last column.
	if u := b.used[sheet]; u[0] > 0 && b.err == nil {
		b.fail(b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", RefersTo: fmt.Sprintf("%s!$A$1:$%s$%d", quote(sheet), colName(b.lastColumn(sheet)), u[1]), Scope: sheet}))
	}
	var titles []string
	span := max(b.lastColumn(sheet), 1) // the columns a line of text may take
	if n := b.frozen[sheet]; n > 0 && !fit && scale == MinPrintScale {
		titles = append(titles, fmt.Sprintf("%s!$A:$%s", quote(sheet), colName(n)))
		span = n // repeated on every page: a line stays inside them
	}
	// Titles and introductions wrap inside those columns, rather than run
	// past the page's edge or over the next page's repeated columns.
	for _, n := range b.notes[sheet] {
		if b.err != nil {
			break
		}
		if span > 1 {
			b.fail(b.f.MergeCell(sheet, cell(1, n.row), cell(span, n.row)))
		}
		b.fail(b.f.SetCellStyle(sheet, cell(1, n.row), cell(span, n.row), b.wrapped[n.style]))
		w := 0.0
		for c := 1; c <= span; c++ {
			w += b.colWidthOf(sheet, c)
		}
		if n.style != b.title {
			b.grow(sheet, n.row, n.text, w)
			continue
		}
		// A title's characters are 16 pt: fewer to a line, and its row 22 pt
		// a line (a merged cell is never sized to its text).
		per := max(int(columnPoints(w)/(6.2*16/11)), 1)
		lines := (utf8.RuneCountInString(n.text) + per - 1) / per
		b.fail(b.f.SetRowHeight(sheet, n.row, float64(max(lines, 1))*22))
	}
	if repeatRows != "" {
		titles = append(titles, quote(sheet)+"!"+repeatRows)
	}
	if len(titles) > 0 && b.err == nil {
		b.fail(b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: strings.Join(titles, ","), Scope: sheet}))
	}
}

// titles writes a sheet's title and the line naming the ICB and the pack.
func (b *book) titles(sheet, title string, m Meta) {
	b.set(sheet, 1, 1, title, b.title)
	b.set(sheet, 1, 2, fmt.Sprintf("%s (%s): BCS medicines optimisation starter pack, version %s", m.Pack.Area.Title(), m.Pack.Area.Key(), m.Version), b.subtitle)
}

// logo puts m's logo at the top right of the About sheet, inside the
// right edge of column B (whose width is set), in a title row made tall
// enough to hold it, so it covers no text and prints inside the page.
func (b *book) logo(sheet string, m Meta) {
	if m.Logo == nil || b.err != nil {
		return
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(m.Logo))
	if err != nil {
		b.fail(fmt.Errorf("the logo is not a PNG image: %w", err))
		return
	}
	colPx := int(b.width[sheet][2]*7 + 5) // Excel's pixel width of a column at 100% (Calibri 11: 7 px a character, 5 of padding)
	scale := float64(LogoPixels) / float64(cfg.Width)
	b.fail(b.f.SetRowHeight(sheet, 1, LogoPixels*0.75+6))
	b.fail(b.f.AddPictureFromBytes(sheet, "B1", &excelize.Picture{Extension: ".png", File: m.Logo, InsertType: excelize.PictureInsertTypePlaceOverCells,
		Format: &excelize.GraphicOptions{AltText: m.LogoAlt, OffsetX: colPx - LogoPixels - 8, OffsetY: 4, ScaleX: scale, ScaleY: scale, Positioning: "oneCell", PrintObject: ptr(true), Locked: ptr(true)}}))
}

// about writes the document control block from row, returning the next free row.
func (b *book) about(sheet string, m Meta, title string, row int) int {
	b.set(sheet, 1, row, "Document control", b.heading)
	row++
	for _, kv := range m.Control {
		v := kv[1]
		if kv[0] == "Title" {
			v = title
		}
		if v == "" {
			continue // a value the practice fills in (its name) has its own input cell
		}
		b.set(sheet, 1, row, kv[0], b.label)
		b.set(sheet, 2, row, v, b.wrap)
		row++
	}
	return row + 1
}

// lines writes a heading and paragraphs, one a row, returning the next free row.
func (b *book) lines(sheet string, row int, heading string, paras ...string) int {
	b.set(sheet, 1, row, heading, b.heading)
	row++
	for _, p := range paras {
		b.set(sheet, 1, row, p, b.text)
		b.merged(sheet, row, p)
		row++
	}
	return row + 1
}

// merged merges columns A and B of a row holding a paragraph, and wraps it.
func (b *book) merged(sheet string, row int, text string) {
	if b.err != nil {
		return
	}
	b.fail(b.f.MergeCell(sheet, cell(1, row), cell(2, row)))
	b.fail(b.f.SetCellStyle(sheet, cell(1, row), cell(2, row), b.wrap))
	b.grow(sheet, row, text, b.width[sheet][1]+b.width[sheet][2])
}

// finish sets the document properties, saves and re-packs the workbook.
func (b *book) finish(m Meta, title, subject string) ([]byte, error) {
	date := m.Date.UTC().Format("2006-01-02T15:04:05Z")
	b.heights()
	if b.err == nil {
		b.fail(b.f.SetDocProps(&excelize.DocProperties{
			Title: title, Subject: subject, Creator: m.Author, LastModifiedBy: m.Author,
			Keywords: m.Keywords, Category: "Medicines optimisation starter pack",
			Description: fmt.Sprintf("%s for %s (%s), starter pack version %s.", title, m.Pack.Area.Title(), m.Pack.Area.Key(), m.Version),
			Created:     date, Modified: date, Revision: "1", Language: "en-GB", Version: m.Version,
		}))
		full := true
		b.fail(b.f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full}))
	}
	if b.err != nil {
		return nil, b.err
	}
	var buf bytes.Buffer
	if err := b.f.Write(&buf); err != nil {
		return nil, err
	}
	return Repack(buf.Bytes(), m.Date)
}

// Repack rewrites an Office Open XML package so that it depends only on its
// content: [Content_Types].xml first with its entries sorted, then every
// other part in name order, all dated at and mode 0644. Parts are copied
// compressed as they are (deflate output depends only on its input), so
// re-packing costs no second compression.
func Repack(data []byte, at time.Time) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	entries := slices.Clone(zr.File)
	slices.SortFunc(entries, func(a, b *zip.File) int {
		if (a.Name == contentTypes) != (b.Name == contentTypes) {
			if a.Name == contentTypes {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	at = at.UTC().Truncate(time.Second)
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for i, f := range entries {
		if i > 0 && f.Name == entries[i-1].Name {
			return nil, fmt.Errorf("part %s appears twice", f.Name)
		}
		if err := bundle.CheckName(f.Name); err != nil {
			return nil, err
		}
		if f.Name == contentTypes {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			body, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return nil, err
			}
			if body, err = sortContentTypes(body); err != nil {
				return nil, err
			}
			h := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: at}
			h.SetMode(0o644)
			e, err := w.CreateHeader(h)
			if err != nil {
				return nil, err
			}
			if _, err := e.Write(body); err != nil {
				return nil, err
			}
			continue
		}
		h := &zip.FileHeader{Name: f.Name, Method: f.Method, CRC32: f.CRC32, CompressedSize64: f.CompressedSize64, UncompressedSize64: f.UncompressedSize64, Modified: at}
		// CreateRaw takes the header as it is: set the MS-DOS date and time
		// that CreateHeader would derive from Modified.
		h.ModifiedDate = uint16((at.Year()-1980)<<9 | int(at.Month())<<5 | at.Day()) //nolint:staticcheck // the field CreateRaw writes
		h.ModifiedTime = uint16(at.Hour()<<11 | at.Minute()<<5 | at.Second()/2)      //nolint:staticcheck // the field CreateRaw writes
		h.SetMode(0o644)
		raw, err := f.OpenRaw()
		if err != nil {
			return nil, err
		}
		e, err := w.CreateRaw(h)
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(e, raw); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

const contentTypes = "[Content_Types].xml"

type ctTypes struct {
	XMLName   xml.Name     `xml:"http://schemas.openxmlformats.org/package/2006/content-types Types"`
	Defaults  []ctDefault  `xml:"Default"`
	Overrides []ctOverride `xml:"Override"`
}

type ctDefault struct {
	Extension   string `xml:"Extension,attr"`
	ContentType string `xml:"ContentType,attr"`
}

type ctOverride struct {
	PartName    string `xml:"PartName,attr"`
	ContentType string `xml:"ContentType,attr"`
}

func sortContentTypes(src []byte) ([]byte, error) {
	var t ctTypes
	if err := xml.Unmarshal(src, &t); err != nil {
		return nil, fmt.Errorf("%s: %v", contentTypes, err)
	}
	slices.SortFunc(t.Defaults, func(a, b ctDefault) int { return strings.Compare(a.Extension, b.Extension) })
	slices.SortFunc(t.Overrides, func(a, b ctOverride) int { return strings.Compare(a.PartName, b.PartName) })
	out, err := xml.Marshal(t)
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), out...), nil
}

// xmlText escapes s for XML character data.
func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// firstMonth is the first month of the financial year (April) the date falls in.
func firstMonth(d time.Time) time.Time {
	y := d.Year()
	if d.Month() < time.April {
		y--
	}
	return time.Date(y, time.April, 1, 0, 0, 0, 0, time.UTC)
}
