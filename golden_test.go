package e6data_test

import (
	"database/sql"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	e6data "github.com/e6data/gorm-e6data"
	e6clause "github.com/e6data/gorm-e6data/clause"
)

// TestGoldenSQL pins the SQL (as Explain renders it, exactly what the driver sends) of the GORM
// calls applications make.
func TestGoldenSQL(t *testing.T) {
	db := dryRun(t)
	var users []User
	var user User
	var count int64
	var names []string
	cases := []struct {
		name string
		run  func(tx *gorm.DB) *gorm.DB
		want string
	}{
		{"Find", func(tx *gorm.DB) *gorm.DB { return tx.Find(&users) }, `SELECT * FROM "users"`},
		{"First", func(tx *gorm.DB) *gorm.DB { return tx.First(&user) }, `SELECT * FROM "users" ORDER BY "users"."id" ASC LIMIT 1`},
		{"Last", func(tx *gorm.DB) *gorm.DB { return tx.Last(&user) }, `SELECT * FROM "users" ORDER BY "users"."id" DESC LIMIT 1`},
		{"Take", func(tx *gorm.DB) *gorm.DB { return tx.Take(&user) }, `SELECT * FROM "users" LIMIT 1`},
		{"First by id", func(tx *gorm.DB) *gorm.DB { return tx.First(&user, 10) }, `SELECT * FROM "users" WHERE "users"."id" = 10 ORDER BY "users"."id" ASC LIMIT 1`},
		{"Where struct", func(tx *gorm.DB) *gorm.DB { return tx.Where(&User{Name: "it's", Age: 20}).Find(&users) }, `SELECT * FROM "users" WHERE "users"."name" = 'it\'s' AND "users"."age" = 20`},
		{"Where map", func(tx *gorm.DB) *gorm.DB {
			return tx.Where(map[string]any{"name": `C:\tmp`, "age": 20}).Find(&users)
		}, `SELECT * FROM "users" WHERE "users"."age" = 20 AND "users"."name" = 'C:\\tmp'`},
		{"Where string", func(tx *gorm.DB) *gorm.DB { return tx.Where("name = ? AND age > ?", "jinzhu", 18).Find(&users) }, `SELECT * FROM "users" WHERE name = 'jinzhu' AND age > 18`},
		{"Where IN", func(tx *gorm.DB) *gorm.DB { return tx.Where("name IN ?", []string{"a", "b'c"}).Find(&users) }, `SELECT * FROM "users" WHERE name IN ('a','b\'c')`},
		{"Where IN empty", func(tx *gorm.DB) *gorm.DB { return tx.Where("name IN ?", []string{}).Find(&users) }, `SELECT * FROM "users" WHERE name IN (NULL)`},
		{"Where LIKE", func(tx *gorm.DB) *gorm.DB { return tx.Where("name LIKE ?", "%jin%").Find(&users) }, `SELECT * FROM "users" WHERE name LIKE '%jin%'`},
		{"Not", func(tx *gorm.DB) *gorm.DB { return tx.Not("name = ?", "jinzhu").Find(&users) }, `SELECT * FROM "users" WHERE NOT name = 'jinzhu'`},
		{"Not struct", func(tx *gorm.DB) *gorm.DB { return tx.Not(User{Name: "jinzhu", Age: 18}).Find(&users) }, `SELECT * FROM "users" WHERE ("users"."name" <> 'jinzhu' AND "users"."age" <> 18)`},
		{"Or", func(tx *gorm.DB) *gorm.DB { return tx.Where("name = ?", "a").Or("age > ?", 30).Find(&users) }, `SELECT * FROM "users" WHERE name = 'a' OR age > 30`},
		{"Select", func(tx *gorm.DB) *gorm.DB { return tx.Select("name", "age").Find(&users) }, `SELECT "name","age" FROM "users"`},
		{"Select raw", func(tx *gorm.DB) *gorm.DB { return tx.Select(`COUNT(*) AS "value"`).Find(&users) }, `SELECT COUNT(*) AS "value" FROM "users"`},
		{"Omit", func(tx *gorm.DB) *gorm.DB { return tx.Omit("email").Find(&users) }, `SELECT "users"."id","users"."name","users"."age","users"."company_id" FROM "users"`},
		{"Order raw", func(tx *gorm.DB) *gorm.DB { return tx.Order("age desc, name").Find(&users) }, `SELECT * FROM "users" ORDER BY age desc, name`},
		{"Order column ASC", func(tx *gorm.DB) *gorm.DB {
			return tx.Order(clause.OrderByColumn{Column: clause.Column{Name: "age"}}).Find(&users)
		}, `SELECT * FROM "users" ORDER BY "age" ASC`},
		{"Order column DESC", func(tx *gorm.DB) *gorm.DB {
			return tx.Order(clause.OrderByColumn{Column: clause.Column{Table: clause.CurrentTable, Name: "age"}, Desc: true}).Find(&users)
		}, `SELECT * FROM "users" ORDER BY "users"."age" DESC`},
		{"Order NULLS LAST", func(tx *gorm.DB) *gorm.DB {
			return tx.Order(e6clause.Order(clause.Column{Name: "age"}, e6clause.Desc, e6clause.NullsLast)).Order("name").Find(&users)
		}, `SELECT * FROM "users" ORDER BY "age" DESC NULLS LAST,name`},
		{"Order NULLS FIRST", func(tx *gorm.DB) *gorm.DB {
			return tx.Order(e6clause.Order(clause.Column{Table: "users", Name: "email"}, e6clause.Asc, e6clause.NullsFirst)).Find(&users)
		}, `SELECT * FROM "users" ORDER BY "users"."email" ASC NULLS FIRST`},
		{"Limit", func(tx *gorm.DB) *gorm.DB { return tx.Limit(10).Find(&users) }, `SELECT * FROM "users" LIMIT 10`},
		{"Limit Offset", func(tx *gorm.DB) *gorm.DB { return tx.Limit(10).Offset(20).Find(&users) }, `SELECT * FROM "users" LIMIT 10 OFFSET 20`},
		{"Offset alone", func(tx *gorm.DB) *gorm.DB { return tx.Offset(20).Find(&users) }, `SELECT * FROM "users" LIMIT 9223372036854775807 OFFSET 20`},
		{"Limit 0", func(tx *gorm.DB) *gorm.DB { return tx.Limit(0).Find(&users) }, `SELECT * FROM "users" LIMIT 0`},
		{"Group Having", func(tx *gorm.DB) *gorm.DB {
			return tx.Model(&User{}).Select("age, COUNT(*) AS n").Group("age").Having("COUNT(*) > ?", 1).Find(&[]map[string]any{})
		}, `SELECT age, COUNT(*) AS n FROM "users" GROUP BY "age" HAVING COUNT(*) > 1`},
		{"Distinct", func(tx *gorm.DB) *gorm.DB { return tx.Distinct("name").Find(&users) }, `SELECT DISTINCT "name" FROM "users"`},
		{"Joins string", func(tx *gorm.DB) *gorm.DB {
			return tx.Joins(`JOIN "companies" ON "companies"."id" = "users"."company_id" AND "companies"."name" = ?`, "acme").Find(&users)
		}, `SELECT "users"."id","users"."name","users"."age","users"."email","users"."company_id" FROM "users" JOIN "companies" ON "companies"."id" = "users"."company_id" AND "companies"."name" = 'acme'`},
		{"Joins association", func(tx *gorm.DB) *gorm.DB { return tx.Joins("Company").Find(&users) }, `SELECT "users"."id","users"."name","users"."age","users"."email","users"."company_id","Company"."id" AS "Company__id","Company"."name" AS "Company__name" FROM "users" LEFT JOIN "companies" "Company" ON "users"."company_id" = "Company"."id"`},
		{"Subquery", func(tx *gorm.DB) *gorm.DB {
			return tx.Where("age > (?)", tx.Session(&gorm.Session{}).Model(&User{}).Select("AVG(age)")).Find(&users)
		}, `SELECT * FROM "users" WHERE age > (SELECT AVG(age) FROM "users")`},
		{"From subquery", func(tx *gorm.DB) *gorm.DB {
			return tx.Table("(?) AS u", tx.Session(&gorm.Session{}).Model(&User{}).Select("name", "age")).Where("age = ?", 18).Find(&[]map[string]any{})
		}, `SELECT * FROM (SELECT "name","age" FROM "users") AS u WHERE age = 18`},
		{"Count", func(tx *gorm.DB) *gorm.DB { return tx.Model(&User{}).Where("age > ?", 1).Count(&count) }, `SELECT count(*) FROM "users" WHERE age > 1`},
		{"Count distinct", func(tx *gorm.DB) *gorm.DB { return tx.Model(&User{}).Distinct("name").Count(&count) }, `SELECT COUNT(DISTINCT("name")) FROM "users"`},
		{"Pluck", func(tx *gorm.DB) *gorm.DB { return tx.Model(&User{}).Pluck("name", &names) }, `SELECT "name" FROM "users"`},
		{"Scopes", func(tx *gorm.DB) *gorm.DB {
			adults := func(db *gorm.DB) *gorm.DB { return db.Where("age >= ?", 18) }
			return tx.Scopes(adults).Find(&users)
		}, `SELECT * FROM "users" WHERE age >= 18`},
		{"Named", func(tx *gorm.DB) *gorm.DB {
			return tx.Where("name = @name OR email = @name", sql.Named("name", "jinzhu")).Find(&users)
		}, `SELECT * FROM "users" WHERE name = 'jinzhu' OR email = 'jinzhu'`},
		{"Named map", func(tx *gorm.DB) *gorm.DB {
			return tx.Where("age > @min", map[string]any{"min": 18}).Find(&users)
		}, `SELECT * FROM "users" WHERE age > 18`},
		{"Raw", func(tx *gorm.DB) *gorm.DB {
			return tx.Raw(`SELECT "name" FROM "users" WHERE "age" = ?`, 3).Scan(&names)
		}, `SELECT "name" FROM "users" WHERE "age" = 3`},
		{"Raw named", func(tx *gorm.DB) *gorm.DB {
			return tx.Raw(`SELECT "name" FROM "users" WHERE "name" = @n`, sql.Named("n", "x")).Scan(&names)
		}, `SELECT "name" FROM "users" WHERE "name" = 'x'`},
		{"Table dotted", func(tx *gorm.DB) *gorm.DB { return tx.Table("hive.sales.users").Find(&users) }, `SELECT * FROM "hive"."sales"."users"`},
		{"Table expression", func(tx *gorm.DB) *gorm.DB {
			return tx.Scopes(e6clause.Table{Catalog: "hive", Schema: "sales", Name: "users"}.Scope).Find(&users)
		}, `SELECT * FROM "hive"."sales"."users"`},
		{"Table expression alias", func(tx *gorm.DB) *gorm.DB {
			return tx.Scopes(e6clause.Table{Catalog: "cat.db", Name: "users", Alias: "u"}.Scope).Where("u.age > ?", 1).Find(&users)
		}, `SELECT * FROM "cat.db"."users" AS u WHERE u.age > 1`},
		{"Table expression argument", func(tx *gorm.DB) *gorm.DB {
			return tx.Table("? AS u", e6clause.Table{Schema: "sales", Name: `we"ird`}).Find(&users)
		}, `SELECT * FROM "sales"."we""ird" AS u`},
		{"Use", func(tx *gorm.DB) *gorm.DB {
			return tx.Clauses(e6clause.Use{Catalog: "hive", Schema: "sales"}).Find(&users)
		}, `SELECT * FROM "users"`},
		{"Time", func(tx *gorm.DB) *gorm.DB {
			return tx.Where("created_at > ?", sqlTime).Find(&users)
		}, `SELECT * FROM "users" WHERE created_at > CAST('2024-01-01 21:34:05.123456' AS TIMESTAMP)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := db.ToSQL(tc.run)
			assert.Equal(t, tc.want, got)
		})
	}
}

var sqlTime = mustTime("2024-01-02T03:04:05.123456789+05:30")

// TestGoldenPreload pins the two statements of a Preload: GORM runs the second with the keys
// the first returned, so it is checked through a sqlmock pool that expects exactly these.
func TestGoldenPreload(t *testing.T) {
	db, sm := sqlmockDB(t, e6data.Config{}, nil)
	sm.ExpectQuery(`SELECT * FROM "users" WHERE age > ?`).WithArgs(18).
		WillReturnRows(sqlmock.NewRows([]string{"id", "name", "age"}).AddRow(1, "a", 20).AddRow(2, "b", 30))
	sm.ExpectQuery(`SELECT * FROM "orders" WHERE "orders"."user_id" IN (?,?)`).WithArgs(1, 2).
		WillReturnRows(sqlmock.NewRows([]string{"id", "user_id", "amount"}).AddRow(10, 1, 1.5).AddRow(11, 2, 2.5).AddRow(12, 2, 3.5))
	var users []User
	require.NoError(t, db.Preload("Orders").Where("age > ?", 18).Find(&users).Error)
	require.Len(t, users, 2)
	assert.Len(t, users[0].Orders, 1)
	assert.Len(t, users[1].Orders, 2)
}
