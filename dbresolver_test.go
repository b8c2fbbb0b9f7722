package e6data_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/plugin/dbresolver"

	e6data "github.com/e6data/gorm-e6data"
	"github.com/e6data/gorm-e6data/mock"
)

type Whoami struct {
	ID   int64 `gorm:"primaryKey;autoIncrement:false"`
	Name string
}

func (Whoami) TableName() string { return "whoami" }

// TestDBResolverRoutesReadsToReplicas: with dbresolver, reads go to the two replica clusters in
// turn and writes to the primary; each cluster says who it is.
func TestDBResolverRoutesReadsToReplicas(t *testing.T) {
	clusters := map[string]*mock.Server{}
	for _, name := range []string{"primary", "replica-a", "replica-b"} {
		srv := startMock(t, mock.Options{ClusterName: t.Name() + "-" + name})
		_, err := srv.Exec(`CREATE TABLE whoami (id BIGINT, name STRING)`)
		require.NoError(t, err)
		_, err = srv.Exec(`INSERT INTO whoami VALUES (1, ?)`, name)
		require.NoError(t, err)
		clusters[name] = srv
	}
	db, err := gorm.Open(e6data.New(e6data.Config{DSN: clusters["primary"].DSN(), AllowWrites: true}), &gorm.Config{Logger: logger.Discard})
	require.NoError(t, err)
	require.NoError(t, db.Use(dbresolver.Register(dbresolver.Config{
		Replicas: []gorm.Dialector{e6data.Open(clusters["replica-a"].DSN()), e6data.Open(clusters["replica-b"].DSN())},
		Policy:   dbresolver.StrictRoundRobinPolicy(),
	})))
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})

	seen := map[string]int{}
	for range 6 {
		var w Whoami
		require.NoError(t, db.First(&w).Error)
		seen[w.Name]++
	}
	assert.Equal(t, map[string]int{"replica-a": 3, "replica-b": 3}, seen, "reads alternate between the replicas")

	var names []string
	require.NoError(t, db.Raw(`SELECT "name" FROM "whoami"`).Scan(&names).Error)
	assert.Len(t, names, 1)
	assert.NotEqual(t, "primary", names[0], "raw reads go to a replica too")

	require.NoError(t, db.Create(&Whoami{ID: 2, Name: "written"}).Error)
	var onPrimary []Whoami
	require.NoError(t, db.Clauses(dbresolver.Write).Order("id").Find(&onPrimary).Error)
	assert.Equal(t, []Whoami{{1, "primary"}, {2, "written"}}, onPrimary, "the write went to the primary")
}
