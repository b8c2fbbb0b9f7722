package strategy

// Names of the OpenTelemetry instruments the driver records on Options.MeterProvider. Every
// one carries the attributes e6data.cluster and server.address; detections and their duration
// also success, wrong_strategy rpc.method, pins and active strategy, query duration success and
// strategy. Durations are in seconds.
//
// The OpenTelemetry Prometheus exporter turns a name into a Prometheus one by replacing the dots
// with underscores and adding the unit and type: e6data.query.retries becomes
// e6data_query_retries_total, e6data.query.duration e6data_query_duration_seconds (a histogram:
// _bucket, _sum, _count), e6data.strategy.pins stays e6data_strategy_pins (a gauge).
const (
	MetricDetections        = "e6data.strategy.detections"
	MetricDetectionDuration = "e6data.strategy.detection.duration"
	MetricWrongStrategy     = "e6data.strategy.wrong_strategy"
	MetricRetries           = "e6data.query.retries"
	MetricInterrupted       = "e6data.query.interrupted"
	MetricSwitches          = "e6data.strategy.switches"
	MetricSwitchDuration    = "e6data.strategy.switch.duration"
	MetricRollbacks         = "e6data.strategy.rollbacks"
	MetricInvalidations     = "e6data.strategy.invalidations"
	MetricPins              = "e6data.strategy.pins"
	MetricAutoResumes       = "e6data.cluster.auto_resumes"

	// MetricActive is a gauge per colour (attribute strategy), without a unit: 1 for the
	// colour new work goes to, 0 for the other; both 0 while the colour is unknown (not yet
	// detected, or forgotten after a 456).
	MetricActive = "e6data.strategy.active"
	// MetricQueryDuration is the duration of each statement, from QueryContext or ExecContext
	// until its result was closed (for a query, the caller's reading time included), with the
	// attributes success and strategy (the colour it ended on; "" when it never got one).
	MetricQueryDuration = "e6data.query.duration"
	// MetricReplays counts the queries a switch cut mid-stream that the driver resumed by
	// replay; MetricReplayedRows the rows those re-runs read again and verified.
	MetricReplays      = "e6data.query.replays"
	MetricReplayedRows = "e6data.query.replayed_rows"
)
