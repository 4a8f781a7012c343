import Synchronization

/// Spaces out a pool's attempts to reach a server that is gone: after a failed connect, leases fail at once
/// for a short while instead of each trying again, and the while doubles (up to `longest`) until one succeeds.
/// Without it, every waiting request would take its own turn at the dead host during a failover.
final class PGReconnectBackoff: Sendable {
    private struct State {
        var notBefore: ContinuousClock.Instant?
        var delay: Duration
    }

    private let shortest: Duration
    private let longest: Duration
    private let state: Mutex<State>

    init(shortest: Duration = .milliseconds(100), longest: Duration = .seconds(2)) {
        self.shortest = shortest
        self.longest = longest
        state = Mutex(State(notBefore: nil, delay: shortest))
    }

    /// Throws `.connectionFailed` while the last failure's wait has not passed.
    func admit(file: String, line: Int) throws {
        let waiting = state.withLock { state in state.notBefore.map { ContinuousClock.now < $0 } ?? false }
        if waiting {
            throw PGError(.connectionFailed, context: "waiting before trying the server again", file: file, line: line)
        }
    }

    func failed() {
        state.withLock { state in
            state.notBefore = ContinuousClock.now + state.delay
            state.delay = min(state.delay * 2, longest)
        }
    }

    func succeeded() {
        state.withLock { state in
            state.notBefore = nil
            state.delay = shortest
        }
    }
}
