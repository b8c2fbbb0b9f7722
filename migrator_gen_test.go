package e6data_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gen"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/mock"
)

// gorm.io/gen generates models from the demo tables through the migrator (GetTables,
// ColumnTypes, TableType, GetIndexes); the generated package type-checks, its fields have the
// migrator's Go types, and the models it describes pass AutoMigrate's verification.
func migTestGen(t *testing.T, srv *mock.Server) {
	db := migOpen(t, e6data.Open(srv.DSN()))
	dir := t.TempDir()
	modelDir := filepath.Join(dir, "model")

	g := gen.NewGenerator(gen.Config{
		OutPath:          filepath.Join(dir, "query"),
		ModelPkgPath:     modelDir,
		FieldWithTypeTag: true,
	})
	g.UseDB(db)
	func() {
		defer func() {
			if r := recover(); r != nil { // gen panics on failure
				t.Fatalf("gen: %v", r)
			}
		}()
		g.GenerateAllTable()
		g.Execute()
	}()

	// The generated package compiles.
	fset := token.NewFileSet()
	var files []*ast.File
	entries, err := os.ReadDir(modelDir)
	require.NoError(t, err)
	for _, e := range entries {
		f, err := parser.ParseFile(fset, filepath.Join(modelDir, e.Name()), nil, parser.ParseComments)
		require.NoError(t, err)
		files = append(files, f)
	}
	require.Len(t, files, len(migDemoColumns), "one file per table")
	conf := types.Config{Importer: importer.Default()}
	_, err = conf.Check("model", fset, files, nil)
	require.NoError(t, err, "the generated models type-check")

	// Each struct has one field per column, of the migrator's scan type, tagged with the column
	// and its type; the struct rebuilt with reflect passes AutoMigrate.
	goTypes := map[string]reflect.Type{}
	for _, rt := range migScanType {
		goTypes[strings.ReplaceAll(rt.String(), "uint8", "byte")] = rt
		goTypes[rt.String()] = rt
	}
	tables := map[string]bool{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return false
			}
			table := tableNameConst(f, ts.Name.Name)
			require.NotEmpty(t, table, ts.Name.Name)
			want, ok := migDemoColumns[table]
			require.True(t, ok, "generated a model for unknown table %q", table)
			tables[table] = true
			require.Len(t, st.Fields.List, len(want), table)

			var fields []reflect.StructField
			for i, fld := range st.Fields.List {
				tag, err := strconv.Unquote(fld.Tag.Value)
				require.NoError(t, err)
				gormTag := reflect.StructTag(tag).Get("gorm")
				col, full := want[i][0], want[i][1]
				assert.Contains(t, gormTag, "column:"+col+";", table)
				assert.Contains(t, gormTag, "type:"+full, table)
				base, _, _ := strings.Cut(strings.NewReplacer("<", "(").Replace(full), "(")
				typ := types.ExprString(fld.Type)
				assert.Equal(t, migScanType[base].String(), typ, "%s.%s", table, col)
				rt, ok := goTypes[typ]
				require.True(t, ok, typ)
				fields = append(fields, reflect.StructField{Name: fld.Names[0].Name, Type: rt, Tag: reflect.StructTag(tag)})
			}
			model := reflect.New(reflect.StructOf(fields)).Interface()
			assert.NoError(t, db.Table(table).AutoMigrate(model), table)
			return false
		})
	}
	assert.Len(t, tables, len(migDemoColumns))
}

// tableNameConst returns the value of the TableName<Struct> constant gen writes beside a model.
func tableNameConst(f *ast.File, structName string) string {
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			if len(vs.Names) == 1 && vs.Names[0].Name == "TableName"+structName && len(vs.Values) == 1 {
				if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
					v, _ := strconv.Unquote(lit.Value)
					return v
				}
			}
		}
	}
	return ""
}
