import Logging
import ServiceLifecycle

/// Work done at start and then every `interval` until graceful shutdown (the expiry sweep, the overdue check,
/// the retention purge). A round is repeated at once while it says more is waiting, so a backlog is worked off
/// without waiting an interval per batch; a failed round is logged and tried again at the next interval.
struct PeriodicWork: Sendable {
    let name: String
    let interval: Duration
    let logger: Logger
    /// One round; true when more is waiting right away.
    let round: @Sendable () async throws -> Bool

    func run() async {
        while !Task.isShuttingDownGracefully {
            do {
                while try await round(), !Task.isShuttingDownGracefully {}
            } catch {
                logger.warning("\(name) failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
