import ConsentRules
import Foundation
import PGClient
import TestSupport
import Testing

@testable import ConsentService
@testable import Notifier

/// A notice composed before a cancellation: kept back if it is still waiting for a connection when the
/// cancellation commits, and recorded as sent, with its event, if it had already been handed to the server.
@Suite struct NoticeAfterCancellationTests {
    /// Waits for a state that stays reached until the test moves on; the limit only guards against a hang.
    static func waitUntil(_ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try !condition() {
            guard ContinuousClock.now < deadline else { throw ConfigurationError(message: "the state never came") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    static func oneConnection(_ server: SMTPTestServer) -> SMTPConfiguration {
        SMTPConfiguration(url: "smtp://127.0.0.1:\(server.port)", security: .plaintextOnLoopback, connections: 1)
    }

    /// A consent whose debit needs a notice: its confirmation is queued first, the notice a second later.
    static func consentWithNotice(_ merchant: TestMerchant) async throws -> String {
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, DebitAnnouncementTests.variableTerms, client: client)
            merchant.clock.advance(seconds: 1)
            let announced = try await DebitAnnouncementTests.announce(
                client, merchant, id, ["amount": "25.00", "currency": "EUR", "date": "2026-12-30"])
            #expect(announced.status == .created)
            return id
        }
    }

    static func cancel(_ merchant: TestMerchant, _ id: String) async throws {
        try await merchant.test { client in
            let cancelled = try await CancellationTests.cancel(client, merchant, id, ["requestedBy": "consumer"])
            #expect(cancelled.status == .ok)
        }
    }

    static func noticeState(_ merchant: TestMerchant) async throws -> String {
        try await merchant.shared.ownerPool.withConnection { connection in
            try connection.query("SELECT state FROM outbox WHERE merchant_id = $1 AND kind = 'notice'", [merchant.id])[0]
                .decode(String.self, 0)
        }
    }

    static func subjects(_ server: SMTPTestServer) throws -> [String] {
        try server.storedMessages().values.compactMap { try ParsedEmail.parse($0).headers["Subject"] }
    }

    @Test func aNoticeStillWaitingForAConnectionIsKeptBack() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            let id = try await Self.consentWithNotice(merchant)
            try await SMTPTestServer.with(SMTPTestServer.Options(holdsData: true)) { server in
                // One message a batch, so that the confirmation (queued first) is surely the one at the server.
                let notifier = try await ConfirmationDeliveryTests.notifier(
                    merchant, url: url, smtp: Self.oneConnection(server), batchSize: 1)
                let transport = try #require(notifier.smtp)
                let confirming = Task { try await notifier.worker.drainOneBatch() }
                try await Self.waitUntil { server.isHoldingData }
                // The confirmation is at the server; the notice, composed, waits for the only connection.
                let noticing = Task { try await notifier.worker.drainOneBatch() }
                try await Self.waitUntil { transport.messagesWaiting == 1 }
                try await Self.cancel(merchant, id)
                try server.releaseHeldData()
                #expect(try await confirming.value == 1)
                #expect(try await noticing.value == 1)
                #expect(try await Self.noticeState(merchant) == "queued", "given back unsent, for its next attempt")
                // The next attempt finds the consent cancelled; the cancellation's confirmation goes out.
                #expect(try await notifier.worker.drainOneBatch() == 1)
                #expect(try await notifier.worker.drainOneBatch() == 1)
                await ConfirmationDeliveryTests.stop(notifier)
                #expect(try await Self.noticeState(merchant) == "withdrawn")
                let subjects = try Self.subjects(server)
                #expect(subjects.count == 2, "the confirmation and the cancellation's: \(subjects)")
            }
            let events = try await EventRows.chain(merchant: merchant, consentId: id).map(\.type)
            #expect(!events.contains("notice.sent"))
        }
    }

    @Test func aNoticeAlreadyHandedOverIsRecordedAsSent() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            let id = try await Self.consentWithNotice(merchant)
            // The confirmation is answered at once; the notice is held once the server has its DATA.
            try await SMTPTestServer.with(SMTPTestServer.Options(holdsData: true, answeredBeforeHolding: 1)) { server in
                let notifier = try await ConfirmationDeliveryTests.notifier(
                    merchant, url: url, smtp: Self.oneConnection(server))
                let draining = Task { try await notifier.worker.drainOneBatch() }
                try await Self.waitUntil { server.isHoldingData }
                try await Self.cancel(merchant, id)
                try server.releaseHeldData()
                #expect(try await draining.value == 2)
                await ConfirmationDeliveryTests.stop(notifier)
                #expect(try server.storedMessages().count == 2)
            }
            #expect(try await Self.noticeState(merchant) == "sent", "it went out, and the record says so")
            let events = try await EventRows.chain(merchant: merchant, consentId: id).map(\.type)
            let cancelled = try #require(events.firstIndex(of: "consent.cancelled"))
            let sent = try #require(events.firstIndex(of: "notice.sent"))
            #expect(sent > cancelled, "recorded after the cancellation, as it happened: \(events)")
        }
    }
}
