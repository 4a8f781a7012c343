import ConsentRules
import Foundation

/// The service's notion of now. Business timestamps come from here rather than from the database, so tests
/// can move time forward (activation windows, deadlines) without waiting.
struct AppClock: Sendable {
    let now: @Sendable () -> Instant

    static let system = AppClock {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Instant(microsecondsSinceEpoch: Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1_000)
    }
}
