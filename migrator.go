package e6data

import (
	"gorm.io/gorm"
	"gorm.io/gorm/migrator"
)

// Migrator is the e6data gorm.Migrator. It answers from e6data's metadata RPCs and never sends
// DDL.
type Migrator struct {
	migrator.Migrator
	Dialector Dialector
}

func newMigrator(db *gorm.DB, d Dialector) Migrator {
	return Migrator{
		Migrator: migrator.Migrator{Config: migrator.Config{
			DB:        db,
			Dialector: d,
		}},
		Dialector: d,
	}
}

// refusals keeps the policy helpers referenced until the write policy and the migrator use them.
var _ = []func(string) error{refuseWrite, refuseDDL}
