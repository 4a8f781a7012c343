import Logging
import Synchronization

/// Remembers which server a pool's sessions reach (`host:port`), so that a move to another one, which with a
/// multi-host `target_session_attrs=read-write` URL means a failover, is logged once rather than by every
/// connection that follows.
final class PGServerTracker: Sendable {
    private let current = Mutex<String?>(nil)

    func reached(_ server: String, logger: Logger) {
        let previous = current.withLock { current -> String?? in
            guard current != server else { return .none }
            defer { current = server }
            return .some(current)
        }
        switch previous {
        case .none:
            break
        case .some(.none):
            logger.info("PostgreSQL sessions open on \(server)", metadata: ["pg.server": "\(server)"])
        case .some(.some(let before)):
            logger.warning(
                "PostgreSQL server changed: sessions now open on \(server)",
                metadata: ["pg.server": "\(server)", "pg.previousServer": "\(before)"])
        }
    }
}
