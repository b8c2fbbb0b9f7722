package strategy

// Names of the OpenTelemetry instruments the driver records on Options.MeterProvider. Every
// one carries the attributes e6data.cluster and server.address; detections and their duration
// also success, wrong_strategy rpc.method, pins strategy. Durations are in seconds.
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
)
