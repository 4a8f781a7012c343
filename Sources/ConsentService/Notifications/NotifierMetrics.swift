import Notifier
import Prometheus

/// Counters of the notifier, by message kind, on the registry that `/metrics` renders.
struct NotifierMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        // Present at zero from the start, so that alerts on their increase work before the first event.
        for kind in [OutboxKind.confirmation, .webhook] {
            for result in [OutboxAttemptResult.sent, .failed, .retryScheduled, .withdrawn] {
                attemptFinished(kind: kind, result: result, by: 0)
            }
        }
        confirmationsOverdue(0)
    }

    private func counter(_ name: String, _ help: String, kind: OutboxKind) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: name, unitName: "total", helpText: help),
            labels: [("kind", kind.rawValue)])
    }

    func attemptFinished(kind: OutboxKind, result: OutboxAttemptResult, by count: Int64 = 1) {
        switch result {
        case .sent:
            counter("messages_sent", "Messages the SMTP server (or outbox folder) or webhook endpoint accepted.", kind: kind).increment(by: count)
        case .failed:
            counter("messages_failed", "Messages that failed for good (refused, or retries exhausted).", kind: kind)
                .increment(by: count)
        case .retryScheduled:
            counter("message_retries", "Delivery attempts that failed transiently and were rescheduled.", kind: kind)
                .increment(by: count)
        case .withdrawn:
            counter("messages_withdrawn", "Messages ended unsent because they were no longer due (consent ended or gone).", kind: kind)
                .increment(by: count)
        case .released, .lostLease:
            break
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
