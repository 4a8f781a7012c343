import PGClient
import TestSupport
import Testing

@Suite("Transactions")
struct TransactionTests {
    struct Abort: Error {}

    private func count(_ table: String, _ pool: PGPool) async throws -> Int {
        try await pool.withConnection { try $0.query("SELECT count(*) FROM \(table)", [])[0].decode(Int.self, 0) }
    }

    /// The INSERTs in these tests give their transaction an ID; a statement that still sees one runs
    /// inside that old transaction.
    private func hasNoTransactionID(_ pool: PGPool) async throws -> Bool {
        try await pool.withConnection {
            try $0.query("SELECT pg_current_xact_id_if_assigned() IS NULL", [])[0].decode(Bool.self, 0)
        }
    }

    @Test func commitsWhenTheBodyReturns() async throws {
        try await TestDatabase.withPool(size: 2) { pool in
            try await TestDatabase.withTable("tx_commit", columns: "id int", pool: pool) { table in
                let value = try await pool.withTransaction { connection in
                    _ = try connection.query("INSERT INTO \(table) VALUES ($1), ($2)", [1, 2])
                    return "done"
                }
                #expect(value == "done")
                #expect(try await count(table, pool) == 2)
            }
        }
    }

    @Test func rollsBackAndRethrowsWhenTheBodyThrows() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await TestDatabase.withTable("tx_rollback", columns: "id int", pool: pool) { table in
                await #expect(throws: Abort.self) {
                    try await pool.withTransaction { connection in
                        _ = try connection.query("INSERT INTO \(table) VALUES ($1)", [1])
                        throw Abort()
                    }
                }
                let remaining = try await count(table, pool)
                #expect(remaining == 0)
                // The connection went back idle, not inside the aborted transaction.
                let isIdle = try await hasNoTransactionID(pool)
                #expect(isIdle)
            }
        }
    }

    @Test func aCaughtStatementErrorStillPreventsTheCommit() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await TestDatabase.withTable("tx_caught", columns: "id int PRIMARY KEY", pool: pool) { table in
                let error = await #expect(throws: PGError.self) {
                    try await pool.withTransaction { connection in
                        _ = try connection.query("INSERT INTO \(table) VALUES ($1)", [1])
                        _ = try? connection.query("INSERT INTO \(table) VALUES ($1)", [1])
                    }
                }
                #expect(error?.code == .queryFailed)
                let rows = try await count(table, pool)
                #expect(rows == 0)
            }
        }
    }

    @Test func transactionsOnAConnectionCommitAndRollBack() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await TestDatabase.withTable("tx_conn", columns: "id int", pool: pool) { table in
                try await pool.withConnection { connection in
                    try connection.transaction { _ = try $0.query("INSERT INTO \(table) VALUES (1)", []) }
                    #expect(throws: Abort.self) {
                        try connection.transaction { connection in
                            _ = try connection.query("INSERT INTO \(table) VALUES (2)", [])
                            throw Abort()
                        }
                    }
                }
                #expect(try await count(table, pool) == 1)
            }
        }
    }

    @Test func aTransactionLeftOpenIsRolledBackBeforeTheNextLease() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await TestDatabase.withTable("tx_left", columns: "id int", pool: pool) { table in
                try await pool.withConnection { connection in
                    try connection.execute("BEGIN")
                    _ = try connection.query("INSERT INTO \(table) VALUES (1)", [])
                }
                #expect(try await hasNoTransactionID(pool))
                #expect(try await count(table, pool) == 0)
            }
        }
    }
}
