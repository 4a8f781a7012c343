import PGClient
import Testing

@testable import ConsentService

/// Rows that point at a consent (events, outbox rows, debits, payments) have their foreign key checked by a
/// lookup each database session plans once and keeps. Planned on an empty table, that lookup must still use
/// the primary key: with any other index leading with merchant_id it reads the merchant's every consent per
/// check, and captures slow down with every consent the merchant has.
@Suite struct ForeignKeyPlanTests {
    /// PostgreSQL's own text of the referential check, as it runs for a consent reference.
    static let referentialCheck =
        "SELECT 1 FROM ONLY consents x WHERE merchant_id OPERATOR(pg_catalog.=) $1 AND id OPERATOR(pg_catalog.=) $2 FOR KEY SHARE OF x"

    @Test(arguments: ["auto", "force_generic_plan", "force_custom_plan"])
    func theConsentLookupOfAForeignKeyCheckUsesThePrimaryKeyOnAnEmptyTable(planCacheMode: String) async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            try await database.pool.withConnection { connection in
                let empty = try connection.query("SELECT count(*)::int FROM consents", [])
                #expect(try empty[0].decode(Int.self, 0) == 0)
                try connection.execute("SET plan_cache_mode = \(planCacheMode)")
                try connection.execute("PREPARE referential_check (text, uuid) AS \(Self.referentialCheck)")
                let plan = try connection.query(
                    "EXPLAIN (COSTS OFF) EXECUTE referential_check ('m', '0191a5e0-0000-7000-8000-000000000000')", [])
                let lines = try plan.map { try $0.decode(String.self, 0) }
                try connection.execute("DEALLOCATE referential_check")
                try connection.execute("RESET plan_cache_mode")
                let text = lines.joined(separator: "\n")
                #expect(text.contains("consents_pkey"), "plan:\n\(text)")
                #expect(!text.contains("Filter:"), "the lookup filters rows it read:\n\(text)")
            }
        }
    }

    /// The same, stated for the schema: no index of `consents` but its primary key can answer the check.
    @Test func noIndexOfConsentsButThePrimaryKeyLeadsWithTheMerchant() async throws {
        let shared = try await TestEnvironment.shared.value
        let indexes = try await shared.pool.withConnection { connection in
            try connection.query(
                """
                SELECT c.relname::text
                FROM pg_index i
                JOIN pg_class c ON c.oid = i.indexrelid
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                WHERE i.indrelid = 'consents'::regclass AND a.attname = 'merchant_id'
                  AND NOT i.indisprimary AND i.indpred IS NULL
                """, []
            ).map { try $0.decode(String.self, 0) }
        }
        #expect(indexes == [])
    }
}
