import Prometheus

/// The service's own counters, registered on the registry that `/metrics` renders.
struct ServiceMetrics: Sendable {
    private let captured: Counter
    private let activated: Counter
    private let expired: Counter
    private let cancelled: Counter
    private let paidAfterCancellation: Counter

    init(registry: PrometheusCollectorRegistry) {
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "total", helpText: help))
        }
        captured = counter("consents_captured", "Consents created by POST /v1/consents.")
        activated = counter("consents_activated", "Pending consents activated.")
        expired = counter("consents_expired", "Pending consents expired at the end of their activation window.")
        cancelled = counter("consents_cancelled", "Consents cancelled, by the consumer or the merchant.")
        paidAfterCancellation = counter(
            "payments_after_cancellation", "Payments reported on a consent already cancelled: debits that should not have happened.")
    }

    func consentCaptured() { captured.increment() }
    func consentActivated() { activated.increment() }
    func consentExpired(_ count: Int = 1) { expired.increment(by: Int64(count)) }
    func consentCancelled() { cancelled.increment() }
    func paymentAfterCancellation() { paidAfterCancellation.increment() }
}
