import ConsentRules
import Foundation
import Notifier
import PGClient
import TestSupport
import Testing

@testable import ConsentService

/// What is kept of an SMTP exchange carries no consumer address: a server that refuses the recipient by quoting
/// it (as Postfix does) leaves its code and wording in the record, and a placeholder where the address was.
@Suite struct StoredReplyTests {
    @Test func aRefusalQuotingTheRecipientIsStoredWithoutTheAddress() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            let consentId = try await ConfirmationDeliveryTests.capture(merchant, ConsentBody.valid())
            var options = SMTPTestServer.Options()
            options.rejectsRecipients = true
            try await SMTPTestServer.with(options) { server in
                let notifier = try await ConfirmationDeliveryTests.notifier(
                    merchant, url: url, smtp: ConfirmationDeliveryTests.plaintext(server))
                #expect(try await notifier.worker.drainOneBatch() == 1)
                await ConfirmationDeliveryTests.stop(notifier)
                #expect(try server.storedMessages().isEmpty)
            }
            let stored = try await database.ownerPool.withConnection { connection in
                try connection.query(
                    "SELECT state, server_reply, last_error FROM outbox WHERE merchant_id = $1 AND kind = 'confirmation'",
                    [merchant.id]
                ).map { try ($0.decode(String.self, 0), $0.decode(String?.self, 1), $0.decode(String?.self, 2)) }
            }
            #expect(stored.count == 1)
            #expect(stored.first?.0 == "failed")
            #expect(
                stored.first?.1
                    == "550 5.1.1 <[address removed]>: Recipient address rejected: User unknown in virtual mailbox table")
            let events = try await EventRows.chain(merchant: merchant, consentId: consentId)
            #expect(events.last?.type == "confirmation.failed")
            let everything = [stored.first?.1, stored.first?.2].compactMap { $0 } + events.map { $0.data.canonicalText }
            for text in everything {
                #expect(!text.contains("darrel@example.com"), "\(text)")
                #expect(!text.contains("@example.com"), "\(text)")
            }
            try await merchant.test { client in
                let evidence = try await client.call(
                    .get, "/v1/consents/\(consentId)/evidence", key: merchant.keys[.auditor], contentType: nil)
                let messages = try evidence.json["messages"]?.arrayValue ?? []
                #expect(messages.first?["serverReply"]?.stringValue?.contains("[address removed]") == true)
            }
        }
    }
}
