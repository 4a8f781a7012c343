import Foundation
import PGClient
import TestSupport
import Testing

@Suite("Loading migration files")
struct MigrationLoadTests {
    private func directory(with files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("migrations")).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, contents) in files {
            try Data(contents.utf8).write(to: URL(fileURLWithPath: path).appendingPathComponent(name))
        }
        return path
    }

    @Test func loadsSqlFilesSortedByVersion() throws {
        let path = try directory(with: [
            "0010_later.sql": "SELECT 10;",
            "0002_second.sql": "SELECT 2;",
            "0001_first-one.sql": "SELECT 1;",
            "README.md": "not a migration",
        ])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let migrations = try PGMigration.load(directory: path)
        #expect(migrations.map(\.version) == [1, 2, 10])
        #expect(migrations.map(\.name) == ["first-one", "second", "later"])
        #expect(migrations.map(\.fileName) == ["0001_first-one.sql", "0002_second.sql", "0010_later.sql"])
        #expect(migrations[1].sql == "SELECT 2;")
        // SHA-256 of the bytes "SELECT 1;"
        #expect(migrations[0].checksum == "17db4fd369edb9244b9f91d9aeed145c3d04ad8ba6e95d06247f07a63527d11a")
        #expect(migrations[0].checksum == PGMigration(version: 1, name: "x", sql: "SELECT 1;").checksum)
    }

    @Test func rejectsMalformedNames() throws {
        for bad in ["abc.sql", "0001.sql", "0001_.sql", "1x_name.sql", "0001_bad name.sql"] {
            let path = try directory(with: [bad: "SELECT 1;"])
            defer { try? FileManager.default.removeItem(atPath: path) }
            let error = #expect(throws: PGError.self, "\(bad)") { try PGMigration.load(directory: path) }
            #expect(error?.code == .migrationFailed)
            #expect(error?.description.contains(bad) == true)
        }
    }

    @Test func rejectsDuplicateVersions() throws {
        let path = try directory(with: ["0001_a.sql": "SELECT 1;", "001_b.sql": "SELECT 2;"])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: PGError.self) { try PGMigration.load(directory: path) }
        #expect(error?.code == .migrationFailed)
        #expect(error?.description.contains("0001_a.sql") == true)
        #expect(error?.description.contains("001_b.sql") == true)
    }

    @Test func aMissingDirectoryIsAnError() {
        #expect(throws: PGError.self) { try PGMigration.load(directory: "/nonexistent/\(UUID())") }
    }
}

/// Each test migrates its own schema (through search_path) so tests can run side by side.
@Suite("Applying migrations", .timeLimit(.minutes(1)))
struct MigratorTests {
    /// Runs `body` with a conninfo whose sessions see only a fresh schema (its own schema_migrations too).
    private func withSchema<T>(_ body: (_ conninfo: String) async throws -> T) async throws -> T {
        let schema = TestDatabase.uniqueName("mig")
        return try await TestDatabase.withPool(size: 1) { admin in
            try await admin.withConnection { try $0.execute("CREATE SCHEMA \(schema)") }
            do {
                let value = try await body(try TestDatabase.conninfo(adding: ["options": "-csearch_path=\(schema)"]))
                try await admin.withConnection { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
                return value
            } catch {
                _ = try? await admin.withConnection { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
                throw error
            }
        }
    }

    private let migrations = [
        PGMigration(version: 1, name: "create_items", sql: "CREATE TABLE items (id int PRIMARY KEY, label text);"),
        PGMigration(version: 2, name: "add_note", sql: "ALTER TABLE items ADD COLUMN note text;\nINSERT INTO items VALUES (1, 'a', 'b');"),
    ]

    @Test func appliesPendingMigrationsOnce() async throws {
        try await withSchema { conninfo in
            try await TestDatabase.withPool(size: 1, conninfo: conninfo) { pool in
                let migrator = PGMigrator(migrations: migrations)
                #expect(try await migrator.isUpToDate(pool) == false)
                #expect(try await migrator.migrate(pool).map(\.version) == [1, 2])
                #expect(try await migrator.isUpToDate(pool))
                #expect(try await migrator.migrate(pool).isEmpty)

                let recorded = try await pool.withConnection { connection in
                    try connection.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version", []).map {
                        "\(try $0.decode(Int.self, 0)) \(try $0.decode(String.self, 1)) \(try $0.decode(String.self, 2))"
                    }
                }
                #expect(recorded == migrations.map { "\($0.version) \($0.name) \($0.checksum)" })
                #expect(try await pool.withConnection { try $0.query("SELECT note FROM items", [])[0].decode(String.self, 0) } == "b")

                // A newer build adds a migration: only that one is applied.
                let newer = PGMigrator(migrations: migrations + [PGMigration(version: 3, name: "index", sql: "CREATE INDEX ON items (label);")])
                #expect(try await newer.isUpToDate(pool) == false)
                #expect(try await newer.migrate(pool).map(\.version) == [3])
                #expect(try await newer.isUpToDate(pool))
            }
        }
    }

    @Test func aChangedMigrationIsRefusedWithAClearMessage() async throws {
        try await withSchema { conninfo in
            try await TestDatabase.withPool(size: 1, conninfo: conninfo) { pool in
                _ = try await PGMigrator(migrations: migrations).migrate(pool)
                var edited = migrations
                edited[0] = PGMigration(
                    version: 1, name: "create_items",
                    sql: "CREATE TABLE items (id bigint PRIMARY KEY, label text);", fileName: "0001_create_items.sql")
                let changed = PGMigrator(migrations: edited + [PGMigration(version: 3, name: "more", sql: "CREATE TABLE more ();")])
                let error = await #expect(throws: PGError.self) { try await changed.migrate(pool) }
                #expect(error?.code == .migrationChanged)
                #expect(error?.description.contains("0001_create_items.sql") == true)
                #expect(error?.description.contains("changed after it was applied") == true)
                #expect(try await changed.isUpToDate(pool) == false)
                // Nothing else was applied, and the lock was released: the original set still migrates.
                let tables = try await pool.withConnection {
                    try $0.query("SELECT to_regclass('more') IS NULL", [])[0].decode(Bool.self, 0)
                }
                #expect(tables)
            }
            try await TestDatabase.withPool(size: 1, conninfo: conninfo) { otherInstance in
                let applied = try await PGMigrator(migrations: migrations).migrate(otherInstance)
                #expect(applied.isEmpty)
            }
        }
    }

    @Test func aFailingMigrationIsRolledBackAndNotRecorded() async throws {
        try await withSchema { conninfo in
            try await TestDatabase.withPool(size: 1, conninfo: conninfo) { pool in
                let broken = migrations + [
                    PGMigration(version: 3, name: "broken", sql: "CREATE TABLE half_done (id int);\nSELEC nonsense;")
                ]
                let error = await #expect(throws: PGError.self) { try await PGMigrator(migrations: broken).migrate(pool) }
                #expect(error?.code == .migrationFailed)
                #expect(error?.sqlState == "42601")
                #expect(error?.description.contains("0003_broken.sql") == true)
                let state = try await pool.withConnection { connection in
                    let versions = try connection.query("SELECT version FROM schema_migrations ORDER BY 1", []).map {
                        try $0.decode(Int.self, 0)
                    }
                    let halfDone = try connection.query("SELECT to_regclass('half_done') IS NOT NULL", [])[0].decode(Bool.self, 0)
                    return (versions, halfDone)
                }
                #expect(state.0 == [1, 2])
                #expect(state.1 == false)
            }
        }
    }

    @Test func concurrentMigratorsApplyEachFileExactlyOnce() async throws {
        let counted = [
            PGMigration(version: 1, name: "log", sql: "CREATE TABLE applied_log (version int); INSERT INTO applied_log VALUES (1);"),
            PGMigration(version: 2, name: "slow", sql: "SELECT pg_sleep(0.3); INSERT INTO applied_log VALUES (2);"),
            PGMigration(version: 3, name: "last", sql: "INSERT INTO applied_log VALUES (3);"),
        ]
        try await withSchema { conninfo in
            let migrator = PGMigrator(migrations: counted)
            async let first = TestDatabase.withPool(size: 1, conninfo: conninfo) { try await migrator.migrate($0) }
            async let second = TestDatabase.withPool(size: 1, conninfo: conninfo) { try await migrator.migrate($0) }
            let applied = try await first.map(\.version) + second.map(\.version)
            #expect(applied.sorted() == [1, 2, 3])
            let log = try await TestDatabase.withPool(size: 1, conninfo: conninfo) { pool in
                try await pool.withConnection { connection in
                    try connection.query("SELECT version FROM applied_log ORDER BY 1", []).map { try $0.decode(Int.self, 0) }
                }
            }
            #expect(log == [1, 2, 3])
        }
    }
}
