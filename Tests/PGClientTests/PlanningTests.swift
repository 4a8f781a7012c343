import PGClient
import TestSupport
import Testing

@Suite("How prepared statements are planned")
struct PlanningTests {
    /// How often the server planned the statement for its values, and how often it reused a generic plan.
    struct PlanCounts: Equatable {
        let custom: Int
        let generic: Int
    }

    static func planCounts(of statement: PGStatement, on connection: PGConnection) throws -> PlanCounts {
        let row = try connection.query(
            "SELECT custom_plans, generic_plans FROM pg_prepared_statements WHERE name = $1", [statement.name])[0]
        return PlanCounts(custom: try row.decode(Int.self, 0), generic: try row.decode(Int.self, 1))
    }

    /// A batched lookup: one row per array element, by primary key.
    static func lookup(in table: String, planning: PGStatement.Planning) -> PGStatement {
        PGStatement(
            """
            SELECT t.label FROM unnest($1::int[]) WITH ORDINALITY AS a(id, n)
            LEFT JOIN \(table) t ON t.id = a.id ORDER BY a.n
            """, planning: planning)
    }

    static func ids(_ count: Int) -> PGTextArray { PGTextArray((1...count).map(String.init)) }

    @Test func aGenericStatementIsNeverPlannedForItsValuesWhileOthersAre() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await TestDatabase.withTable("planned", columns: "id int PRIMARY KEY, label text", pool: pool) { table in
                try await pool.withConnection { connection in
                    _ = try connection.query("INSERT INTO \(table) SELECT g, 'row ' || g FROM generate_series(1, 50) g", [])
                    let generic = Self.lookup(in: table, planning: .generic)
                    let chosen = PGStatement(generic.sql + " -- the server's choice", planning: .serverChooses)
                    // Alternating makes the connection switch modes at every execution.
                    for count in 1...8 {
                        let labels = try connection.query(generic, [Self.ids(count)]).map { try $0.decode(String.self, 0) }
                        #expect(labels == (1...count).map { "row \($0)" })
                        #expect(try connection.query(chosen, [Self.ids(count)]).rowCount == count)
                    }
                    #expect(try Self.planCounts(of: generic, on: connection) == PlanCounts(custom: 0, generic: 8))
                    // The server plans the first five executions of any statement with parameters for their values.
                    #expect(try Self.planCounts(of: chosen, on: connection).custom >= 5)
                }
            }
        }
    }

    @Test func aRolledBackTransactionDoesNotLeaveTheConnectionWrongAboutItsMode() async throws {
        struct Abandoned: Error {}
        try await TestDatabase.withPool(size: 1) { pool in
            try await TestDatabase.withTable("planned", columns: "id int PRIMARY KEY, label text", pool: pool) { table in
                try await pool.withConnection { connection in
                    let generic = Self.lookup(in: table, planning: .generic)
                    // The switch to generic plans happens inside the transaction, and the rollback undoes it.
                    #expect(throws: Abandoned.self) {
                        try connection.transaction { connection in
                            _ = try connection.query(generic, [Self.ids(3)])
                            throw Abandoned()
                        }
                    }
                    for count in 1...6 { _ = try connection.query(generic, [Self.ids(count)]) }
                    #expect(try Self.planCounts(of: generic, on: connection) == PlanCounts(custom: 0, generic: 7))
                    let mode = try connection.query("SHOW plan_cache_mode", [])[0].decode(String.self, 0)
                    #expect(mode == "force_generic_plan")
                }
            }
        }
    }

    @Test func aResetSessionIsPutBackIntoTheModeItsStatementsAsk() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await TestDatabase.withTable("planned", columns: "id int PRIMARY KEY, label text", pool: pool) { table in
                try await pool.withConnection { connection in
                    let generic = Self.lookup(in: table, planning: .generic)
                    _ = try connection.query(generic, [Self.ids(2)])
                    // The new session starts with the server's default mode and none of the old statements.
                    try connection.reset()
                    for count in 1...6 { _ = try connection.query(generic, [Self.ids(count)]) }
                    #expect(try Self.planCounts(of: generic, on: connection) == PlanCounts(custom: 0, generic: 6))
                }
            }
        }
    }
}
