import CLibPQ
import Logging

/// One PostgreSQL session over libpq. Every call blocks the calling thread until the server answers, so
/// use it from a dedicated thread (the pool's), never from a Swift concurrency or event-loop thread.
///
/// Not Sendable: libpq allows one thread at a time per connection. `PGPool` hands each connection to
/// one lease at a time.
public final class PGConnection {
    let handle: OpaquePointer
    let logger: Logger
    /// Kept alive for as long as libpq may call it back.
    private let noticeLogger: PGNoticeLogger
    /// Names of statements this session has prepared; the server forgets them when the session ends.
    private var preparedStatements: Set<String> = []
    /// The session's `plan_cache_mode` as last set, or nil when unknown: a rolled-back transaction undoes a
    /// `SET` made inside it, so after one the next statement sets the mode again.
    var planning: PGStatement.Planning?

    /// Takes ownership of `handle`, so it is freed even when connecting failed.
    private init(handle: OpaquePointer, logger: Logger) {
        self.handle = handle
        self.logger = logger
        self.noticeLogger = PGNoticeLogger(logger: logger)
        noticeLogger.install(on: handle)
    }

    deinit {
        PQfinish(handle)
    }

    /// Opens a session. `conninfo` is anything libpq accepts: a `postgresql://` URL or `key=value` pairs,
    /// including TLS settings such as `sslmode=verify-full`. It is never logged, since it may hold a password.
    /// Without an `sslmode` (there or in `PGSSLMODE`), a server that is not on this machine gets `verify-full`
    /// (``PGTLSPolicy``).
    public static func connect(
        _ conninfo: String, logger: Logger, file: String = #fileID, line: Int = #line
    ) throws -> PGConnection {
        guard let handle = openHandle(conninfo) else {
            throw PGError(.connectionFailed, context: "libpq could not allocate a connection", file: file, line: line)
        }
        let connection = PGConnection(handle: handle, logger: logger)
        try connection.checkConnected(file: file, line: line)
        try connection.configureSession(file: file, line: line)
        return connection
    }

    /// Defaults first, then the caller's conninfo: libpq lets later parameters override earlier ones,
    /// so anything the caller sets wins.
    private static func openHandle(_ conninfo: String) -> OpaquePointer? {
        var parameters: [(String, String)] = [
            // Without a timeout a blackholed server would hold a pool thread for minutes.
            ("connect_timeout", "5"),
            // Notice a vanished server within about a minute rather than the OS default of hours.
            ("keepalives_idle", "30"),
            ("keepalives_interval", "10"),
            ("keepalives_count", "3"),
            ("fallback_application_name", "consent-service"),
        ]
        if let mode = PGTLSPolicy.forConninfo(conninfo).addedMode {
            parameters.append(("sslmode", mode))
        }
        parameters.append(("dbname", conninfo))
        return PGCStrings.with(parameters.map(\.0) + [nil]) { keywords in
            PGCStrings.with(parameters.map(\.1) + [nil]) { values in
                PQconnectdbParams(keywords, values, 1)
            }
        }
    }

    private func checkConnected(file: String, line: Int) throws {
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = libpqMessage
            // libpq's message names host and user but never the password; the conninfo itself is not logged.
            logger.warning("PostgreSQL connection failed", metadata: ["pg.error": "\(message)"])
            throw PGError(
                .connectionFailed, context: "could not open a PostgreSQL session", serverMessage: message,
                file: file, line: line)
        }
    }

    /// Session settings every caller relies on: timestamps print in UTC ISO form, bytea prints as hex,
    /// text is exchanged as UTF-8, and plans are cached as `planning` says (whatever the server's default).
    private func configureSession(file: String, line: Int) throws {
        do {
            try execute(
                "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET bytea_output = 'hex'; SET client_encoding = 'UTF8'; "
                    + "SET plan_cache_mode = 'auto'",
                file: file, line: line)
            planning = .serverChooses
        } catch var error as PGError {
            error.code = .connectionFailed
            error.context = "could not configure the new session"
            throw error
        }
    }

    /// The server this session reached, `host:port`: with several hosts in the conninfo, the one libpq chose.
    public var server: String {
        let host = PQhost(handle).map { String(cString: $0) } ?? "?"
        let port = PQport(handle).map { String(cString: $0) } ?? "?"
        return "\(host):\(port)"
    }

    /// True once libpq has seen the session fail; `reset()` reconnects it.
    public var isBroken: Bool {
        PQstatus(handle) != CONNECTION_OK
    }

    /// Reconnects with the original parameters. The new session has none of the old one's prepared
    /// statements, settings or transaction.
    public func reset(file: String = #fileID, line: Int = #line) throws {
        preparedStatements.removeAll()
        planning = nil
        PQreset(handle)
        try checkConnected(file: file, line: line)
        try configureSession(file: file, line: line)
        logger.debug("PostgreSQL connection re-established", metadata: ["pg.server": "\(server)"])
    }

    /// Runs a statement declared once and reused: prepared on this connection the first time, then
    /// executed by name, so the server parses and plans it once per session.
    public func query(
        _ statement: PGStatement, _ binds: [any PGBindable], file: String = #fileID, line: Int = #line
    ) throws -> PGResult {
        if planning != statement.planning {
            try setPlanning(statement.planning, file: file, line: line)
        }
        if !preparedStatements.contains(statement.name) {
            _ = try checkResult(PQprepare(handle, statement.name, statement.sql, 0, nil), file: file, line: line)
            preparedStatements.insert(statement.name)
        }
        do {
            let result = try PGParameters.withCStrings(binds, file: file, line: line) { values in
                PQexecPrepared(handle, statement.name, Int32(values.count), values, nil, nil, 0)
            }
            return try checkResult(result, file: file, line: line)
        } catch let error as PGError where error.sqlState == "26000" {
            // Someone ran DEALLOCATE or DISCARD on this session: prepare again next time (but don't retry now).
            preparedStatements.remove(statement.name)
            throw error
        }
    }

    /// Switches the session's plan cache mode; it applies to each later execution of every prepared statement.
    private func setPlanning(_ wanted: PGStatement.Planning, file: String, line: Int) throws {
        let mode =
            switch wanted {
            case .serverChooses: "auto"
            case .generic: "force_generic_plan"
            }
        planning = nil
        try execute("SET plan_cache_mode = " + mode, file: file, line: line)
        planning = wanted
    }

    /// Runs a one-off parameterised statement without keeping a prepared statement around.
    public func query(
        _ sql: String, _ binds: [any PGBindable], file: String = #fileID, line: Int = #line
    ) throws -> PGResult {
        let result = try PGParameters.withCStrings(binds, file: file, line: line) { values in
            PQexecParams(handle, sql, Int32(values.count), nil, values, nil, nil, 0)
        }
        return try checkResult(result, file: file, line: line)
    }

    /// Runs SQL without parameters over the simple protocol, which allows several statements separated by
    /// semicolons (DDL, migrations). Never build `sql` from input: use `query` with binds for that.
    public func execute(_ sql: String, file: String = #fileID, line: Int = #line) throws {
        _ = try checkResult(PQexec(handle, sql), file: file, line: line)
    }

    /// Turns what libpq returned into a result or a thrown error, taking ownership of it either way.
    func checkResult(
        _ raw: OpaquePointer?, failure code: PGError.Code = .queryFailed, file: String, line: Int
    ) throws -> PGResult {
        guard let raw else {
            throw error(from: nil, code: code, file: file, line: line)
        }
        let result = PGResult(handle: raw)
        switch result.status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return result
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            abandonCopy(result.status)
            throw PGError(.queryFailed, context: "the statement started a COPY; use copyIn or copyOut", file: file, line: line)
        default:
            throw error(from: result, code: code, file: file, line: line)
        }
    }

    /// The error a failed result (or a missing one) stands for. When the session died along the way the
    /// code is `.connectionLost` whatever the statement was, since the caller must treat it as unavailable.
    func error(from result: PGResult?, code: PGError.Code, file: String, line: Int) -> PGError {
        PGError(
            isBroken ? .connectionLost : code,
            sqlState: result?.errorField(PGDiagnosticField.sqlState),
            constraint: result?.errorField(PGDiagnosticField.constraintName),
            serverMessage: result?.errorField(PGDiagnosticField.messagePrimary)
                ?? trimmed(result?.errorMessage ?? libpqMessage),
            serverDetail: result?.errorField(PGDiagnosticField.messageDetail),
            file: file,
            line: line)
    }

    /// libpq's latest error text for this connection.
    var libpqMessage: String {
        guard let message = PQerrorMessage(handle) else { return "" }
        return trimmed(String(cString: message))
    }

    private func trimmed(_ message: String) -> String {
        var text = Substring(message)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
