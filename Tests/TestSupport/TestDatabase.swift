import Foundation
import Logging
import PGClient

/// The PostgreSQL server the tests use: `TEST_DATABASE_URL`, which `scripts/test` starts and sets.
public enum TestDatabase {
    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String {
            "TEST_DATABASE_URL is not set. These tests need a real PostgreSQL server: run scripts/test, "
                + "which starts one and sets TEST_DATABASE_URL."
        }
    }

    /// Throws (failing the test) when the variable is missing, so a missing database never passes as a skip.
    public static func conninfo() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !url.isEmpty else {
            throw NotConfigured()
        }
        return url
    }

    /// The test conninfo with extra libpq parameters; works for URLs and `key=value` strings alike.
    public static func conninfo(adding parameters: [String: String]) throws -> String {
        let base = try conninfo()
        if base.hasPrefix("postgres://") || base.hasPrefix("postgresql://") {
            let query = parameters.sorted { $0.key < $1.key }.map { key, value in
                key + "=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)
            }.joined(separator: "&")
            return base + (base.contains("?") ? "&" : "?") + query
        }
        let pairs = parameters.sorted { $0.key < $1.key }.map { key, value in
            key + "='" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
        return base + " " + pairs.joined(separator: " ")
    }

    /// A lowercase identifier no other test (or earlier run) uses.
    public static func uniqueName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }

    public static let logger: Logger = {
        var logger = Logger(label: "database-tests")
        logger.logLevel = .error
        return logger
    }()

    /// Runs `body` with a fresh pool and closes the pool afterwards, whatever happens. Leases may wait long while
    /// every suite runs at once on two cores, so the default acquire timeout only catches a hang.
    public static func withPool<T>(
        size: Int = 2,
        acquireTimeout: Duration = .seconds(60),
        conninfo: String? = nil,
        logger: Logger = TestDatabase.logger,
        _ body: (PGPool) async throws -> T
    ) async throws -> T {
        let pool = PGPool(conninfo: try conninfo ?? Self.conninfo(), size: size, acquireTimeout: acquireTimeout, logger: logger)
        do {
            let value = try await body(pool)
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Runs `body` with a table made by `columns`, dropped afterwards.
    public static func withTable<T>(
        _ prefix: String, columns: String, pool: PGPool, _ body: (String) async throws -> T
    ) async throws -> T {
        let table = uniqueName(prefix)
        try await pool.withConnection { try $0.execute("CREATE TABLE \(table) (\(columns))") }
        do {
            let value = try await body(table)
            try await pool.withConnection { try $0.execute("DROP TABLE IF EXISTS \(table)") }
            return value
        } catch {
            _ = try? await pool.withConnection { try $0.execute("DROP TABLE IF EXISTS \(table)") }
            throw error
        }
    }
}
