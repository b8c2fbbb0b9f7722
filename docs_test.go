package e6data_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests below compare docs/ with the code, so that the documentation cannot fall behind it:
// every DSN key, every field of the configuration structs and every exported error must be
// documented, and no file may point at a document outside the repository. They read the Go
// source (go/ast), not reflection, so unexported tables such as the DSN key table are covered
// without exporting anything.

// docsDir is where the documentation lives, relative to the module root (the test's directory).
const docsDir = "docs"

// readDoc returns the text of docs/name.
func readDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(docsDir, name))
	require.NoError(t, err, "docs/%s must exist", name)
	return string(b)
}

// parseDir parses the non-test Go files of dir (comments kept).
func parseDir(t *testing.T, dir string) []*ast.File {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	fset := token.NewFileSet()
	var files []*ast.File
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		files = append(files, f)
	}
	require.NotEmpty(t, files, "no Go files in %s", dir)
	return files
}

// dsnKeyNames returns the keys of connector's DSN key table (the dsnKeys variable): the first
// string argument of each helper call (stringKey("catalog", ...)) or the name field of each
// literal entry ({name: "ca-file", ...}).
func dsnKeyNames(t *testing.T) []string {
	t.Helper()
	var keys []string
	found := false
	for _, f := range parseDir(t, "connector") {
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "dsnKeys" || len(vs.Values) != 1 {
				return true
			}
			found = true
			lit, ok := vs.Values[0].(*ast.CompositeLit)
			require.True(t, ok, "dsnKeys is not a composite literal")
			for _, elt := range lit.Elts {
				keys = append(keys, dsnKeyName(t, elt))
			}
			return false
		})
	}
	require.True(t, found, "connector has no dsnKeys table")
	return keys
}

func dsnKeyName(t *testing.T, elt ast.Expr) string {
	t.Helper()
	var arg ast.Expr
	switch e := elt.(type) {
	case *ast.CallExpr:
		require.NotEmpty(t, e.Args, "dsnKeys entry without arguments")
		arg = e.Args[0]
	case *ast.CompositeLit:
		for _, kv := range e.Elts {
			if kv, ok := kv.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "name" {
					arg = kv.Value
				}
			}
		}
	}
	bl, ok := arg.(*ast.BasicLit)
	require.True(t, ok && bl.Kind == token.STRING, "a dsnKeys entry does not name its key with a string literal")
	s, err := strconv.Unquote(bl.Value)
	require.NoError(t, err)
	return s
}

// structFields returns the exported field names of the struct type typeName declared in dir.
func structFields(t *testing.T, dir, typeName string) []string {
	t.Helper()
	var fields []string
	found := false
	for _, f := range parseDir(t, dir) {
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || ts.Name.Name != typeName {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			require.True(t, ok, "%s.%s is not a struct", dir, typeName)
			found = true
			for _, fld := range st.Fields.List {
				for _, name := range fld.Names {
					if name.IsExported() {
						fields = append(fields, name.Name)
					}
				}
			}
			return false
		})
	}
	require.True(t, found, "no type %s in %s", typeName, dir)
	return fields
}

// exportedErrors returns, for every public (non-internal, non-main) package of the module, its
// exported variables named Err* and its exported types named *Error, as "pkg.Name".
func exportedErrors(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
			name == "internal" || name == "testdata" || name == docsDir) {
			return filepath.SkipDir
		}
		if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != "." {
			return filepath.SkipDir // another module
		}
		matches, _ := filepath.Glob(filepath.Join(path, "*.go"))
		if !slices.ContainsFunc(matches, func(m string) bool { return !strings.HasSuffix(m, "_test.go") }) {
			return nil
		}
		for _, f := range parseDir(t, path) {
			pkg := f.Name.Name
			if pkg == "main" {
				continue
			}
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok {
					continue
				}
				for _, spec := range gd.Specs {
					switch s := spec.(type) {
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if gd.Tok == token.VAR && n.IsExported() && strings.HasPrefix(n.Name, "Err") {
								out = append(out, pkg+"."+n.Name)
							}
						}
					case *ast.TypeSpec:
						if s.Name.IsExported() && strings.HasSuffix(s.Name.Name, "Error") {
							out = append(out, pkg+"."+s.Name.Name)
						}
					}
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

func TestDocsCoverConfiguration(t *testing.T) {
	config := readDoc(t, "configuration.md")
	keys := dsnKeyNames(t)
	// The extraction itself must work, or the checks below would pass on nothing.
	require.Subset(t, keys, []string{"catalog", "ca-file", "strategy", "max-send-msg-size"})
	for _, k := range keys {
		if !strings.Contains(config, "`"+k+"`") {
			t.Errorf("DSN key %q is not in docs/configuration.md (as `%s`)", k, k)
		}
	}
	for _, tc := range []struct {
		dir, typ, doc string
		some          string // one field that must be found, to prove the extraction works
	}{
		{"connector", "Config", "configuration.md", "ReplayLimit"},
		{".", "Config", "configuration.md", "AllowWrites"},
		{"strategy", "Options", "configuration.md", "RollbackWindow"},
		{"mock", "Options", "testing.md", "DrainTimeout"},
	} {
		doc := readDoc(t, tc.doc)
		fields := structFields(t, tc.dir, tc.typ)
		require.Contains(t, fields, tc.some)
		for _, f := range fields {
			if !strings.Contains(doc, "`"+f+"`") {
				t.Errorf("field %s of %s.%s is not in docs/%s (as `%s`)", f, tc.dir, tc.typ, tc.doc, f)
			}
		}
	}
}

func TestDocsCoverErrors(t *testing.T) {
	doc := readDoc(t, "troubleshooting.md")
	errs := exportedErrors(t)
	require.Subset(t, errs, []string{"connector.ErrInvalidDSN", "connector.InterruptedError",
		"strategy.ErrNoStrategy", "e6data.ErrReadOnly", "e6data.PolicyError", "clause.ErrLockingNotSupported"})
	for _, e := range errs {
		if !strings.Contains(doc, e) {
			t.Errorf("%s is not in docs/troubleshooting.md: add its cause and fix", e)
		}
	}
}

// TestDocsLinksResolve checks that every link from one document to another inside docs/ points
// at a file that exists.
func TestDocsLinksResolve(t *testing.T) {
	link := regexp.MustCompile(`\]\(\.\./docs/([^)#]+)`)
	entries, err := os.ReadDir(docsDir)
	require.NoError(t, err)
	for _, e := range entries {
		text := readDoc(t, e.Name())
		for _, m := range link.FindAllStringSubmatch(text, -1) {
			_, err := os.Stat(filepath.Join(docsDir, m[1]))
			assert.NoError(t, err, "docs/%s links to docs/%s, which does not exist", e.Name(), m[1])
		}
	}
}

// outsideDocNames are the names of the project's reference documents kept outside the
// repository, which no file may point at; a name is fine as docs/<name>, our own document.
// The strings are built so that this file does not name them itself.
var (
	outsideDir      = "shared" + "/spec"
	outsideDocNames = []string{"wire-protocol" + ".md", "zero-downtime" + ".md", "sql-dialect" + ".md"}
)

// outsideRefs returns a description of each reference in text to a document outside the
// repository.
func outsideRefs(text string) []string {
	var refs []string
	if strings.Contains(text, outsideDir) {
		refs = append(refs, outsideDir)
	}
	for _, name := range outsideDocNames {
		for i := 0; ; {
			j := strings.Index(text[i:], name)
			if j < 0 {
				break
			}
			at := i + j
			if !strings.HasSuffix(text[:at], "docs/") {
				refs = append(refs, name)
			}
			i = at + len(name)
		}
	}
	return refs
}

func TestOutsideRefs(t *testing.T) {
	wp, zd, sd := outsideDocNames[0], outsideDocNames[1], outsideDocNames[2]
	for _, tc := range []struct {
		text string
		want int
	}{
		{"see docs/" + wp, 0},
		{"[x](../docs/" + sd + "#types)", 0},
		{"see " + wp, 1},
		{"(" + zd + " §" + "2)", 1},
		{"written from ../" + outsideDir + "/" + wp, 2},
		{"../../spec/" + sd + " and docs/" + sd, 1},
		{wp + " twice: " + wp, 2},
		{"nothing here", 0},
	} {
		assert.Len(t, outsideRefs(tc.text), tc.want, tc.text)
	}
}

// outsideRefsExempt lists the files allowed to name outside documents: the changelog records
// history.
var outsideRefsExempt = []string{"CHANGELOG.md"}

// TestNoOutsideReferences checks that no file of the repository points at a document outside
// it: the repository must stand alone.
func TestNoOutsideReferences(t *testing.T) {
	for _, path := range repoFiles(t) {
		if slices.Contains(outsideRefsExempt, filepath.ToSlash(path)) {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil || bytes.IndexByte(b, 0) >= 0 {
			continue // unreadable (a deleted file still in the index) or binary
		}
		if refs := outsideRefs(string(b)); len(refs) > 0 {
			t.Errorf("%s refers to documents outside the repository (%s): say it in our own words or point at docs/",
				path, strings.Join(refs, ", "))
		}
	}
}

// repoFiles returns the files of the repository: git's tracked files, or, without git (a source
// archive), every file under the module root but .git.
func repoFiles(t *testing.T) []string {
	t.Helper()
	if out, err := exec.Command("git", "ls-files", "-z").Output(); err == nil && len(out) > 0 {
		return strings.Split(strings.TrimRight(string(out), "\x00"), "\x00")
	}
	var files []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}
