package workbook

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/bcs/publish/generator/internal/indicator"
	"github.com/bcs/publish/generator/internal/pack"
)

// The dashboard's sheets.
const (
	AboutSheet      = "About"
	IndicatorsSheet = "Indicators"
	DataSheet       = "Monthly data"
	RatesSheet      = "Rates"
	ChartsSheet     = "Charts"
	HRDSheet        = "HRD monitoring"
)

// Months is how many months the dashboard records.
const Months = 12

// Layout shared by the Indicators, Monthly data and Rates sheets: indicator
// i (0-based) is on row FirstRow+i of each, under a header on HeaderRow.
const (
	HeaderRow = 4
	FirstRow  = 5
)

// Columns of the Indicators sheet.
const (
	IndID = iota + 1
	IndName
	IndNumerator
	IndDenominator
	IndUnit
	IndDirection
	IndTarget
	IndLocalTarget
	IndAmber
	IndSource
	IndConfirmed
)

// IndicatorHeaders are the Indicators sheet's column headers, in column
// order (IndID ...): the Power BI model reads the sheet by these names.
var IndicatorHeaders = []string{"ID", "Indicator", "Numerator", "Denominator", "Unit", "Direction (better when)", "Target (as published)", "Local target", "Amber band", "Source", "Confirmed"}

// MonthHeader is the Monthly data header of month k's (0-based) numerator
// or denominator: "M01 numerator".
func MonthHeader(k int, numerator bool) string {
	if numerator {
		return fmt.Sprintf("M%02d numerator", k+1)
	}
	return fmt.Sprintf("M%02d denominator", k+1)
}

// Columns of the Rates sheet; month k (0-based) is column RateFirst+k.
const (
	RateDirection = 4
	RateTarget    = 5
	RateAmber     = 6
	RateFirst     = 7
	RateLatest    = RateFirst + Months
	RateStatus    = RateLatest + 1
)

// DataColumn is the Monthly data column of month k's numerator (denominator: +1).
func DataColumn(k int) int { return 3 + 2*k }

// DashboardTitle is the dashboard workbook's title.
const DashboardTitle = "Prescribing safety dashboard"

// Dashboard writes the prescribing safety dashboard for the ICB in m.
func Dashboard(inds []indicator.Indicator, m Meta) ([]byte, error) {
	b := newBook()
	b.fail(b.f.SetSheetName("Sheet1", AboutSheet))
	for _, s := range []string{IndicatorsSheet, DataSheet, RatesSheet, ChartsSheet, HRDSheet} {
		if b.err == nil {
			_, err := b.f.NewSheet(s)
			b.fail(err)
		}
	}
	last := FirstRow + len(inds) - 1
	practice, first := b.dashAbout(m)
	b.indicators(inds, m)
	b.monthlyData(inds, first)
	b.rates(inds, first, last)
	b.charts(inds)
	b.hrd(m)
	b.name("PracticeName", practice, "The practice the workbook is for")
	b.name(NameFirstMonth, first, "The first of the 12 months recorded")
	b.name(NameIndicators, fmt.Sprintf("%s!$A$%d:$%s$%d", quote(IndicatorsSheet), HeaderRow, colName(IndConfirmed), last), "The indicators, with targets")
	b.name(NameMonthlyData, fmt.Sprintf("%s!$A$%d:$%s$%d", quote(DataSheet), HeaderRow, colName(DataColumn(Months-1)+1), last), "Numerators and denominators, 12 months")
	b.name("Rates", fmt.Sprintf("%s!$A$%d:$%s$%d", quote(RatesSheet), HeaderRow, colName(RateStatus), last), "Monthly rates, the latest rate and its status")
	return b.finish(m, DashboardTitle, "Monthly prescribing safety indicators, rates against targets, and trends")
}

// dashAbout writes the About sheet and returns its two input cells: the
// practice's name and the first month recorded.
func (b *book) dashAbout(m Meta) (practice, first string) {
	s := AboutSheet
	p := m.Pack
	b.widths(s, 30, 100)
	b.titles(s, DashboardTitle, m)
	b.logo(s, m)
	row := b.about(s, m, DashboardTitle, 4)
	aboutPracticeRow, aboutMonthRow := row+1, row+2
	b.set(s, 1, row, "Your practice", b.heading)
	b.set(s, 1, aboutPracticeRow, "Practice name", b.label)
	b.set(s, 2, aboutPracticeRow, "", b.input)
	b.set(s, 1, aboutMonthRow, "First month recorded", b.label)
	b.set(s, 2, aboutMonthRow, firstMonth(m.Date), b.inputDate)
	b.validate(s, cell(2, aboutMonthRow), "date", "between", "DATE(2000,1,1)", "DATE(2100,12,31)", "First month", "Enter a date, for example 01/04/2026 for April 2026.")
	row = aboutMonthRow + 2
	row = b.lines(s, row, "How to use this workbook",
		"1. Type your practice's name and the first month of the year you are recording above. Yellow cells are the ones you type in; everything else is worked out.",
		"2. Each month, run your clinical system searches for each indicator (definitions on the Indicators sheet) and type the numerator and denominator counts into that month's columns on the Monthly data sheet.",
		"3. Agree a local target for each indicator and type it in the Local target column of the Indicators sheet. Targets set by an indicator's source are filled in already.",
		"4. The Rates sheet works out each month's rate and the latest month's status against the target, in words and in colour.",
		"5. The Charts sheet plots the key indicators over the 12 months against their targets, ready for the monthly review with the GP partner.",
		"6. The HRD monitoring sheet is the high-risk drug monitoring table for "+p.ICB.Name+", with its local changes.")
	row = b.lines(s, row, "Status",
		"Green: the latest rate meets the local target (at or above it when higher is better; at or below it when lower is better).",
		"Amber: the rate misses the target by no more than the indicator's amber band (Indicators sheet; 5 percentage points to start with: change it to your own).",
		"Red: the rate misses the target by more than the amber band.",
		"No target: no local target is set yet. Context: the indicator is watched for context and has no better direction.")
	b.styleRange(s, 1, row-5, 1, row-5, b.keyStyle(greenFill, greenText))
	b.styleRange(s, 1, row-4, 1, row-4, b.keyStyle(amberFill, amberText))
	b.styleRange(s, 1, row-3, 1, row-3, b.keyStyle(redFill, redText))
	row = b.lines(s, row, "Where the numbers come from",
		"Each indicator's definition and its source are on the Indicators sheet. Rows marked \"Check with your ICB before use\" have no published source yet: agree them with your ICB before relying on them.",
		"The PINCER indicators follow the windows of OpenSAFELY's published PINCER implementation (cited on the Indicators sheet). PRIMIS computes the national PINCER figures with its own definitions, so your rates may not match them: compare like with like.",
		"The rates are worked out by formulas from the counts you type; nothing is precomputed.")
	row = b.lines(s, row, "Protection",
		"The sheets are protected so that formulas and labels are not changed by accident; the yellow cells stay open for typing.",
		"To change anything else: Review > Unprotect Sheet, password: "+Password)
	b.lines(s, row, "Power BI",
		"The pack's powerbi folder holds a Power BI project over this workbook's Indicators and MonthlyData ranges, and a .pbids file that opens Power BI Desktop connected to it.")
	b.protect(s, false)
	b.print(s, "", 0)
	return abs(s, 2, aboutPracticeRow), abs(s, 2, aboutMonthRow)
}

// keyStyle is a plain (not conditional) style with a status colour, for the colour key.
func (b *book) keyStyle(fill, text string) int {
	return b.style(&excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Color: text}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
}

// unitWords is how the Indicators sheet shows a unit.
func unitWords(u indicator.Unit) string {
	switch u {
	case indicator.Per1000:
		return "per 1,000"
	case indicator.Ratio:
		return "ratio"
	}
	return "%"
}

// rateFormat is a Rates cell's number format for a unit.
func (b *book) rateStyle(u indicator.Unit, input bool) int {
	format := "0.0%"
	switch u {
	case indicator.Per1000:
		format = "0.0"
	case indicator.Ratio:
		format = "0.00"
	}
	st := &excelize.Style{CustomNumFmt: &format, Alignment: &excelize.Alignment{Vertical: "top"}}
	if input {
		in, _ := b.f.GetStyle(b.input)
		st.Fill, st.Border, st.Protection = in.Fill, in.Border, in.Protection
	}
	return b.style(st)
}

func (b *book) indicators(inds []indicator.Indicator, m Meta) {
	s := IndicatorsSheet
	b.widths(s, 20, 40, 50, 50, 10, 12, 30, 12, 12, 50, 18)
	b.intro(s, 1, "Indicators", b.title)
	b.intro(s, 2, "The definitions behind the dashboard, from the same file as the BCS website's \"What good looks like\" tables. Type your local targets in the yellow columns.", b.text)
	for i, h := range IndicatorHeaders {
		b.set(s, i+1, HeaderRow, h, b.header)
	}
	for i, ind := range inds {
		r := FirstRow + i
		b.set(s, IndID, r, ind.ID, b.text)
		b.set(s, IndName, r, ind.Name, b.wrap)
		b.set(s, IndNumerator, r, ind.Numerator, b.wrap)
		b.set(s, IndDenominator, r, ind.Denominator, b.wrap)
		b.set(s, IndUnit, r, unitWords(ind.Unit), b.text)
		b.set(s, IndDirection, r, string(ind.Direction), b.text)
		b.set(s, IndTarget, r, ind.Target, b.wrap)
		in := b.rateStyle(ind.Unit, true)
		if ind.TargetPercent != nil {
			b.set(s, IndLocalTarget, r, *ind.TargetPercent/100, in)
		} else {
			b.set(s, IndLocalTarget, r, "", in)
		}
		if ind.Unit == indicator.Percent && ind.Direction != indicator.Context {
			b.set(s, IndAmber, r, 0.05, in)
		} else {
			b.set(s, IndAmber, r, "", in)
		}
		source, confirmed := ind.Source, "Yes"
		if !ind.Verified {
			source, confirmed = "No published source yet", pack.CheckShort
		}
		b.set(s, IndSource, r, source, b.wrap)
		b.set(s, IndConfirmed, r, confirmed, b.text)
	}
	last := FirstRow + len(inds) - 1
	rng := fmt.Sprintf("%s%d:%s%d", colName(IndLocalTarget), FirstRow, colName(IndAmber), last)
	b.validate(s, rng, "decimal", "greaterThanOrEqual", "0", "", "Target", "Enter a number of 0 or more: a percentage for % indicators (95%), a rate for the others.")
	b.freeze(s, IndName+1, FirstRow)
	b.protect(s, true)
	b.print(s, fmt.Sprintf("$%d:$%d", HeaderRow, HeaderRow), 0)
}

// monthLabel is the formula for month k's first day.
func monthLabel(first string, k int) string {
	return fmt.Sprintf("DATE(YEAR(%s),MONTH(%s)+%d,1)", first, first, k)
}

func (b *book) monthlyData(inds []indicator.Indicator, first string) {
	s := DataSheet
	b.widths(s, 20, 44)
	monthStyle := b.style(&excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Color: blue}, CustomNumFmt: ptr("mmm yyyy"), Alignment: &excelize.Alignment{Horizontal: "centerContinuous"}})
	b.intro(s, 1, "Monthly data", b.title)
	b.intro(s, 2, "Type each month's counts from your searches: numerator first, then denominator. Leave a month blank until you have its counts.", b.text)
	b.set(s, 1, HeaderRow, IndicatorHeaders[IndID-1], b.header)
	b.set(s, 2, HeaderRow, IndicatorHeaders[IndName-1], b.header)
	for k := range Months {
		c := DataColumn(k)
		b.formula(s, c, HeaderRow-1, monthLabel(first, k), monthStyle)
		b.set(s, c+1, HeaderRow-1, "", monthStyle)
		b.set(s, c, HeaderRow, MonthHeader(k, true), b.header)
		b.set(s, c+1, HeaderRow, MonthHeader(k, false), b.header)
		b.colWidth(s, c, c+1, 12)
	}
	for i, ind := range inds {
		r := FirstRow + i
		b.set(s, 1, r, ind.ID, b.text)
		b.set(s, 2, r, ind.Name, b.wrap)
		b.styleRange(s, DataColumn(0), r, DataColumn(Months-1)+1, r, b.input)
	}
	// Validation, one rule per column and run of rows of one unit, so that
	// the relative references in custom rules start at the run's first cell.
	for start := 0; start < len(inds); {
		end := start
		for end+1 < len(inds) && inds[end+1].Unit == inds[start].Unit {
			end++
		}
		r1, r2 := FirstRow+start, FirstRow+end
		for k := range Months {
			n, d := cell(DataColumn(k), r1), cell(DataColumn(k)+1, r1)
			nr := fmt.Sprintf("%s:%s", n, cell(DataColumn(k), r2))
			dr := fmt.Sprintf("%s:%s", d, cell(DataColumn(k)+1, r2))
			if inds[start].Unit == indicator.Percent {
				b.validate(s, nr, "custom", "", fmt.Sprintf("AND(ISNUMBER(%s),%s=INT(%s),%s>=0,OR(ISBLANK(%s),%s<=%s))", n, n, n, n, d, n, d), "",
					"Numerator", "Enter a whole number of 0 or more, no larger than the denominator.")
				b.validate(s, dr, "custom", "", fmt.Sprintf("AND(ISNUMBER(%s),%s=INT(%s),%s>=0,OR(ISBLANK(%s),%s<=%s))", d, d, d, d, n, n, d), "",
					"Denominator", "Enter a whole number of 0 or more, no smaller than the numerator.")
			} else {
				b.validate(s, nr, "decimal", "greaterThanOrEqual", "0", "", "Numerator", "Enter a quantity of 0 or more.")
				b.validate(s, dr, "whole", "greaterThanOrEqual", "0", "", "Denominator", "Enter a whole number of 0 or more.")
			}
		}
		start = end + 1
	}
	b.freeze(s, 3, FirstRow)
	b.protect(s, false)
	b.print(s, fmt.Sprintf("$%d:$%d", HeaderRow-1, HeaderRow), 0)
}

func ptr[T any](v T) *T { return &v }

func (b *book) rates(inds []indicator.Indicator, first string, last int) {
	s := RatesSheet
	b.widths(s, 20, 44, 10, 10, 10, 10)
	b.colWidth(s, RateFirst, RateLatest, 10)
	b.colWidth(s, RateStatus, RateStatus, 12)
	monthHeader := b.style(&excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Color: "FFFFFF"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{blue}}, CustomNumFmt: ptr("mmm yyyy"), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	b.intro(s, 1, "Rates", b.title)
	b.intro(s, 2, "Worked out from the Monthly data sheet, against the local targets on the Indicators sheet. Status is the latest month's.", b.text)
	for i, h := range []string{"ID", "Indicator", "Unit", "Direction", "Target", "Amber band"} {
		b.set(s, i+1, HeaderRow, h, b.header)
	}
	for k := range Months {
		b.formula(s, RateFirst+k, HeaderRow, monthLabel(first, k), monthHeader)
	}
	b.set(s, RateLatest, HeaderRow, "Latest", b.header)
	b.set(s, RateStatus, HeaderRow, "Status", b.header)
	for i, ind := range inds {
		r := FirstRow + i
		rate := b.rateStyle(ind.Unit, false)
		b.set(s, 1, r, ind.ID, b.text)
		b.set(s, 2, r, ind.Name, b.wrap)
		b.set(s, 3, r, unitWords(ind.Unit), b.text)
		b.formula(s, RateDirection, r, abs(IndicatorsSheet, IndDirection, r), b.text)
		b.formula(s, RateTarget, r, fmt.Sprintf(`IF(ISNUMBER(%[1]s),%[1]s,"")`, abs(IndicatorsSheet, IndLocalTarget, r)), rate)
		b.formula(s, RateAmber, r, fmt.Sprintf(`IF(ISNUMBER(%[1]s),%[1]s,0)`, abs(IndicatorsSheet, IndAmber, r)), rate)
		mult := ""
		if m := ind.Unit.Multiplier(); m != 1 {
			mult = fmt.Sprintf("*%g", m)
		}
		for k := range Months {
			n, d := abs(DataSheet, DataColumn(k), r), abs(DataSheet, DataColumn(k)+1, r)
			n, d = strings.Replace(n, "$", "", 2), strings.Replace(d, "$", "", 2) // relative rows read better
			b.formula(s, RateFirst+k, r, fmt.Sprintf(`IF(AND(ISNUMBER(%[1]s),ISNUMBER(%[2]s)),IF(%[2]s>0,%[1]s/%[2]s%[3]s,""),"")`, n, d, mult), rate)
		}
		b.formula(s, RateLatest, r, latestFormula(r), rate)
		b.formula(s, RateStatus, r, statusFormula(cell(RateLatest, r), cell(RateDirection, r), cell(RateTarget, r), cell(RateAmber, r)), b.text)
	}
	// Colour every rate by its indicator's target (relative to the range's first cell).
	x, d, t, a := cell(RateFirst, FirstRow), "$"+cell(RateDirection, FirstRow), "$"+cell(RateTarget, FirstRow), "$"+cell(RateAmber, FirstRow)
	rng := fmt.Sprintf("%s:%s", cell(RateFirst, FirstRow), cell(RateLatest, last))
	b.rag(s, rng,
		fmt.Sprintf(`AND(ISNUMBER(%[1]s),ISNUMBER(%[3]s),OR(AND(%[2]s="higher",%[1]s>=%[3]s),AND(%[2]s="lower",%[1]s<=%[3]s)))`, x, d, t),
		fmt.Sprintf(`AND(ISNUMBER(%[1]s),ISNUMBER(%[3]s),OR(AND(%[2]s="higher",%[1]s<%[3]s,%[1]s>=%[3]s-%[4]s),AND(%[2]s="lower",%[1]s>%[3]s,%[1]s<=%[3]s+%[4]s)))`, x, d, t, a),
		fmt.Sprintf(`AND(ISNUMBER(%[1]s),ISNUMBER(%[3]s),OR(AND(%[2]s="higher",%[1]s<%[3]s-%[4]s),AND(%[2]s="lower",%[1]s>%[3]s+%[4]s)))`, x, d, t, a))
	st := "$" + cell(RateStatus, FirstRow)
	b.rag(s, fmt.Sprintf("%s:%s", cell(RateStatus, FirstRow), cell(RateStatus, last)),
		st+`="Green"`, st+`="Amber"`, st+`="Red"`)
	b.freeze(s, 3, FirstRow)
	b.protect(s, false)
	b.print(s, fmt.Sprintf("$%d:$%d", HeaderRow, HeaderRow), 0)
}

// latestFormula is the last month's rate of row r that has one: nested IFs
// from month 12 back, because LOOKUP over a range with gaps differs between
// Excel and LibreOffice.
func latestFormula(r int) string {
	f := `""`
	for k := range Months {
		c := cell(RateFirst+k, r)
		f = fmt.Sprintf("IF(ISNUMBER(%s),%s,%s)", c, c, f)
	}
	return f
}

// statusFormula is the words for a rate against its target: Green, Amber,
// Red, No target, Context, or empty while there is no rate.
func statusFormula(rate, dir, target, amber string) string {
	return fmt.Sprintf(`IF(%[1]s="","",IF(%[2]s="context","Context",IF(NOT(ISNUMBER(%[3]s)),"No target",`+
		`IF(%[2]s="higher",IF(%[1]s>=%[3]s,"Green",IF(%[1]s>=%[3]s-%[4]s,"Amber","Red")),`+
		`IF(%[1]s<=%[3]s,"Green",IF(%[1]s<=%[3]s+%[4]s,"Amber","Red"))))))`, rate, dir, target, amber)
}

// Chart layout: the charted rows sit under the charts.
const (
	chartsPerRow  = 1
	chartTop      = 6  // the first chart's row, under the sheet's title and notes
	chartRows     = 16 // worksheet rows a chart takes: two to a printed page
	chartCols     = 8
	chartWidth    = 860 // pixels: one chart across a landscape page, its 12 month labels at 11 pt apart
	chartHeight   = 300
	chartDataNote = "Chart data (from the Rates sheet; #N/A marks a month without data)"
	// chartGapNote says what the charts show for a month without data: in
	// Excel it has no point; LibreOffice Calc (7.4, as tested) draws a
	// formula's #N/A at 0, which would read as a real 0%.
	chartGapNote  = "A month without data has no point on a chart in Excel; LibreOffice Calc draws it at 0."
	chartGapCheck = "Check the Rates sheet for the months that have data before reading a 0 on a chart as a result."
)

func (b *book) charts(inds []indicator.Indicator) {
	s := ChartsSheet
	var key []int
	for i, ind := range inds {
		if ind.Key {
			key = append(key, i)
		}
	}
	b.intro(s, 1, "Key indicators over the year", b.title)
	b.intro(s, 2, "Each chart shows the monthly rate and the local target (Indicators sheet).", b.text)
	b.intro(s, 3, chartGapNote, b.text)
	b.intro(s, 4, chartGapCheck, b.text)
	dataRow := chartTop + (len(key)+chartsPerRow-1)/chartsPerRow*chartRows + 1
	b.set(s, 1, dataRow, chartDataNote, b.heading)
	hdr := dataRow + 1
	b.set(s, 1, hdr, "Series", b.header)
	monthHeader := b.style(&excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Color: "FFFFFF"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{blue}}, CustomNumFmt: ptr("mmm yy")})
	for k := range Months {
		b.formula(s, 2+k, hdr, abs(RatesSheet, RateFirst+k, HeaderRow), monthHeader)
	}
	b.widths(s, 36)
	b.colWidth(s, 2, 1+Months, 7) // the data table as wide as a chart: the sheet prints at full size
	for j, i := range key {
		ind := inds[i]
		r := FirstRow + i
		rateRow, targetRow := hdr+1+2*j, hdr+2+2*j
		style := b.rateStyle(ind.Unit, false)
		b.set(s, 1, rateRow, ind.ID+": rate", b.text)
		b.set(s, 1, targetRow, ind.ID+": target", b.text)
		for k := range Months {
			src := abs(RatesSheet, RateFirst+k, r)
			b.formula(s, 2+k, rateRow, fmt.Sprintf("IF(ISNUMBER(%[1]s),%[1]s,NA())", src), style)
			b.formula(s, 2+k, targetRow, fmt.Sprintf("IF(ISNUMBER(%[1]s),%[1]s,NA())", abs(RatesSheet, RateTarget, r)), style)
		}
		series := func(row int, colour string) excelize.ChartSeries {
			return excelize.ChartSeries{
				Name:       abs(s, 1, row),
				Categories: absRange(s, 2, hdr, 1+Months, hdr),
				Values:     absRange(s, 2, row, 1+Months, row),
				Line:       excelize.LineOptions{Width: 2},
				Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}},
				Marker:     excelize.ChartMarker{Symbol: "circle", Size: 5},
			}
		}
		format := "0%"
		if ind.Unit != indicator.Percent {
			format = "0.0"
		}
		chart := &excelize.Chart{
			Type:   excelize.Line,
			Series: []excelize.ChartSeries{series(rateRow, blue), series(targetRow, "768692")},
			Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: ind.ID + ": " + ind.Name, Font: &excelize.Font{Family: font, Bold: true, Size: 11, Color: darkText}}}},
			Format: excelize.GraphicOptions{AltText: fmt.Sprintf("Line chart of %s, monthly rate against the local target, over 12 months", ind.Name), PrintObject: ptr(true), Locked: ptr(true)},
			// Labels at 11 pt, as the sheets' text, so that they print at 9 pt or more.
			Legend: excelize.ChartLegend{Position: "bottom", Font: &excelize.Font{Family: font, Size: 11, Color: darkText}},
			YAxis:  excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: format}, Font: excelize.Font{Family: font, Size: 11, Color: darkText}},
			XAxis:  excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "mmm yy"}, Font: excelize.Font{Family: font, Size: 11, Color: darkText}},
			Dimension: excelize.ChartDimension{
				Width: chartWidth, Height: chartHeight,
			},
			ShowBlanksAs: "gap",
		}
		top := chartTop + (j/chartsPerRow)*chartRows
		at := cell(1+(j%chartsPerRow)*chartCols, top)
		// Printed, the first page holds the titles and one chart, each
		// later page two: a page break before charts 1, 3, 5, ...
		if j%2 == 1 && b.err == nil {
			b.fail(b.f.InsertPageBreak(s, cell(1, top)))
		}
		if b.err == nil {
			b.fail(b.f.AddChart(s, at, chart))
		}
	}
	b.protect(s, false)
	b.print(s, "", max(b.sheetPoints(s), chartWidth*0.75)) // a chart is as wide as it is, whatever its columns
}

func (b *book) hrd(m Meta) {
	s := HRDSheet
	p := m.Pack
	b.widths(s, 18, 22, 22, 40, 26, 22, 14, 40, 40, 18, 50)
	b.intro(s, 1, "High-risk drug monitoring: "+p.ICB.Name, b.title)
	b.intro(s, 2, pack.AlignmentText(p)+" Local changes to the national monitoring are shown next to the national interval; \""+pack.CheckShort+"\" marks what is not recorded or not confirmed for this area.", b.text)
	for i, h := range []string{"Group", "Drug", "Class", "Tests", "Interval when stable", "National interval (where this area differs)", "Formulary status", "What the status means", "Notes", "Status source", "Monitoring source"} {
		b.set(s, i+1, HeaderRow, h, b.header)
	}
	for i, d := range p.Drugs {
		r := FirstRow + i
		tests, interval, notes, source := d.Tests, d.Interval, d.Notes, d.Source
		if d.Override != nil {
			source = d.Override.Source
		} else if !d.Verified {
			tests, interval, notes, source = pack.CheckShort, pack.CheckShort, pack.CheckShort, "Not yet confirmed: "+d.Source
		}
		status, meaning, statusSource := pack.CheckShort, "", ""
		if d.Label != "" {
			status, statusSource = d.Label, d.Local.Source
			if d.Local.Detail != "" {
				status += ": " + d.Local.Detail
			}
			var ms []string
			for _, st := range d.Statuses {
				if st.Confirmed {
					ms = append(ms, st.Label+": "+st.Meaning)
				}
			}
			meaning = strings.Join(ms, " ")
		}
		for c, v := range []string{d.Group, d.Name, d.Class, tests, interval, d.NationalInt, status, meaning, notes, statusSource, source} {
			b.set(s, c+1, r, v, b.wrap)
		}
	}
	b.freeze(s, 3, FirstRow)
	b.protect(s, true)
	b.print(s, fmt.Sprintf("$%d:$%d", HeaderRow, HeaderRow), 0)
}
