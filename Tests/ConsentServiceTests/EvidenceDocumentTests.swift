import ConsentRules
import Foundation
import HTTPTypes
import HummingbirdTesting
import Notifier
import TestSupport
import Testing

@testable import ConsentService

/// The evidence record as a PDF through the router, made from a consent with a notified amendment, sent
/// notices, a payment after cancellation and a legal hold, for a merchant of each language; read back with qpdf
/// and poppler's pdftotext.
@Suite struct EvidenceDocumentTests {
    static let lithuanianName = "Žydrūnė Ąžuolaitė"
    static let greekName = "Παπαδοπούλου"

    struct Expected {
        let language: String
        let pageOne: String
        let debitAmount: String
        let debitDate: String
    }

    static let languages = [
        Expected(language: "en", pageOne: "Page 1 of", debitAmount: "€25.00", debitDate: "30 December 2026"),
        Expected(language: "lt", pageOne: "1 psl. iš", debitAmount: "25,00 €", debitDate: "2026-12-30"),
        Expected(language: "de", pageOne: "Seite 1 von", debitAmount: "25,00 €", debitDate: "30.12.2026"),
    ]

    static func compact(_ text: String) -> String {
        String(text.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "-" }.map(Character.init))
    }

    static func pdf(_ client: any TestClientProtocol, _ merchant: TestMerchant, _ id: String, role: Role = .auditor)
        async throws -> APIResponse
    {
        try await client.call(
            .get, "/v1/consents/\(id)/evidence", key: merchant.keys[role], headers: [.accept: "application/pdf"])
    }

    /// Captures, announces, amends, pays, cancels, pays again and holds one consent; the notifier sends what is due.
    static func eventfulConsent(
        _ merchant: TestMerchant, client: any TestClientProtocol, url: String, outbox: String, language: String
    ) async throws -> String {
        let body = DebitAnnouncementTests.variableTerms
            .setting("consumer.firstName", .string(lithuanianName)).setting("consumer.lastName", .string(greekName))
            .setting("consumer.language", .string(language))
        let id = try await ValidityTests.capture(merchant, body, client: client)
        #expect(
            try await DebitAnnouncementTests.announce(
                client, merchant, id, ["amount": "25.00", "currency": "EUR", "date": "2026-12-30"]
            ).status == .created)
        let amended = try await AmendmentTests.amend(
            client, merchant, id,
            ["terms": ["maxAmount": "40.00"], "effectiveFrom": "2026-12-20", "reason": "Lower cap from the yearly review"])
        #expect(amended.status == .created, "\(String(decoding: amended.bytes, as: UTF8.self))")
        let notifier = try await ConfirmationDeliveryTests.notifier(merchant, url: url, smtp: nil, outbox: outbox)
        while try await notifier.worker.drainOneBatch() > 0 {}
        #expect(try await PaymentTests.pay(client, merchant, id, PaymentTests.payment("pay-in-time", amount: "25.00")).status == .created)
        merchant.clock.advance(seconds: 3600)
        #expect(try await CancellationTests.cancel(client, merchant, id, ["requestedBy": "consumer"]).status == .ok)
        #expect(try await PaymentTests.pay(client, merchant, id, PaymentTests.payment("pay-too-late", amount: "25.00")).status == .created)
        let hold = try await client.call(
            .post, "/v1/consents/\(id)/legal-hold", key: merchant.keys[.admin], json: ["reason": "Dispute CB-4841 open"])
        #expect(hold.status == .ok)
        while try await notifier.worker.drainOneBatch() > 0 {}
        await ConfirmationDeliveryTests.stop(notifier)
        return id
    }

    @Test func theEvidenceRecordStatesEveryFactInTheMerchantsLanguage() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let outbox = try TemporaryDirectory.make(prefix: "evidence-pdf-outbox")
            defer { try? FileManager.default.removeItem(at: outbox) }
            for expected in Self.languages {
                let merchant = try await TestMerchant.make(name: "Ąžuolo knygos", language: expected.language, in: database)
                let words = TestEnvironment.documentWording.language(expected.language)
                try await merchant.test { client in
                    let id = try await Self.eventfulConsent(
                        merchant, client: client, url: url, outbox: outbox.path, language: expected.language)
                    let answer = try await Self.pdf(client, merchant, id)
                    #expect(answer.status == .ok)
                    #expect(answer.headers[.contentType] == "application/pdf")
                    let digest = try #require(answer.headers[HTTPField.Name("X-Evidence-Bundle-Sha256")!])

                    // The JSON bundle of the same moment hashes to the digest the PDF names.
                    let json = try await client.call(.get, "/v1/consents/\(id)/evidence", key: merchant.keys[.auditor])
                    #expect(ConsentRules.Digest.sha256Hex(json.bytes) == digest)
                    #expect(json.headers[HTTPField.Name("X-Evidence-Bundle-Sha256")!] == digest)
                    let bundle = try json.json

                    let read = try await PDFReadBack.read(answer.bytes)
                    #expect(read.structureOK, "\(read.qpdfReport)")
                    let text = read.flatText
                    var facts = [
                        "Ąžuolo knygos", id, Self.lithuanianName, Self.greekName, expected.pageOne,
                        expected.debitAmount, expected.debitDate, "Lower cap from the yearly review",
                        "the exact text the consumer agreed to", "235.114.187.1", "pay-in-time", "pay-too-late",
                        "Dispute CB-4841 open", digest,
                        words.text(.paymentsAfterCancellation, ["count": "1"]),
                        words.text(.chainIntact, ["count": String(bundle["events"]?.arrayValue?.count ?? 0)]),
                        words.text(.versionHeading, ["version": "2", "kind": words.text(.versionNotified)]),
                        words.text(.legalHold), words.text(.sectionCancellation),
                    ]
                    let cancelledBy = try #require(
                        bundle["events"]?.arrayValue?.first { $0["type"] == "consent.cancelled" }?["actor"]?.stringValue)
                    facts.append(words.text(.channelAPI, ["actor": cancelledBy]))
                    facts.append(try #require(bundle["termsAsShown"]?["disclosureSha256"]?.stringValue))
                    let messages = try #require(bundle["messages"]?.arrayValue).filter { $0["kind"] != "webhook" }
                    #expect(
                        Set(messages.compactMap { $0["kind"]?.stringValue })
                            == ["confirmation", "notice", "amendment_notice", "cancellation"])
                    for message in messages {
                        facts.append(try #require(message["messageId"]?.stringValue))
                        facts.append(try #require(message["sha256"]?.stringValue))
                        facts.append(try #require(message["subject"]?.stringValue))
                    }
                    // Long identifiers wrap at their hyphens, which pdftotext then drops, so each fact is looked
                    // for with white space and hyphens taken out of both.
                    let compact = Self.compact(text)
                    for fact in facts {
                        #expect(compact.contains(Self.compact(fact)), "\(expected.language): \(fact) is missing")
                    }
                    let pages = try #require(read.pageCount)
                    #expect(text.contains(words.text(.pageOf, ["page": String(pages), "pages": String(pages)])))
                    // No wording key shows in place of its text.
                    #expect(!text.contains("sectionTerms") && !text.contains("kind.") && !text.contains("status."))
                }
            }
        }
    }

    @Test func onlyAuditorsAndAdminsGetTheDocumentAndAnUnknownConsentIs404() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
            #expect(try await Self.pdf(client, merchant, id, role: .billing).status == .forbidden)
            #expect(try await Self.pdf(client, merchant, id, role: .admin).status == .ok)
            let unknown = try await Self.pdf(client, merchant, UUID().uuidString.lowercased())
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.contentType]?.hasPrefix("application/json") == true)
            // A client that prefers JSON gets JSON even when it would take a PDF.
            let json = try await client.call(
                .get, "/v1/consents/\(id)/evidence", key: merchant.keys[.auditor],
                headers: [.accept: "application/pdf;q=0.5, application/json"])
            #expect(json.headers[.contentType]?.hasPrefix("application/json") == true)
        }
    }
}
