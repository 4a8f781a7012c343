import Foundation
import Logging
import PGClient

/// A database of its own, made in the test server (`TEST_DATABASE_URL`) for one test and dropped afterwards:
/// for tests whose workers claim every due message, which would otherwise take other tests' messages.
public enum IsolatedDatabase {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String { "TEST_DATABASE_URL is not set: run the tests with scripts/test" }
    }

    /// Runs `body` with the new database's URL, already migrated when `migrations` is given.
    public static func with<T>(migrations: String? = nil, _ body: (String) async throws -> T) async throws -> T {
        guard let base = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"],
            let slash = base.lastIndex(of: "/")
        else { throw Unavailable() }
        var logger = Logger(label: "isolated-database")
        logger.logLevel = .warning
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        // The server's connections are shared by every test running at once, so the administrative one is held
        // only for the statement, not for the whole test.
        func administer(_ sql: String) async throws {
            let admin = PGPool(conninfo: base, size: 1, acquireTimeout: .seconds(60), logger: logger)
            do {
                try await admin.withConnection { try $0.execute(sql) }
                await admin.close()
            } catch {
                await admin.close()
                throw error
            }
        }
        // The name is made here from hex digits only, so it can be spelled into the statement.
        try await administer("CREATE DATABASE \(name)")
        let url = base[..<slash] + "/" + name
        func drop() async {
            try? await administer("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
        do {
            if let migrations {
                let pool = PGPool(conninfo: url, size: 1, acquireTimeout: .seconds(60), logger: logger)
                _ = try await PGMigrator(migrations: try PGMigration.load(directory: migrations)).migrate(pool)
                await pool.close()
            }
            let result = try await body(url)
            await drop()
            return result
        } catch {
            await drop()
            throw error
        }
    }
}
