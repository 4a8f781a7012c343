import ConsentRules

/// When a transiently failed message is tried again: exponential backoff from 30 s, capped at an hour, with
/// ±20% jitter so that messages that failed together do not retry together.
public enum RetryPolicy {
    public static func nextAttempt(after attempts: Int, now: Instant, jitter: Double = Double.random(in: -0.2...0.2))
        -> Instant
    {
        let exponent = min(max(attempts - 1, 0), 7)
        let base = min(30 * (1 << exponent), 3600)
        let seconds = Double(base) * (1 + min(max(jitter, -0.2), 0.2))
        return now.adding(seconds: Int64(seconds.rounded()))
    }
}
