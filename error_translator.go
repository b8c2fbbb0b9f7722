package e6data

import (
	"errors"

	"gorm.io/gorm"

	e6clause "github.com/e6data/gorm-e6data/clause"
	"github.com/e6data/gorm-e6data/connector"
)

// errorTranslations maps the driver's and the dialect's errors to GORM's, for
// gorm.Config{TranslateError: true}. e6data enforces no keys or constraints, so GORM's
// ErrDuplicatedKey, ErrForeignKeyViolated and ErrCheckConstraintViolated never occur.
var errorTranslations = []struct {
	match func(error) bool
	to    error
}{
	{is(connector.ErrTransactionsNotSupported), gorm.ErrUnsupportedDriver},
	{is(connector.ErrNoLastInsertID), gorm.ErrNotImplemented},
	{is(e6clause.ErrLockingNotSupported), gorm.ErrNotImplemented},
	{as[*connector.ArgumentError], gorm.ErrInvalidData},
	{as[*connector.PlaceholderCountError], gorm.ErrInvalidValue},
	{as[*connector.SQLTextError], gorm.ErrInvalidValue},
}

func is(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

func as[T error](err error) bool {
	var t T
	return errors.As(err, &t)
}

// Translate maps an error of the driver to GORM's matching error (see errorTranslations),
// keeping the original: the result matches both under errors.Is and errors.As. Other errors are
// returned unchanged.
func (d Dialector) Translate(err error) error {
	if err == nil {
		return nil
	}
	for _, t := range errorTranslations {
		if !errors.Is(err, t.to) && t.match(err) {
			return &translatedError{gorm: t.to, err: err}
		}
	}
	return err
}

// translatedError is an error of the driver with the GORM error it means.
type translatedError struct {
	gorm error
	err  error
}

func (e *translatedError) Error() string { return e.gorm.Error() + ": " + e.err.Error() }

func (e *translatedError) Unwrap() []error { return []error{e.gorm, e.err} }
