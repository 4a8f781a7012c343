import ConsentRules
import Notifier

/// The service's notion of now. Business timestamps come from here rather than from the database, so tests
/// can move time forward (activation windows, deadlines) without waiting.
struct AppClock: Sendable {
    let now: @Sendable () -> Instant

    static let system = AppClock(now: SystemClock.now)
}
