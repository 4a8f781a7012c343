import Dispatch
import Notifier
import Synchronization

/// Work started at once on another thread, whose result a blocking caller collects when it needs it: lets a
/// thread that owns a resource (a database connection) keep using it while other threads work on what it
/// fetched before.
final class BackgroundWork<Value: Sendable>: Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private let outcome = Mutex<Result<Value, any Error>?>(nil)

    init(_ work: @escaping @Sendable () throws -> Value) {
        BlockingThreads.shared.start {
            let result = Result(catching: work)
            self.outcome.withLock { $0 = result }
            self.finished.signal()
        }
    }

    /// Blocks until the work has finished, then returns its value or throws its error.
    func result() throws -> Value {
        finished.wait()
        // Whoever asks next must not wait for a second signal that never comes.
        finished.signal()
        guard let result = outcome.withLock({ $0 }) else {
            preconditionFailure("background work signalled before storing its result")
        }
        return try result.get()
    }
}
