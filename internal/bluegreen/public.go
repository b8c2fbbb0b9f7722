package bluegreen

import (
	"context"

	"github.com/e6data/gorm-e6data/internal/names"
	"github.com/e6data/gorm-e6data/strategy"
)

// The machinery speaks package strategy's public types under their own names.
type (
	Key         = strategy.Key
	Options     = strategy.Options
	Event       = strategy.Event
	EventKind   = strategy.EventKind
	Record      = strategy.Record
	Store       = strategy.Store
	Health      = strategy.Health
	Class       = strategy.Class
	Attempt     = strategy.Attempt
	DetectError = strategy.DetectError
)

// Colours, defaults, classes and events, as package strategy defines them.
const (
	Blue  = strategy.Blue
	Green = strategy.Green

	DefaultTTL              = strategy.DefaultTTL
	DefaultMaxPinAge        = strategy.DefaultMaxPinAge
	DefaultDetectTimeout    = strategy.DefaultDetectTimeout
	DefaultRollbackFailures = strategy.DefaultRollbackFailures
	DefaultRollbackWindow   = strategy.DefaultRollbackWindow

	OK              = strategy.OK
	Canceled        = strategy.Canceled
	WrongStrategy   = strategy.WrongStrategy
	Suspended       = strategy.Suspended
	AccessDenied    = strategy.AccessDenied
	Unauthenticated = strategy.Unauthenticated
	Unavailable     = strategy.Unavailable
	Other           = strategy.Other

	EventDetected      = strategy.EventDetected
	EventPending       = strategy.EventPending
	EventSwitched      = strategy.EventSwitched
	EventRolledBack    = strategy.EventRolledBack
	EventWrongStrategy = strategy.EventWrongStrategy
	EventRetry         = strategy.EventRetry
	EventInterrupted   = strategy.EventInterrupted
	EventPinTooOld     = strategy.EventPinTooOld
	EventInvalidated   = strategy.EventInvalidated
	EventDrained       = strategy.EventDrained
	EventAutoResume    = strategy.EventAutoResume
)

// Classify is strategy.Classify: the one classifier of every retry decision.
func Classify(ctx context.Context, err error) Class { return strategy.Classify(ctx, err) }

// normKey returns key as States are kept and compared: the cluster name lower-cased.
func normKey(k Key) Key { return Key{Endpoint: k.Endpoint, ClusterName: names.Cluster(k.ClusterName)} }
