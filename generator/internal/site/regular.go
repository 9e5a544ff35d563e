package site

import (
	"io/fs"

	"github.com/bcs/publish/generator/internal/diag"
)

// regularOnly is the project as every stage of the build reads it: a file
// is opened only once its type says it is a regular file (or a folder). A
// named pipe, socket or device in content/, packs/, templates/ or assets/
// would block a read for ever or read a device; it is refused by its type,
// before it is opened, with an error naming it.
type regularOnly struct{ fs.FS }

// checkType refuses what is not a regular file or a folder.
func checkType(fsys fs.FS, name string) error {
	info, err := fs.Lstat(fsys, name)
	if err != nil {
		return err
	}
	return typeError(name, info.Mode())
}

// typeError says why a file of mode m cannot be read, or nil.
func typeError(name string, m fs.FileMode) error {
	what := ""
	switch {
	case m.IsRegular(), m.IsDir():
		return nil
	case m&fs.ModeSymlink != 0:
		return symlinkError(name)
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		what = "a device"
	default:
		what = "not a regular file"
	}
	return diag.Errorf(diag.Pos{File: name}, "this is %s, not a file: the build reads only regular files; remove it", what)
}

func (r regularOnly) Open(name string) (fs.File, error) {
	if err := checkType(r.FS, name); err != nil {
		return nil, err
	}
	return r.FS.Open(name)
}

func (r regularOnly) ReadFile(name string) ([]byte, error) {
	if err := checkType(r.FS, name); err != nil {
		return nil, err
	}
	return fs.ReadFile(r.FS, name)
}

func (r regularOnly) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(r.FS, name) }

func (r regularOnly) Stat(name string) (fs.FileInfo, error) { return fs.Stat(r.FS, name) }

func (r regularOnly) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(r.FS, name) }

func (r regularOnly) ReadLink(name string) (string, error) { return fs.ReadLink(r.FS, name) }

// symlinkError refuses a symbolic link in the content: it could point
// outside the project (and publish what it points at) or at itself.
func symlinkError(name string) *diag.Error {
	return diag.Errorf(diag.Pos{File: name}, "symbolic links are not followed (one could publish a file from outside the project, or loop): put the file itself here")
}
