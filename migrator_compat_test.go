package e6data

import (
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// compatModel has one field per row of AutoMigrate's compatibility table.
type compatModel struct {
	Bool      bool
	Int8      int8
	Uint8     uint8
	Int16     int16
	Int32     int32
	Uint32    uint32
	Int       int
	Int64P    *int64
	NullInt   sql.NullInt64
	Float32   float32
	Float64   float64
	String    string
	NullStr   sql.NullString
	Bytes     []byte
	Time      time.Time
	NullTime  sql.NullTime
	Deleted   gorm.DeletedAt
	Dec       string  `gorm:"type:decimal(10,2)"`
	TagSmall  int64   `gorm:"type:smallint"`
	TagTS     string  `gorm:"type:timestamp"`
	TagDouble float64 `gorm:"type:double"`
	TagDate   string  `gorm:"type:date"`
	TagVarch  string  `gorm:"type:varchar(8)"`
	JSON      string  `gorm:"type:json"`
	UUID      string  `gorm:"type:uuid"`
	Geo       string  `gorm:"type:geometry"`
}

func TestCompatibility(t *testing.T) {
	s, err := schema.Parse(&compatModel{}, &sync.Map{}, schema.NamingStrategy{})
	require.NoError(t, err)
	tests := []struct {
		field string
		yes   []string
		no    []string
	}{
		{"Bool", []string{"boolean", "bool"}, []string{"int", "string", "tinyint"}},
		{"Int8", []string{"tinyint", "byte"}, []string{"smallint", "int", "bigint", "decimal(2,0)", "boolean"}},
		{"Uint8", []string{"tinyint"}, []string{"smallint"}},
		{"Int16", []string{"tinyint", "smallint", "short"}, []string{"int", "bigint"}},
		{"Int32", []string{"tinyint", "smallint", "int", "integer"}, []string{"bigint", "long", "decimal(9,0)", "float"}},
		{"Uint32", []string{"int"}, []string{"bigint"}},
		{"Int", []string{"tinyint", "smallint", "int", "bigint", "long", "decimal(18,0)", "decimal(1)", "decimal"},
			[]string{"decimal(19,0)", "decimal(10,2)", "double", "string", "timestamp"}},
		{"Int64P", []string{"bigint", "decimal(18,0)"}, []string{"double"}},
		{"NullInt", []string{"bigint"}, []string{"string"}},
		{"Float32", []string{"float", "real"}, []string{"double", "decimal(7,2)", "int"}},
		{"Float64", []string{"float", "double", "decimal(38,10)", "decimal"}, []string{"bigint", "string"}},
		{"String", []string{"string", "varchar(16)", "char(1)", "decimal(7,2)", "array<int>", "map<string,string>", "struct<a:int>"},
			[]string{"bigint", "timestamp", "date", "binary", "boolean", "interval_day"}},
		{"NullStr", []string{"varchar(3)"}, []string{"int"}},
		{"Bytes", []string{"binary", "string", "varchar(4)"}, []string{"array<int>", "bigint"}},
		{"Time", []string{"timestamp", "datetime", "timestamp_tz", "date", "int96"}, []string{"string", "bigint"}},
		{"NullTime", []string{"date"}, []string{"string"}},
		{"Deleted", []string{"timestamp"}, []string{"bigint"}},
		{"Dec", []string{"decimal(10,2)", "decimal(8,2)", "decimal(9,1)", "decimal(8,0)"},
			[]string{"decimal", "decimal(11,2)", "decimal(10,3)", "decimal(12,2)", "decimal(9,0)", "string", "double"}},
		{"TagSmall", []string{"tinyint", "smallint"}, []string{"int", "bigint"}},
		{"TagTS", []string{"timestamp", "timestamp_tz"}, []string{"date", "string"}},
		{"TagDouble", []string{"double", "float"}, []string{"decimal(7,2)"}},
		{"TagDate", []string{"date"}, []string{"timestamp"}},
		{"TagVarch", []string{"varchar(8)", "string", "char(2)", "varchar(100)"}, []string{"bigint"}},
		{"JSON", []string{"string", "varchar(10)", "array<int>", "map<string,int>", "struct<a:int>"}, []string{"binary", "int"}},
		{"UUID", []string{"string", "char(36)"}, []string{"array<int>", "binary"}},
		{"Geo", nil, []string{"string", "binary"}},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			f := s.LookUpField(tt.field)
			require.NotNil(t, f)
			rule, known := ruleFor(f)
			for _, ct := range tt.yes {
				typ, err := parseColumnType(ct)
				require.NoError(t, err)
				assert.True(t, known && rule.accepts(typ), "%s should accept %s (rule: %s)", tt.field, ct, rule)
			}
			for _, ct := range tt.no {
				typ, err := parseColumnType(ct)
				require.NoError(t, err)
				assert.False(t, known && rule.accepts(typ), "%s should refuse %s (rule: %s)", tt.field, ct, rule)
			}
		})
	}
}

func TestCompatRuleString(t *testing.T) {
	tests := []struct {
		rule compatRule
		want string
	}{
		{compatRule{kinds: []columnKind{kindBoolean}}, "boolean"},
		{intRule(16), "tinyint or smallint"},
		{intRule(64), "tinyint, smallint, int, bigint or decimal(p,0) with p ≤ 18"},
		{compatRule{fit: &[2]int64{10, 2}}, "decimal(p,s) with s ≤ 2 and p−s ≤ 8"},
		{compatRule{kinds: []columnKind{kindString, kindArray}}, "string, varchar(n), char(n) or array<…>"},
		{compatRule{}, "nothing"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.rule.String())
	}
}
