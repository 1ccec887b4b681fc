import NIOConcurrencyHelpers
import ParleyCore
import Prometheus

/// What `GET /metrics` shows, kept in a Prometheus registry of this application's own rather than
/// a process-wide metrics system: every application counts apart, so tests running many at once
/// each read their own numbers.
///
/// The core reports through ``MetricsRecorder``; the HTTP side and the realtime sockets call the
/// methods below. Every call may come from any thread.
public final class ParleyMetrics: MetricsRecorder, Sendable {
    /// Seconds, for request latency, connection waits and bus lag: from a millisecond to ten
    /// seconds, with the 15 ms of the cross-instance delivery goal as a bound of its own.
    static let secondsBuckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]
    /// Sends per batch, up to the batcher's largest (``MessageSendBatcher``, 256).
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]

    /// A route template and method: the labels the request metrics share.
    private struct Endpoint: Hashable {
        let route: String
        let method: String
    }

    /// One endpoint's series, made on its first request and looked up after that.
    private struct EndpointSeries {
        let duration: ValueHistogram
        var requestsByStatus: [Int: Counter] = [:]
    }

    private let registry = PrometheusCollectorRegistry()
    private let endpoints = NIOLockedValueBox<[Endpoint: EndpointSeries]>([:])
    private let messagesSent: Counter
    private let sendBatchSizes: ValueHistogram
    private let sendBatchesByPath: [SendBatchPath: Counter]
    private let deliveries: Counter
    private let openSockets: Gauge
    private let slowSocketsDropped: Counter
    private let connectionWaits: ValueHistogram
    private let busLag: ValueHistogram

    public init() {
        messagesSent = registry.makeCounter(
            descriptor: Self.name(
                "parley_messages_sent", unit: "total",
                help: "Messages written by sends (a send answered by an earlier message under its client message id "
                    + "is not counted again)."))
        sendBatchSizes = registry.makeValueHistogram(
            descriptor: Self.name(
                "parley_send_batch_size", unit: "",
                help: "Sends written together in one transaction by the send batcher."),
            buckets: Self.batchBuckets)
        sendBatchesByPath = Dictionary(
            uniqueKeysWithValues: SendBatchPath.allCases.map { [registry] path in
                let counter = registry.makeCounter(
                    descriptor: Self.name(
                        "parley_send_batches", unit: "total",
                        help: "Batches the send batcher wrote, by how: one_statement (PostgreSQL, no transaction), "
                            + "transaction_after_change (tried so, but a conversation changed meanwhile) or "
                            + "transaction."),
                    labels: [("path", path.rawValue)])
                return (path, counter)
            })
        deliveries = registry.makeCounter(
            descriptor: Self.name(
                "parley_realtime_deliveries", unit: "total", help: "Event frames written to realtime sockets."))
        openSockets = registry.makeGauge(
            descriptor: Self.name(
                "parley_realtime_sockets_open", unit: "",
                help: "Realtime sockets open and signed in, receiving events."))
        slowSocketsDropped = registry.makeCounter(
            descriptor: Self.name(
                "parley_realtime_slow_sockets_dropped", unit: "total",
                help: "Realtime sockets closed because their client stopped reading what it was sent."))
        connectionWaits = registry.makeValueHistogram(
            descriptor: Self.name(
                "parley_database_connection_wait", unit: "seconds",
                help: "Seconds an operation waited for a database connection: from the PostgreSQL pool, or for "
                    + "SQLite's one writer connection (SQLite reads never wait)."),
            buckets: Self.secondsBuckets)
        busLag = registry.makeValueHistogram(
            descriptor: Self.name(
                "parley_event_bus_lag", unit: "seconds",
                help: "Seconds from an event's publication on one instance to its arrival on this one, through the "
                    + "bus between instances."),
            buckets: Self.secondsBuckets)
    }

    /// Every metric in the Prometheus text exposition format (version 0.0.4).
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    // MARK: HTTP

    /// One request answered: its route template (never the raw path), method and status, and the
    /// seconds until its response was ready.
    func recordRequest(route: String, method: String, status: Int, seconds: Double) {
        let (counter, histogram) = endpoints.withLockedValue { endpoints in
            let endpoint = Endpoint(route: route, method: method)
            var series =
                endpoints[endpoint]
                ?? EndpointSeries(
                    duration: registry.makeValueHistogram(
                        descriptor: Self.requestDurationName, labels: [("route", route), ("method", method)],
                        buckets: Self.secondsBuckets))
            if let counter = series.requestsByStatus[status] { return (counter, series.duration) }
            let counter = registry.makeCounter(
                descriptor: Self.requestsName,
                labels: [("route", route), ("method", method), ("status", String(status))])
            series.requestsByStatus[status] = counter
            endpoints[endpoint] = series
            return (counter, series.duration)
        }
        counter.increment()
        histogram.record(seconds)
    }

    // Computed: a descriptor is not Sendable, so it cannot be a stored static. Only a request's
    // first series for a route, method and status needs it.
    private static var requestsName: MetricNameDescriptor {
        name(
            "parley_http_requests", unit: "total",
            help: "HTTP requests answered, by route template (\"unmatched\" for addresses no route serves), method "
                + "and status code.")
    }

    private static var requestDurationName: MetricNameDescriptor {
        name(
            "parley_http_request_duration", unit: "seconds",
            help: "Seconds from a request's arrival until its response was ready to send, by route template and "
                + "method; a streamed body (an export, the admin event stream) is not timed to its end.")
    }

    // MARK: Realtime

    /// A realtime socket was signed in and joined the hub.
    func socketOpened() { openSockets.increment() }

    /// A socket counted by ``socketOpened()`` left the hub.
    func socketClosed() { openSockets.decrement() }

    /// An event frame was written to a realtime socket.
    func frameDelivered() { deliveries.increment() }

    /// A realtime socket was closed for not reading what it was sent.
    func slowSocketDropped() { slowSocketsDropped.increment() }

    // MARK: MetricsRecorder

    public func recordConnectionWait(seconds: Double) {
        connectionWaits.record(seconds)
    }

    public func recordSendBatch(sends: Int, messagesWritten: Int, path: SendBatchPath) {
        sendBatchSizes.record(Double(sends))
        sendBatchesByPath[path]?.increment()
        if messagesWritten > 0 { messagesSent.increment(by: Int64(messagesWritten)) }
    }

    /// For the bus between instances (PostgreSQL `LISTEN`/`NOTIFY`): call it for each event that
    /// arrives from another instance, with the time it arrived minus the time it was published.
    /// Nothing calls it while events stay inside one process.
    public func recordBusLag(seconds: Double) {
        busLag.record(max(0, seconds))
    }

    private static func name(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: unit, helpText: help)
    }
}
