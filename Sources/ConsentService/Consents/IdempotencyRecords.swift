import ConsentRules

/// How long an `Idempotency-Key` is remembered. A client retries a capture within minutes, not days; the stored
/// response is a sealed copy of the consumer's personal data, so it is kept no longer than that retry window
/// needs, and always far less than any retention period. After it, the same key is a new request (and a repeat
/// of the same body is then still caught by its `merchantReference`).
enum IdempotencyRecords {
    static let lifetimeSeconds: Int64 = 24 * 3600

    /// Records created before this instant are expired as of `now`.
    static func expiredBefore(_ now: Instant) -> Instant {
        now.adding(seconds: -lifetimeSeconds)
    }
}
