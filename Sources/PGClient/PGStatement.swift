import Crypto

/// A statement that each connection prepares the first time it runs it and reuses afterwards.
///
/// Declare statements once (e.g. as `static let`) so the SQL is parsed once per connection, not once per
/// request.
public struct PGStatement: Sendable, Hashable {
    /// How the server plans each execution of a prepared statement.
    public enum Planning: Sendable, Hashable {
        /// The server's own choice (`plan_cache_mode = auto`): it plans the first executions for their
        /// values and keeps a generic plan only if that looks no dearer. Right for statements whose best plan
        /// depends on the values, such as a range over a skewed column.
        case serverChooses
        /// One generic plan, made once per connection and reused (`force_generic_plan`). For statements whose
        /// plan is the same whatever the values, planned more often than needed otherwise:
        /// - batched lookups by key over `unnest` of array parameters: the server cannot see an array's length
        ///   in a generic plan, so it often goes on planning every execution for its values, which costs more
        ///   than running it, to arrive at the same index probe per element;
        /// - inserts of the rows given, which would be planned five times before a generic plan is considered.
        case generic
    }

    public let sql: String
    /// The server-side name: derived from the SQL text, so equal SQL shares one prepared statement per
    /// connection however many `PGStatement` values spell it, and different SQL never collides.
    public let name: String
    public let planning: Planning

    public init(_ sql: String, planning: Planning = .serverChooses) {
        self.sql = sql
        self.planning = planning
        let digest = SHA256.hash(data: Array(sql.utf8))
        self.name = "pgc_" + PGHex.encode(Array(digest.prefix(16)))
    }
}
