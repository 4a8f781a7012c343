import ConsentRules
import Foundation
import HummingbirdTesting
import PGClient
import Testing

@testable import ConsentService

/// The role the service runs as cannot erase history: no DELETE on any history table, not even with the
/// purge's own setting, no way to bring a retention date forward or reopen an ended consent, and a purge only
/// through `purge_consent()`, which decides for itself what is due.
@Suite struct HistoryPrivilegeTests {
    /// A completed consent whose messages are settled, so that only its retention keeps it.
    static func completedConsent(_ merchant: TestMerchant) async throws -> String {
        let id = try await merchant.test { client in
            try await RetentionTests.completed(merchant, client: client, payment: "pay-1")
        }
        try await RetentionTests.settleMessages(merchant)
        return id
    }

    @Test func theServingRoleCannotDeleteHistoryEvenWithThePurgesSetting() async throws {
        let merchant = try await TestMerchant.make()
        let id = try await Self.completedConsent(merchant)
        for table in ["consent_events", "outbox", "payments", "debits", "consent_tombstones", "merchant_events"] {
            await #expect(throws: PGError.self, "a plain DELETE on \(table)") {
                try await merchant.shared.pool.withConnection { connection in
                    _ = try connection.query("DELETE FROM \(table) WHERE merchant_id = $1", [merchant.id])
                }
            }
        }
        await #expect(throws: PGError.self, "a plain DELETE on consents") {
            try await merchant.shared.pool.withConnection { connection in
                _ = try connection.query("DELETE FROM consents WHERE merchant_id = $1 AND id = $2::uuid", [merchant.id, id])
            }
        }
        for table in ["consent_events", "outbox"] {
            await #expect(throws: PGError.self, "SET LOCAL consent.purging, then DELETE on \(table)") {
                try await merchant.shared.pool.withTransaction { connection in
                    _ = try connection.query(
                        "SELECT set_config('consent.purging', $1, true)", [merchant.id + "/" + id])
                    _ = try connection.query(
                        "DELETE FROM \(table) WHERE merchant_id = $1 AND consent_id = $2::uuid", [merchant.id, id])
                }
            }
        }
        await #expect(throws: PGError.self, "TRUNCATE") {
            try await merchant.shared.pool.withConnection { try $0.execute("TRUNCATE outbox CASCADE") }
        }
        #expect(try await RetentionTests.exists(merchant, id))
        #expect(try await EventRows.chain(merchant: merchant, consentId: id).count == 4)
    }

    @Test func theServingRoleCannotBringAPurgeForward() async throws {
        let merchant = try await TestMerchant.make()
        let id = try await Self.completedConsent(merchant)
        for change in [
            "retain_until = '2000-01-01'", "retain_until = NULL", "status = 'active', retain_until = NULL",
        ] {
            await #expect(throws: PGError.self, "UPDATE consents SET \(change)") {
                try await merchant.shared.pool.withConnection { connection in
                    _ = try connection.query(
                        "UPDATE consents SET \(change) WHERE merchant_id = $1 AND id = $2::uuid", [merchant.id, id])
                }
            }
        }
        let active = try await merchant.test { client in
            try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
        }
        await #expect(throws: PGError.self, "a retention date on a consent that has not ended") {
            try await merchant.shared.pool.withConnection { connection in
                _ = try connection.query(
                    "UPDATE consents SET retain_until = '2000-01-01' WHERE merchant_id = $1 AND id = $2::uuid",
                    [merchant.id, active])
            }
        }
        let purged = try await merchant.shared.pool.withConnection { connection in
            try connection.query("SELECT purge_consent($1, $2::uuid, repeat('0', 64))", [merchant.id, id])[0]
                .decode(Bool.self, 0)
        }
        #expect(purged == false)
        #expect(try await RetentionTests.exists(merchant, id))
    }
}
