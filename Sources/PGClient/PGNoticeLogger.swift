import CLibPQ
import Logging

/// Sends the server's notices and warnings to the logger instead of libpq's default, stderr.
/// Logged at debug because notice text can quote data.
final class PGNoticeLogger {
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// libpq keeps an unretained pointer to `self`: the connection owning both must keep `self` alive.
    func install(on connection: OpaquePointer) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        PQsetNoticeReceiver(connection, { context, result in
            guard let context, let result else { return }
            Unmanaged<PGNoticeLogger>.fromOpaque(context).takeUnretainedValue().log(result)
        }, context)
    }

    private func log(_ notice: OpaquePointer) {
        func field(_ name: Int32) -> String {
            guard let value = PQresultErrorField(notice, name) else { return "" }
            return String(cString: value)
        }
        logger.debug("PostgreSQL notice", metadata: [
            "pg.severity": "\(field(PGDiagnosticField.severityNonLocalized))",
            "pg.sqlstate": "\(field(PGDiagnosticField.sqlState))",
            "pg.message": "\(field(PGDiagnosticField.messagePrimary))",
        ])
    }
}
