import ConsentRules
import Foundation
import PGClient
import TestSupport
import Testing

@testable import Notifier

/// Webhook deliveries through the outbox worker: a real PostgreSQL (a database of each test's own) and a real
/// HTTP receiver process.
@Suite("Outbox worker delivering webhooks")
struct OutboxWebhookTests {
    static func worker(_ database: WorkerTestDatabase, handler: TestWebhookHandler, clock: ManualClock) -> OutboxWorker {
        var settings = OutboxWorker.Settings()
        settings.concurrency = 1
        return OutboxWorker(
            queue: OutboxQueue(pool: database.pool, handler: handler, leaseSeconds: 300), transport: NoMail(),
            webhooks: WebhookTransport(timeout: .seconds(5), allowPrivateDestinations: true),
            settings: settings, wakeSignal: WakeSignal(), clock: { clock.now }, logger: WorkerTestDatabase.logger)
    }

    /// Webhook tests send no email.
    struct NoMail: MessageTransport {
        func deliver(
            _ message: OutgoingMessage, startBy: Instant, clearance: @escaping DeliveryClearance
        ) async -> SMTPOutcome? {
            .permanentFailure(reply: "", reason: "no mail in webhook tests")
        }
    }

    @Test func failuresAreRetriedHonouringRetryAfterAndGoneFails() async throws {
        try await WorkerTestDatabase.with { database, _ in
            let start = OutboxWorkerTests.start
            let ids = try await database.queue(3, dueAt: start)
            let clock = ManualClock(start.adding(seconds: 60))
            try await WebhookReceiver.with(replies: ["500", "503:Retry-After=600", "410"]) {
                (receiver: WebhookReceiver) async throws in
                let handler = TestWebhookHandler(url: "http://127.0.0.1:\(receiver.port)/hooks")
                let worker = Self.worker(database, handler: handler, clock: clock)
                #expect(try await worker.drainOneBatch() == 3)

                let first = try await database.row(ids[0])
                #expect(first.state == "queued")
                #expect(first.serverReply == "HTTP 500")
                #expect(first.dueAt <= clock.now.adding(seconds: 36), "the usual backoff")
                let second = try await database.row(ids[1])
                #expect(second.state == "queued")
                #expect(second.dueAt >= clock.now.adding(seconds: 600), "not before the endpoint's Retry-After")
                let third = try await database.row(ids[2])
                #expect(third.state == "failed")
                #expect(third.serverReply == "HTTP 410")
                #expect(handler.failed == [ids[2]])
                #expect(handler.gone == [ids[2]])

                clock.advance(seconds: 40)
                #expect(try await worker.drainOneBatch() == 1)
                let delivered = try await database.row(ids[0])
                #expect(delivered.state == "sent")
                #expect(delivered.serverReply == "HTTP 200")
                #expect(delivered.messageId == "msg_\(ids[0].uuidString.lowercased())")
                let received = try receiver.received()
                #expect(received.count == 4)
                #expect(received.last?.headers["webhook-id"] == "msg_\(ids[0].uuidString.lowercased())")
            }
        }
    }

    @Test func aWebhookStillFailingAfterTwoHoursFails() async throws {
        try await WorkerTestDatabase.with { database, _ in
            let ids = try await database.queue(1, dueAt: OutboxWorkerTests.start)
            let clock = ManualClock(OutboxWorkerTests.start.adding(seconds: 2 * 3600 + 60))
            try await WebhookReceiver.with(replies: ["500"]) { (receiver: WebhookReceiver) async throws in
                let handler = TestWebhookHandler(url: "http://127.0.0.1:\(receiver.port)/hooks")
                #expect(try await Self.worker(database, handler: handler, clock: clock).drainOneBatch() == 1)
                let row = try await database.row(ids[0])
                #expect(row.state == "failed")
                #expect(row.lastError?.hasPrefix("gave up after 1 attempts") == true)
                #expect(handler.failed == ids)
                #expect(handler.gone.isEmpty)
            }
        }
    }
}
