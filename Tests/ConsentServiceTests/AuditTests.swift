import ConsentRules
import Crypto
import Foundation
import HummingbirdTesting
import PGClient
import TestSupport
import Testing

@testable import ConsentService

/// Events, the append-only history, `audit verify`, evidence bundles and legal holds, through the router and
/// the real database.
@Suite struct AuditTests {
    @Test func anAuditorReadsTheWholeChainAndItVerifies() async throws {
        let merchant = try await TestMerchant.make()
        let other = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            merchant.clock.advance(seconds: 60)
            #expect(try await CancellationTests.cancel(client, merchant, id, ["requestedBy": "consumer"]).status == .ok)

            let response = try await client.call(.get, "/v1/consents/\(id)/events", key: merchant.keys[.auditor])
            #expect(response.status == .ok)
            let events = try #require(try response.json.arrayValue)
            #expect(events.compactMap { $0["type"]?.stringValue } == ["consent.created", "consent.activated", "consent.cancelled"])
            // Recomputed here from the published rule, not with the service's code.
            var previous = String(repeating: "0", count: 64)
            for (index, event) in events.enumerated() {
                #expect(event["seq"] == .integer(index + 1))
                #expect(event["prevHash"] == .string(previous))
                var hashed = try #require(event.objectValue)
                hashed["hash"] = nil
                let canonical = JSONValue.object(hashed).serialized()
                let digest = SHA256.hash(data: canonical).map { String(format: "%02x", $0) }.joined()
                #expect(event["hash"] == .string(digest))
                previous = digest
            }

            #expect(try await client.call(.get, "/v1/consents/\(id)/events", key: merchant.keys[.checkout]).status == .forbidden)
            #expect(try await client.call(.get, "/v1/consents/\(id)/events", key: other.keys[.auditor]).status == .notFound)
            #expect(try await client.call(.get, "/v1/consents/\(id)/evidence", key: other.keys[.admin]).status == .notFound)
            #expect(try await client.call(.get, "/v1/consents/\(id)/evidence", key: merchant.keys[.billing]).status == .forbidden)
        }
    }

    @Test func storedEventsCannotBeChangedOrDeleted() async throws {
        let merchant = try await TestMerchant.make()
        let id = try await merchant.test { client in
            try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
        }
        for statement in [
            "UPDATE consent_events SET actor = 'someone else' WHERE merchant_id = $1 AND consent_id = $2::uuid",
            "DELETE FROM consent_events WHERE merchant_id = $1 AND consent_id = $2::uuid",
        ] {
            await #expect(throws: PGError.self) {
                try await merchant.shared.pool.withConnection { _ = try $0.query(statement, [merchant.id, id]) }
            }
        }
        await #expect(throws: PGError.self) {
            try await merchant.shared.pool.withConnection { try $0.execute("TRUNCATE consent_events CASCADE") }
        }
        #expect(try await EventRows.chain(merchant: merchant, consentId: id).count == 2)
    }

    /// Changes an event behind the triggers' back, as someone with the database's superuser could.
    static func tamper(_ merchant: TestMerchant, consentId: String, seq: Int, set: String) async throws {
        try await merchant.shared.ownerPool.withConnection { connection in
            try connection.execute("SET session_replication_role = replica")
            _ = try connection.query(
                "UPDATE consent_events SET \(set) WHERE merchant_id = $1 AND consent_id = $2::uuid AND seq = $3",
                [merchant.id, consentId, seq])
            try connection.execute("SET session_replication_role = origin")
        }
    }

    @Test func auditVerifyNamesTheFirstBrokenEvent() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            let other = try await TestMerchant.make(in: database)
            let (tampered, untouched) = try await merchant.test { client in
                let first = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
                #expect(try await CancellationTests.cancel(client, merchant, first, ["requestedBy": "merchant"]).status == .ok)
                let second = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
                return (first, second)
            }
            _ = try await other.test { client in
                try await ValidityTests.capture(other, ConsentBody.valid(), client: client)
            }
            let environment = ["DATABASE_URL": url, "LOG_LEVEL": "error"]
            let clean = try await ServiceProcess.run(["audit", "verify"], environment: environment)
            #expect(clean.status == 0, "\(clean.output)")
            #expect(clean.output.contains("verified 3 consents and 7 events"))

            try await Self.tamper(merchant, consentId: tampered, seq: 2, set: "data = data || '{\"recurrenceId\": \"rec-forged\"}'")
            let broken = try await ServiceProcess.run(["audit", "verify"], environment: environment)
            #expect(broken.status == 1)
            #expect(broken.output.contains("BROKEN merchant \(merchant.id) consent \(tampered) event 2:"), "\(broken.output)")
            #expect(!broken.output.contains(untouched))
            let scoped = try await ServiceProcess.run(["audit", "verify", "--merchant", other.id], environment: environment)
            #expect(scoped.status == 0, "another merchant's chains are intact")

            // A removed last event is noticed from the head the consent row keeps.
            try await merchant.shared.ownerPool.withConnection { connection in
                try connection.execute("SET session_replication_role = replica")
                _ = try connection.query(
                    "DELETE FROM consent_events WHERE merchant_id = $1 AND consent_id = $2::uuid AND seq = 2",
                    [merchant.id, untouched])
                try connection.execute("SET session_replication_role = origin")
            }
            let report = try await ChainAudit(pool: database.pool, pageSize: 1).verify(merchantId: merchant.id)
            #expect(report.consents == 2)
            #expect(report.broken.map(\.consentId.uuidString).map { $0.lowercased() } == [tampered, untouched].sorted())
        }
    }

    @Test func theEvidenceBundleHoldsWhatTheConsumerWasSent() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            let outbox = try TemporaryDirectory.make(prefix: "evidence-outbox")
            defer { try? FileManager.default.removeItem(at: outbox) }
            try await merchant.test { client in
                let id = try await ValidityTests.capture(merchant, DebitAnnouncementTests.variableTerms, client: client)
                #expect(
                    try await DebitAnnouncementTests.announce(
                        client, merchant, id, ["amount": "25.00", "currency": "EUR", "date": "2026-12-30"]
                    ).status == .created)
                let notifier = try await ConfirmationDeliveryTests.notifier(merchant, url: url, smtp: nil, outbox: outbox.path)
                while try await notifier.worker.drainOneBatch() > 0 {}
                await ConfirmationDeliveryTests.stop(notifier)
                #expect(
                    try await PaymentTests.pay(
                        client, merchant, id, PaymentTests.payment("pay-ev", amount: "25.00")
                    ).status == .created)

                let response = try await client.call(.get, "/v1/consents/\(id)/evidence", key: merchant.keys[.auditor])
                #expect(response.status == .ok)
                let bundle = try response.json
                #expect(bundle["format"] == "consent-evidence/1")
                #expect(bundle["consent"]?["id"] == .string(id))
                let disclosure = try #require(bundle["termsAsShown"]?["disclosureText"]?.stringValue)
                #expect(bundle["termsAsShown"]?["disclosureSha256"] == .string(ConsentRules.Digest.sha256Hex(disclosure)))
                #expect(bundle["chain"]?["intact"] == true)
                #expect(bundle["events"]?.arrayValue?.count == 6)
                #expect(bundle["debits"]?.arrayValue?.first?["amount"] == "25.00")
                #expect(bundle["payments"]?.arrayValue?.first?["paymentId"] == "pay-ev")
                #expect(bundle["retention"]?["legalHold"] == false)

                let messages = try #require(bundle["messages"]?.arrayValue)
                #expect(messages.compactMap { $0["kind"]?.stringValue }.sorted() == ["confirmation", "notice"])
                let files = try FileManager.default.contentsOfDirectory(atPath: outbox.path).filter { $0.hasSuffix(".eml") }
                #expect(files.count == 2)
                let sentHashes = try Set(files.map { name in
                    ConsentRules.Digest.sha256Hex(Array(try Data(contentsOf: outbox.appendingPathComponent(name))))
                })
                #expect(Set(messages.compactMap { $0["sha256"]?.stringValue }) == sentHashes, "the hash of the exact bytes")
                #expect(messages.allSatisfy {
                    $0["status"] == "sent" && $0["to"] == "darrel@example.com" && $0["messageId"]?.stringValue != nil
                        && $0["subject"]?.stringValue?.isEmpty == false && $0["sentAt"]?.stringValue != nil
                })

                // The operator's command prints the same bundle.
                let printed = try await ServiceProcess.run(
                    ["evidence", id], environment: ["DATABASE_URL": url, "LOG_LEVEL": "error"])
                #expect(printed.status == 0)
                var fromCommand = try JSONValue.parse(Array(printed.output.utf8)).objectValue ?? [:]
                var fromAPI = try #require(bundle.objectValue)
                fromCommand["generatedAt"] = nil
                fromAPI["generatedAt"] = nil
                #expect(fromCommand == fromAPI)

                // With --pdf it also writes the document made from the very bundle it prints.
                let pdfPath = outbox.appendingPathComponent("evidence.pdf").path
                let withDocument = try await ServiceProcess.run(
                    ["evidence", id, "--pdf", pdfPath], environment: ["DATABASE_URL": url, "LOG_LEVEL": "error"])
                #expect(withDocument.status == 0)
                let printedJSON = Array(withDocument.output.utf8).split(separator: UInt8(ascii: "\n")).first ?? []
                let document = try await PDFReadBack.read(Array(try Data(contentsOf: URL(fileURLWithPath: pdfPath))))
                #expect(document.structureOK)
                #expect(document.flatText.contains(ConsentRules.Digest.sha256Hex(Array(printedJSON))))
            }
        }
    }

    @Test func aLegalHoldIsSetAndReleasedOnceEach() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            let path = "/v1/consents/\(id)/legal-hold"
            let forbidden = try await client.call(.post, path, key: merchant.keys[.billing], json: ["reason": "case 7"])
            #expect(forbidden.status == .forbidden)
            let missing = try await client.call(.post, path, key: merchant.keys[.admin], json: ["why": "case 7"])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorFields == ["why", "reason"])

            let set = try await client.call(.post, path, key: merchant.keys[.admin], json: ["reason": "dispute 2026-118"])
            #expect(set.status == .ok)
            #expect(try set.json["legalHold"] == true)
            #expect(try set.json["since"] == .string(merchant.clock.now.rfc3339))
            merchant.clock.advance(seconds: 60)
            let again = try await client.call(.post, path, key: merchant.keys[.admin], json: ["reason": "dispute 2026-118"])
            #expect(try again.json["since"] == set.json["since"], "the same hold again changes nothing")
            let read = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.auditor])
            #expect(try read.json["legalHold"] == true)

            let released = try await client.call(.delete, path, key: merchant.keys[.admin])
            #expect(released.status == .ok)
            #expect(try released.json["legalHold"] == false)
            #expect(try await client.call(.delete, path, key: merchant.keys[.admin]).status == .ok)
            let types = try await EventRows.chain(merchant: merchant, consentId: id).map(\.type)
            #expect(types == ["consent.created", "consent.activated", "legal_hold.set", "legal_hold.released"])
        }
    }
}
