package workbook

import (
	"fmt"
	"github.com/bcs/publish/generator/internal/pack"

	"github.com/xuri/excelize/v2"
)

// The tracker's sheets.
const (
	AlertsSheet  = "Alerts"
	SummarySheet = "Summary"
)

// TrackerTitle is the tracker workbook's title.
const TrackerTitle = "MHRA alert closure tracker"

// AlertRows is how many alert rows the tracker's table has ready.
const AlertRows = 200

// Columns of the Alerts table. The worked-out ones (Status, DaysLeft,
// Overdue, Outstanding) sit among the inputs where a reader looks for them.
const (
	AlertStatus = iota + 1
	AlertType
	AlertReference
	AlertTitle
	AlertIssuer
	AlertIssued
	AlertReceived
	AlertApplicable
	AlertReason
	AlertDeadline
	AlertDaysLeft
	AlertOverdue
	AlertActions
	AlertOwner
	AlertActionStatus
	AlertSearch
	AlertSearchRun
	AlertIdentified
	AlertActioned
	AlertOutstanding
	AlertCodes
	AlertNotes
	AlertClosed
	AlertSignedBy
	AlertSignedRole
	AlertSignedDate
	AlertInformed
	AlertRerun
	alertColumns = AlertRerun
)

type alertColumn struct {
	header string
	width  float64
	kind   string // text, long, date, count, list, formula
	list   []string
	help   string
}

// Choices of the Alerts table's drop-down columns.
var (
	AlertTypes      = []string{"National Patient Safety Alert", "Drug Safety Update", "Medicines recall", "Other CAS alert"}
	Applicability   = []string{"Yes", "No", "Not yet assessed"}
	ActionStatuses  = []string{"Not started", "In progress", "Complete"}
	InformedChoices = []string{"Yes", "No", "Not needed"}
)

var alertColumnsSpec = map[int]alertColumn{
	AlertStatus:       {"Status", 16, "formula", nil, ""},
	AlertType:         {"Type", 22, "list", AlertTypes, "Choose the kind of alert."},
	AlertReference:    {"Reference or URL", 26, "text", nil, ""},
	AlertTitle:        {"Title", 40, "long", nil, ""},
	AlertIssuer:       {"Issuer", 14, "text", nil, ""},
	AlertIssued:       {"Issue date", 12, "date", nil, ""},
	AlertReceived:     {"Date received", 12, "date", nil, ""},
	AlertApplicable:   {"Applicable", 12, "list", Applicability, "Does the alert apply to the practice?"},
	AlertReason:       {"Reason (if not applicable)", 26, "long", nil, ""},
	AlertDeadline:     {"Action deadline", 12, "date", nil, ""},
	AlertDaysLeft:     {"Days to deadline", 10, "formula", nil, ""},
	AlertOverdue:      {"Overdue", 9, "formula", nil, ""},
	AlertActions:      {"Actions", 40, "long", nil, ""},
	AlertOwner:        {"Action owner", 18, "text", nil, ""},
	AlertActionStatus: {"Action status", 13, "list", ActionStatuses, "Choose the actions' status."},
	AlertSearch:       {"Search name", 26, "text", nil, ""},
	AlertSearchRun:    {"Search date run", 12, "date", nil, ""},
	AlertIdentified:   {"Patients identified", 11, "count", nil, ""},
	AlertActioned:     {"Patients actioned", 11, "count", nil, ""},
	AlertOutstanding:  {"Patients outstanding", 11, "formula", nil, ""},
	AlertCodes:        {"SNOMED codes recorded", 24, "text", nil, ""},
	AlertNotes:        {"Notes", 30, "long", nil, ""},
	AlertClosed:       {"Date closed", 12, "date", nil, ""},
	AlertSignedBy:     {"Signed off by", 18, "text", nil, ""},
	AlertSignedRole:   {"Sign-off role", 16, "text", nil, ""},
	AlertSignedDate:   {"Sign-off date", 12, "date", nil, ""},
	AlertInformed:     {"ICB/MSO informed", 12, "list", InformedChoices, "Has the ICB or its medication safety officer been told?"},
	AlertRerun:        {"Re-run date", 12, "date", nil, ""},
}

// Summary rows: label in column A, value in column B.
const (
	SumToday = iota + 4
	SumQuarterStart
	SumQuarterEnd
	SumLogged
	SumOpen
	SumOverdue
	SumDueSoon
	SumClosedOnTime
	SumClosedLate
	SumNotApplicable
	SumOutstanding
	SumDeadlineQuarter
	SumClosedByDeadline
	SumRate
)

// Tracker writes the MHRA alert closure tracker for the ICB in m.
func Tracker(m Meta) ([]byte, error) {
	b := newBook()
	b.fail(b.f.SetSheetName("Sheet1", AboutSheet))
	for _, s := range []string{AlertsSheet, SummarySheet} {
		if b.err == nil {
			_, err := b.f.NewSheet(s)
			b.fail(err)
		}
	}
	b.trackerAbout(m)
	b.alerts()
	b.summary(m)
	return b.finish(m, TrackerTitle, "Safety alerts received, actioned, closed and signed off")
}

func (b *book) trackerAbout(m Meta) {
	s := AboutSheet
	b.widths(s, 30, 100)
	b.titles(s, TrackerTitle, m)
	b.logo(s, m)
	row := b.about(s, m, TrackerTitle, 4)
	row = b.lines(s, row, "How to use this workbook",
		"1. Log every medicines safety communication the practice receives on the Alerts sheet, one row each, the day it arrives. Yellow cells are the ones you type in.",
		"2. Record whether it applies to the practice (and why not, if not), its action deadline, the actions with their owner, and the search you ran with the patients it found and actioned.",
		"3. When every action is complete, enter the date closed and the sign-off (name, role, date), and record whether the ICB or its medication safety officer was informed.",
		"4. Status, days to deadline, overdue and patients outstanding are worked out for you: overdue rows turn red, rows due within 7 days amber, rows closed after their deadline orange, rows closed on time green. Filter the table by any column.",
		"5. The Summary sheet counts open, overdue and closed alerts for the current quarter, and gives the counts for the dashboard's \"Safety alerts closed by deadline\" indicator.")
	row = b.lines(s, row, "Kinds of alert",
		"National Patient Safety Alert (NatPSA): has a reference such as NatPSA/2023/013/MHRA and an action deadline.",
		"Drug Safety Update: MHRA's monthly bulletin; articles have no reference number, so record the title, date and URL.",
		"Medicines recall: drug alerts and recalls, with their class and reference.",
		"Other CAS alert: anything else cascaded through the Central Alerting System.")
	b.lines(s, row, "Protection",
		"The sheets are protected so that formulas and labels are not changed by accident; the yellow cells stay open for typing, and filters and sorting work.",
		fmt.Sprintf("The Alerts table has %d rows ready. To add rows or change anything else: Review > Unprotect Sheet, password: %s", AlertRows, Password))
	b.protect(s, false)
	b.print(s, "", 0)
}

// alertRow is the first row of the Alerts table's data.
const alertRow = HeaderRow + 1

func (b *book) alerts() {
	s := AlertsSheet
	last := alertRow + AlertRows - 1
	b.intro(s, 1, "Safety alerts", b.title)
	b.intro(s, 2, "One row per alert. Grey columns are worked out; yellow ones are yours to fill in.", b.text)
	worked := b.style(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{paleGrey}}, Alignment: &excelize.Alignment{Vertical: "top"}})
	for c := 1; c <= alertColumns; c++ {
		spec := alertColumnsSpec[c]
		b.set(s, c, HeaderRow, spec.header, b.header)
		b.colWidth(s, c, c, spec.width)
		style := b.input
		switch spec.kind {
		case "formula":
			style = worked
		case "date":
			style = b.inputDate
		case "long":
			style = b.inputWrap
		}
		b.styleRange(s, c, alertRow, c, last, style)
		col := fmt.Sprintf("%s%d:%s%d", colName(c), alertRow, colName(c), last)
		switch spec.kind {
		case "list":
			b.list(s, col, spec.list, spec.header, spec.help+" Choose from the list.")
		case "date":
			b.validate(s, col, "date", "between", "DATE(2000,1,1)", "DATE(2100,12,31)", spec.header, "Enter a date, for example 26/11/2026.")
		}
	}
	ref := func(c, r int) string { return "$" + cell(c, r) }
	for r := alertRow; r <= last; r++ {
		used := fmt.Sprintf(`%s&%s=""`, ref(AlertType, r), ref(AlertTitle, r))
		deadline, closed, applicable := ref(AlertDeadline, r), ref(AlertClosed, r), ref(AlertApplicable, r)
		b.formula(s, AlertStatus, r, fmt.Sprintf(`IF(%[1]s,"",IF(%[4]s="No","Not applicable",IF(%[3]s<>"",IF(AND(%[2]s<>"",%[3]s>%[2]s),"Closed late","Closed"),`+
			`IF(%[2]s="","Open",IF(TODAY()>%[2]s,"Overdue",IF(%[2]s-TODAY()<=7,"Due within 7 days","Open"))))))`, used, deadline, closed, applicable), 0)
		b.formula(s, AlertDaysLeft, r, fmt.Sprintf(`IF(OR(%s="",%s<>"",%s="No"),"",%s-TODAY())`, deadline, closed, applicable, deadline), 0)
		b.formula(s, AlertOverdue, r, fmt.Sprintf(`IF(%s,"",IF(%s="Overdue","Yes","No"))`, used, ref(AlertStatus, r)), 0)
		b.formula(s, AlertOutstanding, r, fmt.Sprintf(`IF(ISNUMBER(%[1]s),%[1]s-N(%[2]s),"")`, ref(AlertIdentified, r), ref(AlertActioned, r)), 0)
	}
	n, d := cell(AlertActioned, alertRow), cell(AlertIdentified, alertRow)
	b.validate(s, fmt.Sprintf("%s%d:%s%d", colName(AlertIdentified), alertRow, colName(AlertIdentified), last), "whole", "greaterThanOrEqual", "0", "", "Patients identified", "Enter a whole number of 0 or more.")
	b.validate(s, fmt.Sprintf("%s:%s%d", n, colName(AlertActioned), last), "custom", "",
		fmt.Sprintf("AND(ISNUMBER(%[1]s),%[1]s=INT(%[1]s),%[1]s>=0,OR(ISBLANK(%[2]s),%[1]s<=%[2]s))", n, d), "",
		"Patients actioned", "Enter a whole number of 0 or more, no more than the patients identified.")
	st := "$" + cell(AlertStatus, alertRow)
	rows := fmt.Sprintf("A%d:%s%d", alertRow, colName(alertColumns), last)
	b.rag(s, rows, st+`="Closed"`, st+`="Due within 7 days"`, st+`="Overdue"`)
	if b.err == nil { // closed after its deadline: not the green of closed on time
		late := b.late
		b.fail(b.f.SetConditionalFormat(s, rows, []excelize.ConditionalFormatOptions{{Type: "formula", Criteria: st + `="Closed late"`, Format: &late}}))
	}
	if b.err == nil {
		b.fail(b.f.AddTable(s, &excelize.Table{
			Range: fmt.Sprintf("A%d:%s%d", HeaderRow, colName(alertColumns), last), Name: "Alerts",
			StyleName: "TableStyleLight1", ShowRowStripes: ptr(false),
		}))
	}
	b.freeze(s, AlertTitle+1, alertRow)
	b.protect(s, true)
	b.print(s, fmt.Sprintf("$%d:$%d", HeaderRow, HeaderRow), 0)
}

// alertRange is the absolute range of one Alerts column's data.
func alertRange(c int) string {
	return absRange(AlertsSheet, c, alertRow, c, alertRow+AlertRows-1)
}

func (b *book) summary(m Meta) {
	s := SummarySheet
	b.widths(s, 52, 14, 70)
	b.intro(s, 1, "Alert summary", b.title)
	b.intro(s, 2, "Worked out from the Alerts sheet, as of today. Quarters are calendar quarters (NHS financial quarters run April-June, July-September, October-December, January-March: the same months).", b.text)
	status, deadline, closed, applicable := alertRange(AlertStatus), alertRange(AlertDeadline), alertRange(AlertClosed), alertRange(AlertApplicable)
	qs, qe := "$B$"+fmt.Sprint(SumQuarterStart), "$B$"+fmt.Sprint(SumQuarterEnd)
	rows := []struct {
		row            int
		label, formula string
		style          int
		help           string
	}{
		{SumToday, "Today", "TODAY()", b.date, ""},
		{SumQuarterStart, "This quarter starts", fmt.Sprintf("DATE(YEAR(B%[1]d),INT((MONTH(B%[1]d)-1)/3)*3+1,1)", SumToday), b.date, ""},
		{SumQuarterEnd, "This quarter ends", fmt.Sprintf("DATE(YEAR(B%[1]d),MONTH(B%[1]d)+3,0)", SumQuarterStart), b.date, ""},
		{SumLogged, "Alerts logged", fmt.Sprintf(`SUMPRODUCT(--(%s<>""))`, status), b.text, "Every row with a type or a title."},
		{SumOpen, "Open (applicable, not closed)", fmt.Sprintf(`COUNTIF(%[1]s,"Open")+COUNTIF(%[1]s,"Due within 7 days")+COUNTIF(%[1]s,"Overdue")`, status), b.text, "Includes the overdue ones and those due within 7 days."},
		{SumOverdue, "Overdue", fmt.Sprintf(`COUNTIF(%s,"Overdue")`, status), b.text, "Open past the action deadline."},
		{SumDueSoon, "Due within 7 days", fmt.Sprintf(`COUNTIF(%s,"Due within 7 days")`, status), b.text, ""},
		{SumClosedOnTime, "Closed on time this quarter", fmt.Sprintf(`SUMPRODUCT((%[1]s>=%[3]s)*(%[1]s<=%[4]s)*(%[2]s<>"")*(%[1]s<=%[2]s))`, closed, deadline, qs, qe), b.text, "Closed this quarter, on or before the action deadline."},
		{SumClosedLate, "Closed late this quarter", fmt.Sprintf(`SUMPRODUCT((%[1]s>=%[3]s)*(%[1]s<=%[4]s)*(%[2]s<>"")*(%[1]s>%[2]s))`, closed, deadline, qs, qe), b.text, "Closed this quarter, after the action deadline."},
		{SumNotApplicable, "Not applicable", fmt.Sprintf(`COUNTIF(%s,"Not applicable")`, status), b.text, ""},
		{SumOutstanding, "Patients outstanding", fmt.Sprintf(`SUM(%s)`, alertRange(AlertOutstanding)), b.text, "Identified by alert searches and not yet actioned."},
		{SumDeadlineQuarter, "Applicable alerts with a deadline this quarter", fmt.Sprintf(`SUMPRODUCT((%[1]s>=%[3]s)*(%[1]s<=%[4]s)*(%[2]s<>"No"))`, deadline, applicable, qs, qe), b.text, "The denominator of the dashboard's ALERT-CLOSED-ON-TIME indicator."},
		{SumClosedByDeadline, "... of which closed by the deadline", fmt.Sprintf(`SUMPRODUCT((%[1]s>=%[4]s)*(%[1]s<=%[5]s)*(%[2]s<>"No")*(%[3]s<>"")*(%[3]s<=%[1]s))`, deadline, applicable, closed, qs, qe), b.text, "Its numerator."},
		{SumRate, "Closed by deadline", fmt.Sprintf(`IF(B%d=0,"",B%d/B%d)`, SumDeadlineQuarter, SumClosedByDeadline, SumDeadlineQuarter), b.percent, ""},
	}
	for _, r := range rows {
		b.set(s, 1, r.row, r.label, b.label)
		b.formula(s, 2, r.row, r.formula, r.style)
		if r.help != "" {
			b.set(s, 3, r.row, r.help, b.wrap)
		}
	}
	b.rag(s, fmt.Sprintf("B%d", SumOverdue), "", "", fmt.Sprintf("B%d>0", SumOverdue))
	b.rag(s, fmt.Sprintf("B%d", SumDueSoon), "", fmt.Sprintf("B%d>0", SumDueSoon), "")
	row := SumRate + 2
	p := m.Pack
	b.set(s, 1, row, "Who to tell in "+p.ICB.Name, b.heading)
	row++
	for _, key := range []string{pack.RoleMSO, pack.RoleMOTeam} { // who an alert goes to first
		c := p.Contact(key)
		if c == nil {
			// Not confirmed for the area: a cell to type it in once the ICB confirms it.
			b.set(s, 1, row, pack.RoleTitle(key), b.label)
			b.set(s, 2, row, "", b.input)
			b.set(s, 3, row, pack.CheckShort+": ask your ICB and type the contact here.", b.wrap)
			row += 2
			continue
		}
		b.set(s, 1, row, c.Role, b.label)
		b.set(s, 2, row, c.Name, b.text)
		row++
		for _, kv := range [][2]string{{"Email", c.Email}, {"Phone", c.Phone}, {"Web", c.URL}} {
			if kv[1] == "" {
				continue
			}
			b.set(s, 1, row, kv[0], b.text)
			b.set(s, 2, row, kv[1], b.text)
			row++
		}
		row++
	}
	b.name("QuarterStart", abs(s, 2, SumQuarterStart), "The first day of the current quarter")
	b.protect(s, false)
	b.print(s, "", 0)
}
