import ConsentRules
import Foundation
import HummingbirdTesting
import Testing

@testable import ConsentService

/// When retention starts and what keeps a record: the policy's months after the later of the last approved
/// payment and the local day the consent ended, moved by every later payment, and no purge while a message of
/// the consent is still queued. Each case against the purge that `retention run` performs, on a database of the
/// test's own (the purge acts on every merchant).
@Suite struct RetentionStartTests {
    static func consentJSON(_ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String) async throws
        -> JSONValue
    {
        try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.auditor]).json
    }

    static func payment(_ paymentId: String, executedAt: String, final: Bool) -> JSONValue {
        PaymentTests.payment(paymentId, final: final).setting("executedAt", .string(executedAt))
    }

    static func purgedIds(_ merchant: TestMerchant) async throws -> [String] {
        try await RetentionTests.purge(merchant).purgeDue().map { $0.consentId.lowercasedString }
    }

    @Test func aFinalPaymentReportedLongAfterItWasTakenKeepsTheRecordTheFullPeriodFromNow() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            let merchant = try await TestMerchant.make(in: database)
            try await merchant.test { client in
                let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
                let paid = try await PaymentTests.pay(
                    client, merchant, id, Self.payment("pay-late", executedAt: "2024-01-10T10:00:00Z", final: true))
                #expect(paid.status == .created)
                // Completed today (2026-11-21 in Vilnius): 18 months from today, not from January 2024.
                #expect(try await Self.consentJSON(client, merchant, id)["retainUntil"] == "2028-05-21")
                try await RetentionTests.settleMessages(merchant)
                #expect(try await Self.purgedIds(merchant).isEmpty)
                #expect(try await RetentionTests.exists(merchant, id))
            }
        }
    }

    @Test func aCancellationLongAfterTheLastPaymentKeepsTheRecordAndItsQueuedMessages() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            let merchant = try await TestMerchant.make(in: database)
            try await merchant.test { client in
                let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
                let paid = try await PaymentTests.pay(
                    client, merchant, id, Self.payment("pay-old", executedAt: "2024-03-01T10:00:00Z", final: false))
                #expect(paid.status == .created)
                try await RetentionTests.settleMessages(merchant)
                let cancelled = try await CancellationTests.cancel(client, merchant, id, ["requestedBy": "consumer"])
                #expect(cancelled.status == .ok)
                #expect(try cancelled.json["retainUntil"] == "2028-05-21", "18 months after the day it ended")
                #expect(try await Self.purgedIds(merchant).isEmpty)
                #expect(try await RetentionTests.exists(merchant, id))
                #expect(try await CancellationTests.outboxStates(merchant)["cancellation"] == "queued")
            }
        }
    }

    @Test func aPaymentRecordedAfterTheEndMovesRetentionLater() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            let merchant = try await TestMerchant.make(in: database)
            try await merchant.test { client in
                let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
                #expect(try await CancellationTests.cancel(client, merchant, id, ["requestedBy": "consumer"]).status == .ok)
                // The record's first date has come: only the payment below can keep it.
                try await RetentionTests.makeDue(merchant, id)
                merchant.clock.advance(seconds: 60 * 24 * 3600)
                let wrongful = try await PaymentTests.pay(
                    client, merchant, id, Self.payment("pay-after", executedAt: merchant.clock.now.rfc3339, final: false))
                #expect(wrongful.status == .created)
                #expect(try wrongful.json["afterCancellation"] == .bool(true))
                // Recorded on 2027-01-20: 18 months from then.
                #expect(try await Self.consentJSON(client, merchant, id)["retainUntil"] == "2028-07-20")
                try await RetentionTests.settleMessages(merchant)
                #expect(try await Self.purgedIds(merchant).isEmpty)
                #expect(try await RetentionTests.exists(merchant, id))
                let events = try await EventRows.chain(merchant: merchant, consentId: id)
                #expect(events.first { $0.type == "payment.recorded" }?.data["retainUntil"]?.stringValue == "2028-07-20")
            }
        }
    }

    @Test func theExpirySweepCountsFromTheMerchantsLocalDay() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            let merchant = try await TestMerchant.make(in: database)
            // Created at 23:30 UTC: its activation window closes at 01:30 on 2026-11-23 in Vilnius, still the
            // 22nd in UTC.
            merchant.clock.advance(seconds: 11 * 3600 + 30 * 60)
            try await merchant.test { client in
                let id = try await ValidityTests.capture(merchant, ConsentBody.valid(recurrenceId: nil), client: client)
                merchant.clock.advance(seconds: 25 * 3600)
                let sweeper = ExpirySweeper(
                    pool: database.pool, clock: merchant.clock.appClock, metrics: ServiceMetrics(registry: merchant.registry),
                    keyring: TestEnvironment.keyring, interval: .seconds(60), logger: ConfirmationDeliveryTests.TestLogging.quiet)
                #expect(try await sweeper.sweepOnce() == 1)
                let consent = try await Self.consentJSON(client, merchant, id)
                #expect(consent["status"] == "expired")
                #expect(consent["retainUntil"] == "2028-05-23")
                #expect(try await Self.purgedIds(merchant).isEmpty)
            }
        }
    }

    @Test func aConsentWithAMessageStillQueuedWaitsForIt() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            let merchant = try await TestMerchant.make(in: database)
            let id = try await merchant.test { client in
                try await RetentionTests.completed(merchant, client: client, payment: "pay-1")
            }
            try await RetentionTests.makeDue(merchant, id)
            merchant.clock.advance(seconds: 600 * 24 * 3600)
            #expect(try await CancellationTests.outboxStates(merchant)["confirmation"] == "queued")
            #expect(try await RetentionTests.purge(merchant).listDue().isEmpty)
            #expect(try await Self.purgedIds(merchant).isEmpty)
            let refused = try await database.pool.withConnection { connection in
                try connection.query("SELECT purge_consent($1, $2::uuid, repeat('0', 64))", [merchant.id, id])[0]
                    .decode(Bool.self, 0)
            }
            #expect(refused == false, "the function checks for itself")
            try await RetentionTests.settleMessages(merchant)
            #expect(try await Self.purgedIds(merchant) == [id])
        }
    }
}
