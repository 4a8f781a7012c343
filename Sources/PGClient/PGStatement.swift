import Crypto

/// A statement that each connection prepares the first time it runs it and reuses afterwards.
///
/// Declare statements once (e.g. as `static let`) so the SQL is parsed and planned once per connection,
/// not once per request.
public struct PGStatement: Sendable, Hashable {
    public let sql: String
    /// The server-side name: derived from the SQL text, so equal SQL shares one prepared statement per
    /// connection however many `PGStatement` values spell it, and different SQL never collides.
    public let name: String

    public init(_ sql: String) {
        self.sql = sql
        let digest = SHA256.hash(data: Array(sql.utf8))
        self.name = "pgc_" + PGHex.encode(Array(digest.prefix(16)))
    }
}
