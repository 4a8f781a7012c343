import ConsentRules
import Foundation

/// The wall clock, read as an `Instant`: the service's clock in production, which the notifier's parts share
/// so that one deadline means the same moment everywhere (tests pass a clock they move by hand instead).
public enum SystemClock {
    public static func now() -> Instant {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Instant(microsecondsSinceEpoch: Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1_000)
    }
}
