import Prometheus

/// The service's own counters, registered on the registry that `/metrics` renders.
struct ServiceMetrics: Sendable {
    private let captured: Counter
    private let activated: Counter
    private let expired: Counter

    init(registry: PrometheusCollectorRegistry) {
        captured = registry.makeCounter(name: "consents_captured_total", help: "Consents created by POST /v1/consents.")
        activated = registry.makeCounter(name: "consents_activated_total", help: "Pending consents activated.")
        expired = registry.makeCounter(
            name: "consents_expired_total", help: "Pending consents expired at the end of their activation window.")
    }

    func consentCaptured() { captured.increment() }
    func consentActivated() { activated.increment() }
    func consentExpired(_ count: Int = 1) { expired.increment(by: Int64(count)) }
}
