import ConsentRules
import Crypto
import Foundation
import HummingbirdTesting
import Notifier
import PGClient
import TestSupport
import Testing

@testable import ConsentService

/// Webhooks from the consent's events to a real HTTP receiver process: queued in the event's transaction,
/// posted by the notifier as `serve` builds it, signed, retried, and stopped by `410 Gone`. Each test has a
/// database of its own, since the notifier works through every merchant's outbox.
@Suite("Webhooks end to end")
struct WebhookDeliveryTests {
    /// The notifier as `serve` builds it with WEBHOOK_ALLOW_PRIVATE_DESTINATIONS=true (the receiver is on
    /// loopback), writing emails to a folder; one message at a time, so that the order of attempts is known.
    static func notifier(_ merchant: TestMerchant, url: String) async throws -> NotifierService {
        var configuration = NotifierConfiguration()
        configuration.templatesDirectory = TestEnvironment.packageRoot + "/templates"
        configuration.outboxDirectory = try TemporaryDirectory.make(prefix: "outbox").path
        configuration.allowPrivateWebhookDestinations = true
        configuration.worker.concurrency = 1
        configuration.worker.batchSize = 1
        return try await NotifierService.make(
            configuration, templates: merchant.shared.templates, pool: merchant.shared.pool, conninfo: url,
            clock: merchant.clock.appClock,
            metrics: NotifierMetrics(registry: merchant.registry), keyring: TestEnvironment.keyring,
            logger: ConfirmationDeliveryTests.TestLogging.quiet)
    }

    /// Drains every due message, one per claim.
    static func drain(_ notifier: NotifierService) async throws {
        while try await notifier.worker.drainOneBatch() > 0 {}
    }

    static func register(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, url: String, events: [String]
    ) async throws -> (id: String, key: [UInt8]) {
        let response = try await WebhookEndpointTests.register(
            client, merchant, ["url": .string(url), "events": .array(events.map(JSONValue.string))])
        #expect(response.status == .created)
        let json = try response.json
        let secret = try #require(json["secret"]?.stringValue)
        let key = try #require(Data(base64Encoded: String(secret.dropFirst("whsec_".count))))
        return (try #require(json["id"]?.stringValue), Array(key))
    }

    /// Checks a received post's signature the way a receiver would, without the service's own code.
    static func verify(_ post: (path: String, headers: [String: String], body: String), key: [UInt8]) -> Bool {
        guard let id = post.headers["webhook-id"], let timestamp = post.headers["webhook-timestamp"],
            let signature = post.headers["webhook-signature"]
        else { return false }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(id).\(timestamp).\(post.body)".utf8), using: SymmetricKey(data: key))
        return signature == "v1," + Data(mac).base64EncodedString()
    }

    static func deliveries(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ query: String
    ) async throws -> [JSONValue] {
        let response = try await client.call(.get, "/v1/webhook-deliveries?\(query)", key: merchant.keys[.admin])
        #expect(response.status == .ok)
        return try #require(try response.json["deliveries"]?.arrayValue)
    }

    @Test func eachSubscribedEventReachesEachEndpointSignedAndOnce() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database).allowingPrivateWebhooks()
            try await WebhookReceiver.with { (receiver: WebhookReceiver) async throws in
                try await merchant.test { client in
                    let base = "http://127.0.0.1:\(receiver.port)"
                    let billing = try await Self.register(
                        client, merchant, url: base + "/billing",
                        events: ["consent.activated", "consent.cancelled", "confirmation.sent"])
                    let crm = try await Self.register(client, merchant, url: base + "/crm", events: ["consent.cancelled"])

                    let body = ConsentBody.valid(reference: "order-hooks", recurrenceId: "rec-hooks")
                    let captured = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body)
                    #expect(captured.status == .created)
                    let consentId = try #require(try captured.json["id"]?.stringValue)
                    merchant.clock.advance(seconds: 60)
                    let cancelled = try await CancellationTests.cancel(
                        client, merchant, consentId, ["requestedBy": "consumer"])
                    #expect(cancelled.status == .ok)

                    let queued = try await Self.deliveries(client, merchant, "status=queued")
                    #expect(queued.map { $0["type"] } == ["consent.activated", "consent.cancelled", "consent.cancelled"])

                    let notifier = try await Self.notifier(merchant, url: url)
                    try await Self.drain(notifier)
                    await ConfirmationDeliveryTests.stop(notifier)

                    let received = try receiver.received()
                    let toBilling = received.filter { $0.path == "/billing" }
                    let toCRM = received.filter { $0.path == "/crm" }
                    #expect(toBilling.count == 3)
                    #expect(toCRM.count == 1)
                    #expect(toBilling.allSatisfy { Self.verify($0, key: billing.key) })
                    #expect(toCRM.allSatisfy { Self.verify($0, key: crm.key) })
                    #expect(!toCRM.contains { Self.verify($0, key: billing.key) }, "each endpoint has its own secret")

                    let bodies = try toBilling.map { try JSONValue.parse(Array($0.body.utf8)) }
                    #expect(Set(bodies.compactMap { $0["type"]?.stringValue })
                        == ["consent.activated", "consent.cancelled", "confirmation.sent"])
                    #expect(bodies.allSatisfy { $0["data"]?["consentId"] == .string(consentId) })
                    #expect(bodies.allSatisfy { $0["data"]?["merchantReference"] == "order-hooks" })
                    #expect(bodies.allSatisfy { $0["data"]?["recurrenceId"] == "rec-hooks" })
                    let cancellation = try #require(bodies.first { $0["type"] == "consent.cancelled" })
                    #expect(cancellation["data"]?["details"]?["requestedBy"] == "consumer")
                    #expect(cancellation["timestamp"] == .string(merchant.clock.now.rfc3339))
                    #expect(toBilling.allSatisfy { $0.headers["content-type"] == "application/json" })

                    let sent = try await Self.deliveries(client, merchant, "status=sent")
                    #expect(sent.count == 4)
                    #expect(Set(sent.compactMap { $0["id"]?.stringValue }) == Set(received.compactMap { $0.headers["webhook-id"] }))
                    #expect(sent.allSatisfy { $0["lastResponse"] == "HTTP 200" && $0["deliveredAt"] != nil })
                    #expect(try await Self.deliveries(client, merchant, "status=failed").isEmpty)

                    let page = try await client.call(.get, "/v1/webhook-deliveries?limit=3", key: merchant.keys[.admin])
                    let next = try #require(try page.json["nextAfter"]?.stringValue)
                    let rest = try await Self.deliveries(client, merchant, "limit=3&after=\(next)")
                    #expect(rest.count == 1)
                    #expect(Set((try page.json["deliveries"]?.arrayValue ?? []) + rest).count == 4)
                }
            }
        }
    }

    @Test func everyKindOfConsentEventBecomesAWebhook() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database).allowingPrivateWebhooks()
            try await WebhookReceiver.with { (receiver: WebhookReceiver) async throws in
                try await merchant.test { client in
                    _ = try await Self.register(
                        client, merchant, url: "http://127.0.0.1:\(receiver.port)/hooks",
                        events: WebhookEventType.allCases.map(\.rawValue))
                    let variable = try await ValidityTests.capture(merchant, DebitAnnouncementTests.variableTerms, client: client)
                    let pending = try await ValidityTests.capture(merchant, ConsentBody.valid(recurrenceId: nil), client: client)
                    let cancelled = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
                    // A week on: the unsent confirmations are overdue and the pending consent has expired.
                    merchant.clock.advance(seconds: 7 * 24 * 3600)
                    let overdue = ConfirmationOverdueCheck(
                        pool: merchant.shared.pool, clock: merchant.clock.appClock,
                        metrics: NotifierMetrics(registry: merchant.registry), interval: .seconds(1),
                        logger: ConfirmationDeliveryTests.TestLogging.quiet)
                    #expect(try await overdue.checkOnce() == 2)
                    let sweeper = ExpirySweeper(
                        pool: merchant.shared.pool, clock: merchant.clock.appClock,
                        metrics: ServiceMetrics(registry: merchant.registry), keyring: TestEnvironment.keyring,
                        interval: .seconds(1),
                        logger: ConfirmationDeliveryTests.TestLogging.quiet)
                    #expect(try await sweeper.sweepOnce() == 1)
                    let announced = try await DebitAnnouncementTests.announce(
                        client, merchant, variable, ["amount": "25.00", "currency": "EUR", "date": "2026-12-30"])
                    #expect(announced.status == .created)
                    let cancel = try await CancellationTests.cancel(client, merchant, cancelled, ["requestedBy": "merchant"])
                    #expect(cancel.status == .ok)
                    let notifier = try await Self.notifier(merchant, url: url)
                    try await Self.drain(notifier)
                    let paid = try await PaymentTests.pay(
                        client, merchant, variable, PaymentTests.payment("pay-last", amount: "25.00", final: true))
                    #expect(paid.status == .created)
                    try await Self.drain(notifier)
                    await ConfirmationDeliveryTests.stop(notifier)

                    let bodies = try receiver.received().map { try JSONValue.parse(Array($0.body.utf8)) }
                    func types(of consent: String) -> [String] {
                        bodies.filter { $0["data"]?["consentId"] == .string(consent) }.compactMap { $0["type"]?.stringValue }.sorted()
                    }
                    #expect(types(of: variable) == [
                        "confirmation.overdue", "confirmation.sent", "consent.activated", "consent.completed", "notice.sent",
                    ])
                    #expect(types(of: pending) == ["consent.expired"])
                    #expect(types(of: cancelled) == [
                        "confirmation.overdue", "confirmation.sent", "consent.activated", "consent.cancelled",
                    ])
                }
            }
        }
    }

    @Test func aFailingEndpointGetsTheSameDeliveryAgainUntilItAccepts() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database).allowingPrivateWebhooks()
            try await WebhookReceiver.with(replies: ["500", "503:Retry-After=120"]) { (receiver: WebhookReceiver) async throws in
                try await merchant.test { client in
                    let endpoint = try await Self.register(
                        client, merchant, url: "http://127.0.0.1:\(receiver.port)/hooks", events: ["consent.activated"])
                    let captured = try await client.call(
                        .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid())
                    #expect(captured.status == .created)

                    let notifier = try await Self.notifier(merchant, url: url)
                    try await Self.drain(notifier)
                    let afterFirst = try #require(try await Self.deliveries(client, merchant, "status=queued").first)
                    #expect(afterFirst["attempts"] == 1)
                    #expect(afterFirst["lastResponse"] == "HTTP 500")
                    merchant.clock.advance(seconds: 60)
                    try await Self.drain(notifier)
                    let afterSecond = try #require(try await Self.deliveries(client, merchant, "status=queued").first)
                    #expect(afterSecond["lastResponse"] == "HTTP 503")
                    let retryAt = try #require(afterSecond["nextAttemptAt"]?.stringValue.flatMap(Instant.init(rfc3339:)))
                    #expect(retryAt >= merchant.clock.now.adding(seconds: 120), "Retry-After is honoured")
                    merchant.clock.advance(seconds: 121)
                    try await Self.drain(notifier)
                    await ConfirmationDeliveryTests.stop(notifier)

                    let received = try receiver.received()
                    #expect(received.count == 3)
                    #expect(Set(received.map { $0.headers["webhook-id"] }).count == 1, "one id across retries")
                    #expect(Set(received.map(\.body)).count == 1, "the same body every time")
                    #expect(received.allSatisfy { Self.verify($0, key: endpoint.key) })
                    let sent = try await Self.deliveries(client, merchant, "status=sent")
                    #expect(sent.count == 1)
                    #expect(sent.first?["attempts"] == 3)
                }
            }
        }
    }

    @Test func aGoneEndpointIsDisabledAndItsOtherDeliveriesFail() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database).allowingPrivateWebhooks()
            try await WebhookReceiver.with(replies: ["410"]) { (receiver: WebhookReceiver) async throws in
                try await merchant.test { client in
                    let endpoint = try await Self.register(
                        client, merchant, url: "http://127.0.0.1:\(receiver.port)/hooks", events: ["consent.activated"])
                    for _ in 0..<2 {
                        let captured = try await client.call(
                            .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid())
                        #expect(captured.status == .created)
                        merchant.clock.advance(seconds: 1)
                    }
                    let notifier = try await Self.notifier(merchant, url: url)
                    try await Self.drain(notifier)

                    #expect(try receiver.received().count == 1, "nothing is posted after the 410")
                    let failed = try await Self.deliveries(client, merchant, "status=failed")
                    #expect(failed.count == 2)
                    #expect(failed.first?["lastResponse"] == "HTTP 410")
                    #expect(failed.last?["lastError"]?.stringValue?.hasPrefix("the endpoint was disabled") == true)
                    let listed = try await client.call(.get, "/v1/webhook-endpoints", key: merchant.keys[.admin])
                    let disabled = try #require(try listed.json["endpoints"]?.arrayValue?.first)
                    #expect(disabled["id"] == .string(endpoint.id))
                    #expect(disabled["status"] == "disabled")
                    #expect(disabled["disabledReason"] == "the endpoint answered 410 Gone")

                    // A disabled endpoint is not queued for at all.
                    let later = try await client.call(
                        .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid())
                    #expect(later.status == .created)
                    #expect(try await Self.deliveries(client, merchant, "").count == 2)
                    try await Self.drain(notifier)
                    await ConfirmationDeliveryTests.stop(notifier)
                    #expect(try receiver.received().count == 1)
                    let metrics = ConfirmationDeliveryTests.metrics(merchant.registry)
                    #expect(metrics.contains(#"messages_failed_total{kind="webhook"} 2"#))
                }
            }
        }
    }

    @Test func aDeliveryStillFailingAfterTwoHoursFails() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database).allowingPrivateWebhooks()
            try await WebhookReceiver.with(replies: Array(repeating: "500", count: 20)) { (receiver: WebhookReceiver) async throws in
                try await merchant.test { client in
                    _ = try await Self.register(
                        client, merchant, url: "http://127.0.0.1:\(receiver.port)/hooks", events: ["consent.activated"])
                    let captured = try await client.call(
                        .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid())
                    #expect(captured.status == .created)
                    let notifier = try await Self.notifier(merchant, url: url)
                    try await Self.drain(notifier)
                    merchant.clock.advance(seconds: 3600)
                    try await Self.drain(notifier)
                    #expect(try await Self.deliveries(client, merchant, "status=queued").count == 1, "still within 2 hours")
                    merchant.clock.advance(seconds: 3601)
                    try await Self.drain(notifier)
                    await ConfirmationDeliveryTests.stop(notifier)
                    let failed = try await Self.deliveries(client, merchant, "status=failed")
                    #expect(failed.count == 1)
                    #expect(failed.first?["lastError"]?.stringValue?.hasPrefix("gave up after 3 attempts") == true)
                }
            }
        }
    }

    /// A proxy resolves the host itself, past the destination check and the pinned addresses, so the proxies
    /// libcurl would take from the environment are never used. Run as a `notifier` process, since the
    /// environment is the whole process's and would reach every test running beside this one.
    @Test func deliveriesIgnoreProxiesNamedInTheEnvironment() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database).allowingPrivateWebhooks()
            let proxy = try ConnectionRecorder()
            let folder = try TemporaryDirectory.make(prefix: "proxy-test")
            defer { try? FileManager.default.removeItem(at: folder) }
            try await WebhookReceiver.with { (receiver: WebhookReceiver) async throws in
                try await merchant.test { client in
                    _ = try await Self.register(
                        client, merchant, url: "http://127.0.0.1:\(receiver.port)/billing", events: ["consent.cancelled"])
                    let id = try await ValidityTests.capture(merchant, ConsentBody.valid(), client: client)
                    merchant.clock.advance(seconds: 60)
                    #expect(try await CancellationTests.cancel(client, merchant, id, ["requestedBy": "consumer"]).status == .ok)
                }
                // The process keeps real time, the merchant's clock the test's: everything is queued just now.
                try await database.pool.withConnection { connection in
                    _ = try connection.query(
                        "UPDATE outbox SET due_at = now() - interval '1 minute', created_at = now() WHERE merchant_id = $1",
                        [merchant.id])
                }
                var environment = [
                    "DATABASE_URL": url, "WEBHOOK_ALLOW_PRIVATE_DESTINATIONS": "true", "OUTBOX_DIR": folder.path,
                    "NOTIFIER_POLL_SECONDS": "1", "LOG_LEVEL": "info", "no_proxy": "", "NO_PROXY": "",
                ]
                for name in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] {
                    environment[name] = "http://127.0.0.1:\(proxy.port)"
                }
                let notifier = try ServiceProcess(
                    ["notifier"], environment: environment, log: folder.appendingPathComponent("notifier.log"))
                var received = 0
                for _ in 0..<200 where received == 0 {
                    try await Task.sleep(for: .milliseconds(100))
                    received = try receiver.received().count
                }
                await notifier.stop()
                #expect(received == 1, "the notifier's log: \(notifier.output)")
                #expect(proxy.connections() == 0, "the delivery went through the proxy")
            }
        }
    }
}
