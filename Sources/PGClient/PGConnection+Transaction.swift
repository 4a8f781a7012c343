import CLibPQ

extension PGConnection {
    /// Runs `body` inside BEGIN … COMMIT. Any error thrown by `body` rolls the transaction back and is
    /// rethrown. If `body` caught a failed statement's error itself, the transaction cannot commit: it is
    /// rolled back and `.queryFailed` thrown, rather than reporting success for work that was discarded.
    public func transaction<T>(
        file: String = #fileID, line: Int = #line, _ body: (PGConnection) throws -> T
    ) throws -> T {
        try execute("BEGIN", file: file, line: line)
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackQuietly()
            throw error
        }
        if PQtransactionStatus(handle) == PQTRANS_INERROR {
            rollbackQuietly()
            throw PGError(
                .queryFailed, context: "a statement in the transaction failed; the transaction was rolled back",
                file: file, line: line)
        }
        do {
            try execute("COMMIT", file: file, line: line)
        } catch {
            // A failed COMMIT rolled the transaction back, with any SET made in it.
            planning = nil
            throw error
        }
        return value
    }

    /// Ends a transaction a lease left open, so the next lease starts clean instead of inside it.
    func rollbackIfInTransaction() {
        switch PQtransactionStatus(handle) {
        case PQTRANS_INTRANS, PQTRANS_INERROR:
            logger.warning("A lease returned its connection inside a transaction; rolling it back")
            rollbackQuietly()
        default:
            break
        }
    }

    /// The original error matters more than a failed rollback, and a dead session has rolled back anyway.
    private func rollbackQuietly() {
        planning = nil
        guard !isBroken else { return }
        do {
            try execute("ROLLBACK")
        } catch {
            logger.debug("ROLLBACK failed", metadata: ["pg.error": "\(error)"])
        }
    }
}
