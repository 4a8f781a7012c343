import Foundation
import HTTPTypes
import Hummingbird
import PGClient

/// Where auditors' long reads go (exports, evidence, the compliance report): to a standby when
/// READ_DATABASE_URL names one, else to the primary. Every write, validity and reads by id stay on the primary.
struct ReadPools: Sendable {
    let primary: PGPool
    /// Sessions of READ_DATABASE_URL (`target_session_attrs=prefer-standby`); nil without it.
    let standby: PGPool?

    init(primary: PGPool, standby: PGPool? = nil) {
        self.primary = primary
        self.standby = standby
    }

    /// The pool a read that cannot start over on another server (an export) uses.
    var longReads: PGPool { standby ?? primary }

    /// How far behind the server of `connection`, a session of `pool`, is: asked only of READ_DATABASE_URL's
    /// sessions, since the primary's are never behind.
    func lag(of pool: PGPool, on connection: PGConnection) throws -> ReplayLag {
        guard let standby, pool === standby else { return .primary }
        return try ReplayLag.read(on: connection)
    }

    /// The same for a read about to start on `longReads`.
    func lagOfLongReads() async throws -> ReplayLag {
        guard let standby else { return .primary }
        return try await standby.withConnection { try ReplayLag.read(on: $0) }
    }

    /// Runs `body` on the standby's pool; asks the primary instead when the standby cannot be reached, or when it
    /// does not know the key or the consent asked for, which a standby behind the primary may not know yet.
    func read<T: Sendable>(_ body: (PGPool) async throws -> T) async throws -> T {
        guard let standby else { return try await body(primary) }
        do {
            return try await body(standby)
        } catch let error as APIError where error.status == .unauthorized || error.status == .notFound {
            return try await body(primary)
        } catch let error as PGError where error.isConnectionProblem {
            return try await body(primary)
        }
    }
}

/// How far a read's server was behind the primary, said in `X-Read-Server` (`primary` or `standby`) and
/// `X-Replay-Lag-Seconds` on the answer.
struct ReplayLag: Sendable, Equatable {
    let onStandby: Bool
    /// 0 on the primary, and on a standby that has replayed everything it received.
    let seconds: Double

    static let primary = ReplayLag(onStandby: false, seconds: 0)

    /// On a standby: the age of the last transaction it replayed, unless it has replayed all it received.
    static let statement = PGStatement(
        """
        SELECT pg_is_in_recovery(),
               CASE WHEN NOT pg_is_in_recovery() THEN 0
                    WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
                    ELSE coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)
               END::float8
        """)

    static func read(on connection: PGConnection) throws -> ReplayLag {
        let row = try connection.query(statement, [])[0]
        return ReplayLag(onStandby: try row.decode(Bool.self, 0), seconds: max(0, try row.decode(Double.self, 1)))
    }
}

extension ReplayLag {
    static let serverHeader = HTTPField.Name("X-Read-Server")
    static let lagHeader = HTTPField.Name("X-Replay-Lag-Seconds")

    /// Says on `response` where its data was read and how far behind that server was.
    func mark(_ response: inout Response) {
        if let name = Self.serverHeader { response.headers[name] = onStandby ? "standby" : "primary" }
        if let name = Self.lagHeader { response.headers[name] = String(format: "%.3f", seconds) }
    }
}
