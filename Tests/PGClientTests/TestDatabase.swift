import Foundation
import Logging
import PGClient
import Synchronization

/// The PostgreSQL server the tests use: `TEST_DATABASE_URL`, which `scripts/test` starts and sets.
enum TestDatabase {
    struct NotConfigured: Error, CustomStringConvertible {
        var description: String {
            "TEST_DATABASE_URL is not set. These tests need a real PostgreSQL server: run scripts/test, "
                + "which starts one and sets TEST_DATABASE_URL."
        }
    }

    /// Throws (failing the test) when the variable is missing, so a missing database never passes as a skip.
    static func conninfo() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !url.isEmpty else {
            throw NotConfigured()
        }
        return url
    }

    /// The test conninfo with extra libpq parameters; works for URLs and `key=value` strings alike.
    static func conninfo(adding parameters: [String: String]) throws -> String {
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
    static func uniqueName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }

    static let logger: Logger = {
        var logger = Logger(label: "PGClientTests")
        logger.logLevel = .error
        return logger
    }()

    /// Runs `body` with a fresh pool and closes the pool afterwards, whatever happens. Leases may wait long while
    /// every suite runs at once on two cores, so the default acquire timeout only catches a hang.
    static func withPool<T>(
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
    static func withTable<T>(
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

/// A Sendable box the tests share between leases.
final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) {
        storage = Mutex(value)
    }

    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R {
        storage.withLock { body(&$0) }
    }

    var value: Value { storage.withLock { $0 } }
}

/// Records log events so tests can check what was (not) logged.
struct RecordingLogHandler: LogHandler {
    let events: Shared<[(level: Logger.Level, text: String)]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let metadataText = (event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        events.withLock { $0.append((event.level, "\(event.message) \(metadataText)")) }
    }
}
