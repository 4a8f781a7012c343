import Logging
import PGClient
import TestSupport
import Testing

@Suite("Statements on one connection")
struct ConnectionTests {
    @Test func preparedStatementsArePreparedOncePerConnection() async throws {
        let statement = PGStatement("SELECT $1::int + 1")
        let (answers, preparedCount) = try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { connection in
                var answers: [Int] = []
                for value in 1...3 {
                    answers.append(try connection.query(statement, [value])[0].decode(Int.self, 0))
                }
                // A second value with the same SQL shares the prepared statement.
                answers.append(try connection.query(PGStatement("SELECT $1::int + 1"), [10])[0].decode(Int.self, 0))
                let prepared = try connection.query(
                    "SELECT count(*) FROM pg_prepared_statements WHERE name = $1", [statement.name])[0].decode(Int.self, 0)
                return (answers, prepared)
            }
        }
        #expect(answers == [2, 3, 4, 11])
        #expect(preparedCount == 1)
    }

    @Test func preparedStatementsSurviveAcrossLeases() async throws {
        let statement = PGStatement("SELECT pg_backend_pid(), $1::text")
        try await TestDatabase.withPool(size: 1) { pool in
            for round in 0..<3 {
                let echoed = try await pool.withConnection { try $0.query(statement, ["round \(round)"])[0].decode(String.self, 1) }
                #expect(echoed == "round \(round)")
            }
            let prepared = try await pool.withConnection {
                try $0.query("SELECT count(*) FROM pg_prepared_statements WHERE name = $1", [statement.name])[0].decode(Int.self, 0)
            }
            #expect(prepared == 1)
        }
    }

    @Test func resultsReportRowsAndAffectedRows() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await TestDatabase.withTable("counts", columns: "id int PRIMARY KEY, label text", pool: pool) { table in
                try await pool.withConnection { connection in
                    let inserted = try connection.query(
                        "INSERT INTO \(table) SELECT g, 'row ' || g FROM generate_series(1, 5) g", [])
                    #expect(inserted.affectedRows == 5)
                    let updated = try connection.query("UPDATE \(table) SET label = $1 WHERE id > $2", ["x", 2])
                    #expect(updated.affectedRows == 3)
                    #expect(updated.commandStatus == "UPDATE 3")
                    let rows = try connection.query("SELECT id, label FROM \(table) ORDER BY id", [])
                    #expect(rows.rowCount == 5)
                    #expect(rows.columnName(1) == "label")
                    #expect(rows.columnIndex(named: "label") == 1)
                    #expect(try rows.map { try $0.decode(Int.self, 0) } == [1, 2, 3, 4, 5])
                    #expect(try rows.map { try $0.decode(String.self, 1) } == ["row 1", "row 2", "x", "x", "x"])
                }
            }
        }
    }

    @Test func executeRunsSeveralStatements() async throws {
        let table = TestDatabase.uniqueName("multi")
        let count = try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { connection in
                try connection.execute("CREATE TABLE \(table) (id int); INSERT INTO \(table) VALUES (1), (2);")
                defer { try? connection.execute("DROP TABLE \(table)") }
                return try connection.query("SELECT count(*) FROM \(table)", [])[0].decode(Int.self, 0)
            }
        }
        #expect(count == 2)
    }

    @Test func uniqueViolationNamesTheConstraintButNotTheValue() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let constraint = TestDatabase.uniqueName("uq_email")
            try await TestDatabase.withTable(
                "users", columns: "id serial, email text, CONSTRAINT \(constraint) UNIQUE (email)", pool: pool
            ) { table in
                let insert = PGStatement("INSERT INTO \(table) (email) VALUES ($1)")
                let secret = "secret.person@example.com"
                try await pool.withConnection { _ = try $0.query(insert, [secret]) }
                let error = await #expect(throws: PGError.self) {
                    try await pool.withConnection { _ = try $0.query(insert, [secret]) }
                }
                #expect(error?.isUniqueViolation == true)
                #expect(error?.sqlState == "23505")
                #expect(error?.constraint == constraint)
                #expect(error?.code == .queryFailed)
                #expect(error?.isConnectionProblem == false)
                #expect(error?.description.contains(secret) == false)
                #expect(error?.description.contains(constraint) == true)
                #expect(error?.description.contains("ConnectionTests.swift") == true)
                // The server's DETAIL quotes the value; only the debug description may show it.
                #expect(error?.debugDescription.contains(secret) == true)
            }
        }
    }

    @Test func syntaxErrorsAreQueryFailures() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let error = await #expect(throws: PGError.self) {
                try await pool.withConnection { _ = try $0.query("SELEC 1", []) }
            }
            #expect(error?.code == .queryFailed)
            #expect(error?.sqlState == "42601")
            #expect(error?.isUniqueViolation == false)
            // The connection is still good afterwards.
            let after = try await pool.withConnection { try $0.query("SELECT 1", [])[0].decode(Int.self, 0) }
            #expect(after == 1)
        }
    }

    @Test func aBindWithANulByteIsRefused() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let error = await #expect(throws: PGError.self) {
                try await pool.withConnection { _ = try $0.query("SELECT $1::text", ["a\u{0}b"]) }
            }
            #expect(error?.code == .queryFailed)
        }
    }

    @Test func connectingDirectlyAndResetting() async throws {
        let conninfo = try TestDatabase.conninfo()
        let logger = TestDatabase.logger
        // Run on a pool thread: connecting blocks.
        try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { _ in
                let connection = try PGConnection.connect(conninfo, logger: logger)
                #expect(!connection.isBroken)
                let statement = PGStatement("SELECT 40 + $1::int")
                let before = try connection.query("SELECT pg_backend_pid()", [])[0].decode(Int32.self, 0)
                #expect(try connection.query(statement, [2])[0].decode(Int.self, 0) == 42)
                try connection.reset()
                let after = try connection.query("SELECT pg_backend_pid()", [])[0].decode(Int32.self, 0)
                #expect(before != after)
                // The new session has no prepared statements; the connection knows to prepare again.
                #expect(try connection.query(statement, [3])[0].decode(Int.self, 0) == 43)
                #expect(try connection.query("SELECT current_setting('TimeZone')", [])[0].decode(String.self, 0) == "UTC")
            }
        }
    }

    @Test func connectFailuresNeverRevealThePassword() async throws {
        let logs = LogCapture()
        let logger = logs.logger()
        let password = "hunter2-not-logged"
        try await TestDatabase.withPool(
            size: 1, conninfo: "postgresql://nobody:\(password)@127.0.0.1:1/none?connect_timeout=2", logger: logger
        ) { pool in
            let error = await #expect(throws: PGError.self) {
                try await pool.withConnection { _ in }
            }
            #expect(error?.code == .connectionFailed)
            #expect(error?.isConnectionProblem == true)
            #expect(error?.description.contains(password) == false)
            #expect(error?.debugDescription.contains(password) == false)
        }
        let logged = logs.records
        #expect(logged.contains { $0.level == .warning })
        #expect(!logged.contains { $0.text.contains(password) })
    }
}
