import Logging

/// One of the pool's `size` places for a connection. A slot may be empty (never connected yet, or closed);
/// the lease that holds it connects on its pool thread.
///
/// `@unchecked Sendable` because the pool, not the compiler, guarantees exclusivity: a slot belongs to
/// exactly one lease at a time, and handing it over goes through the pool's lock or a continuation, which
/// order the previous holder's writes before the next holder's reads.
final class PGConnectionSlot: @unchecked Sendable {
    let number: Int
    var connection: PGConnection?

    init(number: Int) {
        self.number = number
    }

    /// A connection ready for a statement: opened on first use, and re-opened when the server ended the
    /// previous session. Runs on a pool thread, since both may block. While `backoff` says the server was
    /// just found gone, fails at once instead of trying again.
    func readyConnection(
        conninfo: String, backoff: PGReconnectBackoff, tracker: PGServerTracker, logger: Logger, file: String,
        line: Int
    ) throws -> PGConnection {
        if let connection {
            connection.detectServerHangUp()
            guard connection.isBroken else { return connection }
            logger.debug("PostgreSQL connection was lost; reconnecting", metadata: ["pg.slot": "\(number)"])
        }
        try backoff.admit(file: file, line: line)
        do {
            let opened: PGConnection
            if let connection {
                try connection.reset(file: file, line: line)
                opened = connection
            } else {
                opened = try PGConnection.connect(conninfo, logger: logger, file: file, line: line)
                self.connection = opened
            }
            backoff.succeeded()
            tracker.reached(opened.server, logger: logger)
            return opened
        } catch {
            backoff.failed()
            throw error
        }
    }
}
