import NIOPosix

/// Threads for calls that block (a libcurl transfer, the system resolver, a file write, formatting an export
/// while its connection keeps reading), so that none of them holds a thread of the cooperative pool or an
/// event loop. Their number is fixed: a burst of slow work waits its turn instead of adding threads.
///
/// The SMTP transport keeps threads of its own, one per open connection, and the database pool one per
/// connection: each of those threads owns a connection for its whole life.
public final class BlockingThreads: Sendable {
    /// Shared by the notifier's transports and the service's exports. Sixteen covers the notifier's default of
    /// four messages at once several times over, with room for exports beside it.
    public static let shared = BlockingThreads(count: 16)

    private let pool: NIOThreadPool

    public init(count: Int) {
        pool = NIOThreadPool(numberOfThreads: count)
        pool.start()
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    /// Runs `body` on one of these threads; the caller's task waits without holding a thread.
    public func run<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            start { continuation.resume(returning: body()) }
        }
    }

    /// Starts `body` on one of these threads and returns at once; the body reports its result itself.
    public func start(_ body: @escaping @Sendable () -> Void) {
        // A pool shutting down hands the work back as cancelled, on the caller's thread; it still runs, so
        // whoever waits for it is never left waiting.
        pool.submit { _ in body() }
    }
}
