// Package wordcount is the chapter on pipelines over real input: the Go
// source files of the standard library are read, tokenized, counted and
// merged, by a pipeline of stages and by a plain loop, both timed: once with
// every read waiting as a remote fetch would, on one core, and once from the
// local disk, where the work is all CPU.
package wordcount

import (
	"bytes"
	"embed"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// A Corpus is a list of files to count the words of, and how to read one.
type Corpus struct {
	Root  string   // where the files are, for the reader
	Files []string // in a fixed order
	Read  func(name string) ([]byte, error)
}

// own holds this package's source files: the corpus of last resort, when the
// Go source tree cannot be found.
//
//go:embed *.go
var own embed.FS

// goroot returns the Go installation's root: $GOROOT when set, else what
// "go env GOROOT" says, else "".
func goroot() string {
	if r := os.Getenv("GOROOT"); r != "" {
		return r
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return ""
	}
	return string(bytes.TrimSpace(out))
}

// Sources returns the .go files under $(go env GOROOT)/src, in lexical order;
// when that tree cannot be found or read, it returns this package's own
// embedded source files instead, with Root saying so.
func Sources() Corpus {
	if root := goroot(); root != "" {
		src := filepath.Join(root, "src")
		var files []string
		err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".go") {
				files = append(files, path)
			}
			return nil
		})
		if err == nil && len(files) > 0 {
			return Corpus{Root: src, Files: files, Read: os.ReadFile}
		}
	}
	c := Corpus{Root: "this program's own embedded sources (the Go source tree was not found)", Read: own.ReadFile}
	entries, _ := own.ReadDir(".")
	for _, e := range entries {
		c.Files = append(c.Files, e.Name())
	}
	return c
}

// Sample returns a corpus of n files spread evenly over c (all of c when n
// is 0 or at least len(c.Files)).
func (c Corpus) Sample(n int) Corpus {
	if n <= 0 || n >= len(c.Files) {
		return c
	}
	s := c
	s.Files = make([]string, n)
	for i := range n {
		s.Files[i] = c.Files[i*len(c.Files)/n]
	}
	return s
}

// Remote returns c as if its files were fetched from a remote store: every
// Read first waits for latency, as a call over the network would, then
// reads the file. The wait uses no CPU; it is what a pipeline can overlap
// even on one core.
func (c Corpus) Remote(latency time.Duration) Corpus {
	r := c
	r.Root = c.Root + " (each read waits as a remote fetch would)"
	r.Read = func(name string) ([]byte, error) {
		time.Sleep(latency) // stands for the network round trip
		return c.Read(name)
	}
	return r
}

// errEmpty reports a corpus without files.
var errEmpty = errors.New("wordcount: no files to count")
