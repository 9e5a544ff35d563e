// Package csvtab reads the project's CSV data files strictly: an exact
// header, the same number of fields on every row, no spaces around values,
// and the position of every field kept for error messages.
package csvtab

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/bcs/publish/generator/internal/diag"
)

// Row is one data row.
type Row struct {
	Fields []string
	pos    []diag.Pos
}

// Pos is the position of field i in the file.
func (r Row) Pos(i int) diag.Pos { return r.pos[i] }

// Read parses src, whose header must be exactly columns. name is the file as
// the user knows it. Rows with the wrong number of fields or values with
// spaces around them are reported, all of them, as a diag.List; the other
// rows are returned so the caller can keep checking.
func Read(name string, src []byte, columns []string) ([]Row, diag.List) {
	src = bytes.TrimPrefix(src, []byte("\uFEFF")) // Excel writes a BOM
	if err := diag.CheckUTF8(name, src, 1); err != nil {
		return nil, diag.List{err}
	}
	r := csv.NewReader(bytes.NewReader(src))
	r.FieldsPerRecord = -1 // checked per row, for a clearer message
	header, err := r.Read()
	if err != nil {
		return nil, diag.List{parseError(name, err)}
	}
	if !slices.Equal(header, columns) {
		return nil, diag.List{diag.Errorf(diag.Pos{File: name, Line: 1}, "the header must be exactly %s (found %s)", strings.Join(columns, ","), strings.Join(header, ","))}
	}
	var rows []Row
	var errs diag.List
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, parseError(name, err))
			break
		}
		if len(rec) != len(columns) {
			line, _ := r.FieldPos(0)
			errs = append(errs, diag.Errorf(diag.Pos{File: name, Line: line}, "each row needs %d fields (%s), this one has %d", len(columns), strings.Join(columns, ","), len(rec)))
			continue
		}
		row := Row{Fields: rec, pos: make([]diag.Pos, len(rec))}
		for i, v := range rec {
			line, col := r.FieldPos(i)
			row.pos[i] = diag.Pos{File: name, Line: line, Col: col}
			if strings.TrimSpace(v) != v {
				errs = append(errs, diag.Errorf(row.pos[i], "%s %q has spaces around it", columns[i], v))
			}
		}
		rows = append(rows, row)
	}
	if len(errs) == 0 && len(rows) == 0 {
		errs = append(errs, diag.Errorf(diag.Pos{File: name}, "no rows: the file has only its header"))
	}
	return rows, errs
}

func parseError(name string, err error) *diag.Error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return diag.Errorf(diag.Pos{File: name, Line: pe.Line, Col: pe.Column}, "%v", pe.Err)
	}
	return diag.Errorf(diag.Pos{File: name}, "%v", err)
}
