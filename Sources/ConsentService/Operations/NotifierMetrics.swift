import Notifier
import Prometheus

/// Counters of the notifier, by message kind, on the registry that `/metrics` renders.
struct NotifierMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    private func counter(_ name: String, _ help: String, kind: String) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: name, unitName: "total", helpText: help), labels: [("kind", kind)])
    }

    func attemptFinished(kind: String, result: OutboxAttemptResult) {
        switch result {
        case .sent: counter("messages_sent", "Messages the SMTP server (or outbox folder) accepted.", kind: kind).increment()
        case .failed: counter("messages_failed", "Messages that failed for good (5xx or retries exhausted).", kind: kind).increment()
        case .retryScheduled: counter("message_retries", "Delivery attempts that failed transiently and were rescheduled.", kind: kind).increment()
        case .withdrawn: counter("messages_withdrawn", "Messages ended unsent because their consent was gone.", kind: kind).increment()
        case .released, .lostLease: break
        }
    }

    func confirmationsOverdue(_ count: Int) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "confirmations_overdue", unitName: "total",
                helpText: "Active consents whose confirmation was not sent by confirmation.dueBy."))
            .increment(by: Int64(count))
    }
}
