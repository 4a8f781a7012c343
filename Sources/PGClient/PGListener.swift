import Foundation
import Logging
import Synchronization

/// Listens on channels over a session of its own, on a thread of its own (waiting is a blocking call), and
/// calls `onWake` when something arrives: once per batch of notifications read together, never with data.
///
/// Each time its session starts listening, the first time and after every reconnect, it calls `onWake` once:
/// notifications sent before then never reach it, so the consumer should look now rather than at its next
/// poll. Consumers must poll as well and treat a wake-up only as "look now". The thread runs until ``stop()``.
public final class PGListener: Sendable {
    private let onWake: @Sendable () -> Void
    private let stopped = Mutex(false)
    private let finished = Mutex<[CheckedContinuation<Void, Never>]>([])
    private let threadEnded = Mutex(false)

    /// Starts listening at once; call ``stop()`` to end the thread and the session.
    public init(conninfo: String, channels: [String], logger: Logger, onWake: @escaping @Sendable () -> Void) {
        self.onWake = onWake
        let thread = Thread { [self] in
            run(conninfo: conninfo, channels: channels, logger: logger)
        }
        thread.name = "pg-listener"
        thread.start()
    }

    /// Ends the listening session and returns once its thread has finished (within about a quarter second). Any
    /// number of callers may wait for that.
    public func stop() async {
        stopped.withLock { $0 = true }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let alreadyEnded = threadEnded.withLock { ended in
                if !ended { finished.withLock { $0.append(waiter) } }
                return ended
            }
            if alreadyEnded { waiter.resume() }
        }
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    private func run(conninfo: String, channels: [String], logger: Logger) {
        var backoff = 0.25
        // Said once per outage: when the session is lost, and when it listens again (on which server).
        var lost = false
        while !isStopped {
            do {
                let connection = try PGConnection.connect(conninfo, logger: logger)
                for channel in channels { try connection.listen(channel) }
                backoff = 0.25
                if lost {
                    logger.info(
                        "PostgreSQL listener is listening again", metadata: ["pg.server": "\(connection.server)"])
                    lost = false
                }
                onWake()
                while !isStopped {
                    if !(try connection.waitForNotifications(timeoutMilliseconds: 250)).isEmpty {
                        onWake()
                    }
                }
            } catch {
                if lost {
                    logger.debug("PostgreSQL listener could not listen yet", metadata: ["error": "\(error)"])
                } else {
                    logger.warning("PostgreSQL listener lost its session; reconnecting", metadata: ["error": "\(error)"])
                    lost = true
                }
                let deadline = Date().addingTimeInterval(backoff)
                while !isStopped && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
                backoff = min(backoff * 2, 5)
            }
        }
        let waiters = threadEnded.withLock { ended -> [CheckedContinuation<Void, Never>] in
            ended = true
            return finished.withLock { waiters in
                defer { waiters.removeAll() }
                return waiters
            }
        }
        for waiter in waiters { waiter.resume() }
    }
}
