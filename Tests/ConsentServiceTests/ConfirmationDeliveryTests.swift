import ConsentRules
import Crypto
import Foundation
import Logging
import Notifier
import PGClient
import Prometheus
import TestSupport
import Testing

@testable import ConsentService

/// Confirmations from capture to the consumer's mailbox: the service's router, a real PostgreSQL (a database of
/// each test's own: the notifier and the overdue check act on every merchant) and a real SMTP server process.
@Suite("Confirmations end to end")
struct ConfirmationDeliveryTests {
    enum TestLogging {
        static let quiet: Logger = {
            var logger = Logger(label: "confirmation-tests")
            logger.logLevel = .warning
            return logger
        }()
    }

    static let publicURL = "https://consents.example"

    /// The notifier as `serve` builds it, sending through `smtp`.
    static func notifier(
        _ merchant: TestMerchant, url: String, smtp: SMTPConfiguration?, outbox: String? = nil,
        batchSize: Int = OutboxWorker.Settings().batchSize
    ) async throws -> NotifierService {
        var configuration = NotifierConfiguration()
        configuration.worker.batchSize = batchSize
        configuration.publicURL = publicURL
        configuration.smtp = smtp
        configuration.templatesDirectory = TestEnvironment.packageRoot + "/templates"
        configuration.outboxDirectory = try outbox ?? TemporaryDirectory.make(prefix: "outbox").path
        return try await NotifierService.make(
            configuration, templates: merchant.shared.templates, pool: merchant.shared.pool, conninfo: url,
            clock: merchant.clock.appClock,
            metrics: NotifierMetrics(registry: merchant.registry), keyring: TestEnvironment.keyring,
            logger: TestLogging.quiet)
    }

    static func stop(_ notifier: NotifierService) async {
        await notifier.listener.stop()
        await notifier.smtp?.shutdown()
    }

    static func plaintext(_ server: SMTPTestServer) -> SMTPConfiguration {
        SMTPConfiguration(url: "smtp://127.0.0.1:\(server.port)", security: .plaintextOnLoopback, connections: 2)
    }

    static func capture(_ merchant: TestMerchant, _ body: JSONValue) async throws -> String {
        try await merchant.test { client in
            let response = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body)
            #expect(response.status == .created)
            return try #require(try response.json["id"]?.stringValue)
        }
    }

    static func metrics(_ registry: PrometheusCollectorRegistry) -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func theConfirmationArrivesOverSTARTTLSWithAuthAndEveryDetail() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(name: "Šviesos Žaliuzės", in: database)
            var body = ConsentBody.valid(reference: "order-7", recurrenceId: "rec-confirm")
            body = body.setting("consumer.firstName", "Zoë")
            body = body.setting("consumer.lastName", "Łukasiewicz")
            let consentId = try await Self.capture(merchant, body)
            let certificates = try await TestCertificates.shared()
            let options = SMTPTestServer.Options(requireStartTLS: true, auth: "notifier:s3cret word")
            try await SMTPTestServer.with(options) { server in
                let notifier = try await Self.notifier(
                    merchant, url: url,
                    smtp: SMTPConfiguration(
                        url: "smtp://127.0.0.1:\(server.port)", security: .startTLSRequired, username: "notifier",
                        password: "s3cret word", caFile: certificates.caFile))
                #expect(try await notifier.worker.drainOneBatch() == 1)
                await Self.stop(notifier)

                let stored = try server.storedMessages()
                try #require(stored.count == 1)
                let bytes = try #require(stored.values.first)
                let email = try ParsedEmail.parse(bytes)
                #expect(email.defects.isEmpty, "defects: \(email.defects)")
                #expect(email.contentType == "multipart/alternative")
                #expect(email.parts.map(\.type) == ["text/plain", "text/html"])

                let outbox = try await merchant.shared.pool.withConnection { connection in
                    let row = try connection.query(
                        """
                        SELECT id, message_id, server_reply, body_sha256, subject, recipient,
                               (extract(epoch FROM sent_at) * 1000000)::bigint, recipient_sealed, recipient_key
                        FROM outbox WHERE merchant_id = $1
                        """,
                        [merchant.id])[0]
                    let id = try row.decode(UUID.self, 0)
                    let sealed = SealedValue(keyId: try row.decode(String.self, 8), bytes: try row.decode([UInt8].self, 7))
                    return (
                        id: id, messageId: try row.decode(String.self, 1),
                        reply: try row.decode(String.self, 2), sha: try row.decode(String.self, 3),
                        subject: try row.decode(String.self, 4), plainRecipient: try row.decode(String?.self, 5),
                        sentAt: Instant(microsecondsSinceEpoch: try row.decode(Int64.self, 6)),
                        recipient: String(
                            decoding: try TestEnvironment.keyring.open(
                                sealed, context: .message(merchantId: merchant.id, outboxId: id)),
                            as: UTF8.self),
                        recipientKey: sealed.keyId)
                }
                #expect(email.headers["From"] == "Shop <shop@example.com>")
                #expect(email.headers["To"] == "Zoë Łukasiewicz <darrel@example.com>")
                #expect(email.headers["Reply-To"] == "Šviesos Žaliuzės <help@example.com>")
                #expect(email.headers["Subject"] == outbox.subject)
                #expect(outbox.subject.contains("Šviesos Žaliuzės"))
                #expect(email.headers["Message-ID"] == "<\(outbox.id.uuidString.lowercased())@example.com>")
                #expect(outbox.messageId == "\(outbox.id.uuidString.lowercased())@example.com")
                #expect(email.headers["Date"] != nil)
                #expect(outbox.reply.hasPrefix("250 "))
                #expect(outbox.sha == ConsentRules.Digest.sha256Hex(bytes), "the evidence hash is of the bytes the server got")
                #expect(outbox.recipient == "darrel@example.com", "kept sealed, under the current key")
                #expect(outbox.plainRecipient == nil && outbox.recipientKey == TestEnvironment.keyring.currentKeyId)

                // The cancel link: in List-Unsubscribe and both bodies, signed for this consent only.
                let unsubscribe = try #require(email.headers["List-Unsubscribe"])
                #expect(unsubscribe.hasPrefix("<\(Self.publicURL)/cancel/"))
                let link = String(unsubscribe.dropFirst().dropLast())
                let key = try await merchant.shared.pool.withConnection { connection in
                    try connection.query("SELECT cancel_token_key FROM merchants WHERE merchant_id = $1", [merchant.id])[0]
                        .decode([UInt8].self, 0)
                }
                let token = String(link.dropFirst("\(Self.publicURL)/cancel/".count))
                let subject = try #require(CancelToken.verify(token, key: SymmetricKey(data: key)))
                #expect(subject.consentId.uuidString.lowercased() == consentId)
                #expect(subject.merchantId == merchant.id)

                let text = try #require(email.part("text/plain"))
                let html = try #require(email.part("text/html"))
                for body in [text, html] {
                    for detail in [
                        "Šviesos Žaliuzės", "Zoë", "€10.23", "15 December 2026", "15 December 2028", "15 days", "darrel@example.com",
                        "help@example.com", "VISA", "1096", link,
                    ] {
                        #expect(body.contains(detail), "missing \(detail)")
                    }
                }
                #expect(text.contains("fixed"))

                // The consent records when the server accepted it, and its history says so.
                try await merchant.test { client in
                    let consent = try await client.call(.get, "/v1/consents/\(consentId)", key: merchant.keys[.billing])
                    #expect(try consent.json["confirmation"]?["sentAt"]?.stringValue == outbox.sentAt.rfc3339)
                }
                let events = try await EventRows.chain(merchant: merchant, consentId: consentId)
                #expect(events.map(\.type) == ["consent.created", "consent.activated", "confirmation.sent"])
                #expect(events.last?.data["messageId"]?.stringValue == outbox.messageId)
                #expect(Self.metrics(merchant.registry).contains(#"messages_sent_total{kind="confirmation"} 1"#))
            }
        }
    }

    @Test func aPendingConsentIsConfirmedOnlyOnceActivated() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            let consentId = try await Self.capture(merchant, ConsentBody.valid(recurrenceId: nil))
            try await SMTPTestServer.with { server in
                let notifier = try await Self.notifier(merchant, url: url, smtp: Self.plaintext(server))
                #expect(try await notifier.worker.drainOneBatch() == 0)
                try await merchant.test { client in
                    let activated = try await client.call(
                        .post, "/v1/consents/\(consentId)/activate", key: merchant.keys[.billing],
                        json: ["recurrenceId": "rec-later"])
                    #expect(activated.status == .ok)
                }
                #expect(try await notifier.worker.drainOneBatch() == 1)
                #expect(try await notifier.worker.drainOneBatch() == 0)
                await Self.stop(notifier)
                #expect(try server.storedMessages().count == 1)
            }
        }
    }

    @Test func aRefusedConfirmationFailsWithAnEventAndAMetric() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            let consentId = try await Self.capture(merchant, ConsentBody.valid())
            try await SMTPTestServer.with(SMTPTestServer.Options(replies: ["550:5.1.1 mailbox unavailable"])) { server in
                let notifier = try await Self.notifier(merchant, url: url, smtp: Self.plaintext(server))
                #expect(try await notifier.worker.drainOneBatch() == 1)
                await Self.stop(notifier)
            }
            let events = try await EventRows.chain(merchant: merchant, consentId: consentId)
            #expect(events.last?.type == "confirmation.failed")
            #expect(events.last?.data["reason"]?.stringValue?.contains("550") == true)
            #expect(Self.metrics(merchant.registry).contains(#"messages_failed_total{kind="confirmation"} 1"#))
            try await merchant.test { client in
                let consent = try await client.call(.get, "/v1/consents/\(consentId)", key: merchant.keys[.billing])
                #expect(try consent.json["confirmation"]?["sentAt"] == .null)
            }
        }
    }

    @Test func anUnsentConfirmationIsFlaggedOverdueOnceAfterItsDueDayEndsInTheMerchantsZone() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            let merchant = try await TestMerchant.make(in: database)
            // Accepted Saturday 2026-11-21 (Vilnius): due by Tuesday 2026-11-24, the 2nd business day after.
            let consentId = try await Self.capture(merchant, ConsentBody.valid())
            let check = ConfirmationOverdueCheck(
                pool: database.pool, clock: merchant.clock.appClock, metrics: NotifierMetrics(registry: merchant.registry),
                interval: .seconds(60), logger: TestLogging.quiet)
            // 23:59 on the due day in Vilnius (UTC+2) is not yet overdue.
            let lastMinute = try #require(Instant(rfc3339: "2026-11-24T21:59:00Z"))
            merchant.clock.advance(seconds: (lastMinute.microsecondsSinceEpoch - merchant.clock.now.microsecondsSinceEpoch) / 1_000_000)
            #expect(try await check.checkOnce() == 0)
            merchant.clock.advance(seconds: 120)
            #expect(try await check.checkOnce() == 1)
            #expect(try await check.checkOnce() == 0, "flagged once")
            let events = try await EventRows.chain(merchant: merchant, consentId: consentId)
            #expect(events.last?.type == "confirmation.overdue")
            #expect(events.last?.data["dueBy"]?.stringValue == "2026-11-24")
            #expect(events.filter { $0.type == "confirmation.overdue" }.count == 1)
            #expect(Self.metrics(merchant.registry).contains("confirmations_overdue_total 1"))
        }
    }

    @Test func withoutSMTPTheConfirmationIsWrittenToTheOutboxFolder() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            _ = try await Self.capture(merchant, ConsentBody.valid())
            let folder = try TemporaryDirectory.make(prefix: "outbox").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let notifier = try await Self.notifier(merchant, url: url, smtp: nil, outbox: folder)
            #expect(try await notifier.worker.drainOneBatch() == 1)
            await Self.stop(notifier)
            let messageId = try await merchant.shared.pool.withConnection { connection in
                try connection.query("SELECT message_id FROM outbox WHERE merchant_id = $1 AND state = 'sent'", [merchant.id])[0]
                    .decode(String.self, 0)
            }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + messageId + ".eml"))
            let email = try ParsedEmail.parse(Array(bytes))
            #expect(email.headers["Message-ID"] == "<\(messageId)>")
            #expect(email.part("text/plain")?.contains("€10.23") == true)
        }
    }

    @Test func markupFollowedByACombiningMarkIsEscapedInTheHTMLPartAndVerbatimInTheText() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(name: "Shop " + CombiningMarkup.text, in: database)
            _ = try await Self.capture(merchant, CancelPageTests.markupBody())
            let folder = try TemporaryDirectory.make(prefix: "outbox").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let notifier = try await Self.notifier(merchant, url: url, smtp: nil, outbox: folder)
            #expect(try await notifier.worker.drainOneBatch() == 1)
            await Self.stop(notifier)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".eml") }
            try #require(files.count == 1)
            let email = try ParsedEmail.parse(Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + files[0]))))
            let html = try #require(email.part("text/html"))
            let text = try #require(email.part("text/plain"))
            #expect(CombiningMarkup.isEscaped(in: html), "\(html)")
            #expect(CombiningMarkup.isVerbatim(in: text), "\(text)")
            #expect(CombiningMarkup.isVerbatim(in: email.headers["Subject"] ?? ""), "\(email.headers)")
        }
    }
}
