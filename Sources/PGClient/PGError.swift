/// Everything that can go wrong talking to PostgreSQL, as one value type.
///
/// `description` is safe to log and to show: it names the kind of failure, the SQLSTATE, the constraint and
/// the place in our code, but never bind values, row data, server message text or addresses, since
/// PostgreSQL puts the offending values in its messages (`Key (email)=(…) already exists`).
/// `debugDescription` adds the server's text for debugging.
public struct PGError: Error, CustomStringConvertible, CustomDebugStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case connectionFailed
            case connectionLost
            case queryFailed
            case decodingFailed
            case poolClosed
            case acquireTimeout
            case migrationChanged
            case migrationFailed
            case copyFailed
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// Could not open (or re-open) a session.
        public static let connectionFailed = Code(.connectionFailed)
        /// The session died while a statement was running; the statement may or may not have taken effect.
        public static let connectionLost = Code(.connectionLost)
        /// The server rejected a statement; see `sqlState`.
        public static let queryFailed = Code(.queryFailed)
        /// A column value could not be turned into the requested Swift type, or was unexpectedly NULL.
        public static let decodingFailed = Code(.decodingFailed)
        /// The pool was closed before or while waiting for a connection.
        public static let poolClosed = Code(.poolClosed)
        /// Every connection stayed busy for the whole acquire timeout.
        public static let acquireTimeout = Code(.acquireTimeout)
        /// An applied migration file was edited afterwards.
        public static let migrationChanged = Code(.migrationChanged)
        /// A migration file could not be loaded or applied.
        public static let migrationFailed = Code(.migrationFailed)
        /// A COPY did not start or did not complete.
        public static let copyFailed = Code(.copyFailed)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// The five-character SQLSTATE the server reported, e.g. "23505".
    public var sqlState: String?
    /// The constraint the server blamed (PG_DIAG_CONSTRAINT_NAME), when it named one.
    public var constraint: String?
    /// What we were doing, in words chosen by this module that never contain data
    /// (e.g. the migration file name); shown in `description`.
    public var context: String?
    /// The server's (or libpq's) primary message. May contain data, so only `debugDescription` shows it.
    public var serverMessage: String?
    /// The server's DETAIL text. Usually contains data, so only `debugDescription` shows it.
    public var serverDetail: String?
    /// Where the failing call was made (`#fileID`).
    public var file: String
    /// Where the failing call was made (`#line`).
    public var line: Int

    public init(
        _ code: Code,
        context: String? = nil,
        sqlState: String? = nil,
        constraint: String? = nil,
        serverMessage: String? = nil,
        serverDetail: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.context = context
        self.sqlState = sqlState
        self.constraint = constraint
        self.serverMessage = serverMessage
        self.serverDetail = serverDetail
        self.file = file
        self.line = line
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// True when the database was unreachable or too busy rather than the request being wrong;
    /// callers answer these with 503 so clients retry later.
    public var isConnectionProblem: Bool {
        switch code {
        case .connectionFailed, .connectionLost, .acquireTimeout, .poolClosed: true
        default: isReadOnlyServer || isServerGoingAway
        }
    }

    /// The statement wrote on a server that only reads (a standby, or a primary being demoted).
    public var isReadOnlyServer: Bool { sqlState == "25006" }

    /// The server is shutting down or not yet accepting sessions (class 57P) or the session broke (class 08).
    var isServerGoingAway: Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("57P") || sqlState.hasPrefix("08")
    }

    public var description: String {
        var parts = ["code: \(code)"]
        if let context { parts.append("context: \(context)") }
        if let sqlState { parts.append("sqlState: \(sqlState)") }
        if let constraint { parts.append("constraint: \(constraint)") }
        parts.append("at: \(file):\(line)")
        return "PGError(\(parts.joined(separator: ", ")))"
    }

    public var debugDescription: String {
        var parts = [description]
        if let serverMessage { parts.append("message: \(serverMessage)") }
        if let serverDetail { parts.append("detail: \(serverDetail)") }
        return parts.joined(separator: " ")
    }

    /// The same error, blamed on another call site; used so errors point at the caller's code rather than ours.
    @usableFromInline
    func located(file: String, line: Int) -> PGError {
        var copy = self
        copy.file = file
        copy.line = line
        return copy
    }
}
