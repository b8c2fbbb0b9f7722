package clause_test

import (
	"errors"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	e6data "github.com/e6data/gorm-e6data"
	e6clause "github.com/e6data/gorm-e6data/clause"
)

// newStatement returns a statement of a dialect over a go-sqlmock pool: building a clause
// needs the dialect (quoting, ?) but sends nothing.
func newStatement(t *testing.T) *gorm.Statement {
	t.Helper()
	sqlDB, _, err := sqlmock.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sqlDB.Close() })
	db, err := gorm.Open(e6data.New(e6data.Config{Conn: sqlDB}), &gorm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return &gorm.Statement{DB: db, Table: "users", Clauses: map[string]clause.Clause{}}
}

func ptr[T any](v T) *T { return &v }

// TestBuilders builds each of the package's builders alone and checks the SQL and the ? vars.
func TestBuilders(t *testing.T) {
	tests := []struct {
		name    string
		build   func(c clause.Clause, b clause.Builder)
		expr    clause.Expression
		sql     string
		vars    []any
		wantErr error
	}{
		{"limit", e6clause.BuildLimit, clause.Limit{Limit: ptr(10)}, "LIMIT ?", []any{10}, nil},
		{"limit and offset", e6clause.BuildLimit, clause.Limit{Limit: ptr(10), Offset: 20}, "LIMIT ? OFFSET ?", []any{10, 20}, nil},
		{"offset alone", e6clause.BuildLimit, clause.Limit{Offset: 20}, "LIMIT 9223372036854775807 OFFSET ?", []any{20}, nil},
		{"limit 0", e6clause.BuildLimit, clause.Limit{Limit: ptr(0)}, "LIMIT ?", []any{0}, nil},
		{"order by column", e6clause.BuildOrderBy, clause.OrderBy{Columns: []clause.OrderByColumn{
			{Column: clause.Column{Name: "age"}},
			{Column: clause.Column{Table: clause.CurrentTable, Name: "id"}, Desc: true},
		}}, `"age" ASC,"users"."id" DESC`, nil, nil},
		{"order by raw", e6clause.BuildOrderBy, clause.OrderBy{Columns: []clause.OrderByColumn{
			{Column: clause.Column{Name: "name desc", Raw: true}},
		}}, "name desc", nil, nil},
		{"order with nulls", e6clause.BuildOrderBy, clause.OrderBy{Columns: []clause.OrderByColumn{
			e6clause.Order(clause.Column{Name: "score"}, e6clause.Desc, e6clause.NullsLast),
			e6clause.Order(clause.Column{Table: clause.CurrentTable, Name: "id"}, e6clause.Asc, e6clause.NullsFirst),
		}}, `"score" DESC NULLS LAST,"id" ASC NULLS FIRST`, nil, nil},
		{"values", e6clause.BuildValues, clause.Values{
			Columns: []clause.Column{{Name: "id"}, {Name: "kind"}},
			Values:  [][]any{{1, "click"}, {2, "view"}},
		}, `("id","kind") VALUES (?,?),(?,?)`, []any{1, "click", 2, "view"}, nil},
		{"values without columns", e6clause.BuildValues, clause.Values{}, "", nil, e6clause.ErrNoColumns},
		{"for update", e6clause.BuildFor, clause.Locking{Strength: "UPDATE"}, "", nil, e6clause.ErrLockingNotSupported},
		{"for share", e6clause.BuildFor, clause.Locking{Strength: "SHARE"}, "", nil, e6clause.ErrLockingNotSupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stmt := newStatement(t)
			tt.build(clause.Clause{Expression: tt.expr}, stmt)
			if tt.wantErr != nil {
				if !errors.Is(stmt.Error, tt.wantErr) {
					t.Fatalf("error = %v; want %v", stmt.Error, tt.wantErr)
				}
				if stmt.SQL.Len() != 0 {
					t.Errorf("SQL %q written despite the error", stmt.SQL.String())
				}
				return
			}
			if stmt.Error != nil {
				t.Fatal(stmt.Error)
			}
			if got := stmt.SQL.String(); got != tt.sql {
				t.Errorf("SQL = %q; want %q", got, tt.sql)
			}
			if len(stmt.Vars) != len(tt.vars) {
				t.Fatalf("vars = %v; want %v", stmt.Vars, tt.vars)
			}
			for i := range tt.vars {
				if stmt.Vars[i] != tt.vars[i] {
					t.Errorf("var %d = %v; want %v", i, stmt.Vars[i], tt.vars[i])
				}
			}
		})
	}
}

// TestBuildersMap checks that Builders names every builder under GORM's clause names.
func TestBuildersMap(t *testing.T) {
	b := e6clause.Builders()
	for _, name := range []string{e6clause.ClauseLimit, e6clause.ClauseOrderBy, e6clause.ClauseFor, e6clause.ClauseValues} {
		if b[name] == nil {
			t.Errorf("Builders() has no %s builder", name)
		}
	}
	if len(b) != 4 {
		t.Errorf("Builders() has %d builders; want 4", len(b))
	}
}
