import ConsentRules
import Foundation
import Logging
import PGClient
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@testable import Notifier

/// The outbox worker end to end: a real PostgreSQL (a database of each test's own, since a worker claims every
/// due message) and a real SMTP server process.
@Suite("Outbox worker against real servers")
struct OutboxWorkerTests {
    /// Messages' give-up period counts from their creation by the database's clock, so test clocks start at
    /// the real time.
    static var start: Instant { Instant(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000)) }

    /// `clock` is the worker's, which the transport compares start deadlines with.
    static func smtp(port: Int, connections: Int = 4, clock: ManualClock? = nil) throws -> SMTPTransport {
        try SMTPTransport(
            configuration: SMTPConfiguration(
                url: "smtp://127.0.0.1:\(port)", security: .plaintextOnLoopback, connectTimeout: .seconds(5),
                totalTimeout: .seconds(20), connections: connections),
            logger: WorkerTestDatabase.logger, clock: clock?.reading ?? SystemClock.now)
    }

    static func worker(
        _ database: WorkerTestDatabase, transport: any MessageTransport, handler: TestMessageHandler,
        clock: ManualClock, concurrency: Int = 4, batchSize: Int = 25, wakeSignal: WakeSignal = WakeSignal(),
        pollInterval: Duration = .seconds(5)
    ) -> OutboxWorker {
        var settings = OutboxWorker.Settings()
        settings.concurrency = concurrency
        settings.batchSize = batchSize
        settings.pollInterval = pollInterval
        return OutboxWorker(
            queue: OutboxQueue(pool: database.pool, handler: handler, leaseSeconds: 300), transport: transport,
            settings: settings, wakeSignal: wakeSignal, clock: { clock.now }, logger: WorkerTestDatabase.logger)
    }

    @Test func twoWorkersOverAThousandMessagesSendEachExactlyOnce() async throws {
        try await WorkerTestDatabase.with { database, _ in
            let start = Self.start
            let ids = try await database.queue(1000, dueAt: start)
            let clock = ManualClock(start.adding(seconds: 60))
            try await SMTPTestServer.with { server in
                let handlers = [TestMessageHandler(), TestMessageHandler()]
                let transports = try [Self.smtp(port: server.port), Self.smtp(port: server.port)]
                await withTaskGroup(of: Void.self) { group in
                    for (handler, transport) in zip(handlers, transports) {
                        let worker = Self.worker(database, transport: transport, handler: handler, clock: clock)
                        group.addTask {
                            while (try? await worker.drainOneBatch()) ?? 0 > 0 {}
                        }
                    }
                }
                for transport in transports { await transport.shutdown() }
                let received = try server.storedMessageIds()
                #expect(received.count == 1000)
                #expect(Set(received) == Set(ids.map(TestMessageHandler.messageId(for:))))
                #expect(handlers.allSatisfy { $0.results.contains(.sent) }, "both workers took part")
                #expect(handlers.flatMap(\.results).filter { $0 == .sent }.count == 1000)
            }
            #expect(try await database.states() == ["sent": 1000])
        }
    }

    @Test func aTransientReplyIsRetriedLaterAndAPermanentOneFailsTheMessage() async throws {
        try await WorkerTestDatabase.with { database, _ in
            let start = Self.start
            let ids = try await database.queue(2, dueAt: start)
            let clock = ManualClock(start.adding(seconds: 60))
            let handler = TestMessageHandler()
            let options = SMTPTestServer.Options(replies: ["451:4.3.0 try again later", "550:5.1.1 no such user"])
            try await SMTPTestServer.with(options) { server in
                let transport = try Self.smtp(port: server.port, connections: 1)
                let worker = Self.worker(database, transport: transport, handler: handler, clock: clock, concurrency: 1)
                #expect(try await worker.drainOneBatch() == 2)

                let retried = try await database.row(ids[0])
                #expect(retried.state == "queued")
                #expect(retried.attempts == 1)
                #expect(!retried.leased)
                #expect(retried.serverReply?.hasPrefix("451") == true)
                #expect(retried.lastError != nil)
                // 30 s backoff with at most 20% jitter.
                #expect(retried.dueAt >= clock.now.adding(seconds: 24))
                #expect(retried.dueAt <= clock.now.adding(seconds: 36))

                let failed = try await database.row(ids[1])
                #expect(failed.state == "failed")
                #expect(failed.serverReply?.hasPrefix("550") == true)
                #expect(handler.failed == [ids[1]])

                // Nothing is due until the backoff has passed.
                #expect(try await worker.drainOneBatch() == 0)
                clock.advance(seconds: 40)
                #expect(try await worker.drainOneBatch() == 1)
                await transport.shutdown()

                let sent = try await database.row(ids[0])
                #expect(sent.state == "sent")
                #expect(sent.attempts == 2)
                #expect(sent.serverReply?.hasPrefix("250") == true)
                #expect(sent.messageId == TestMessageHandler.messageId(for: ids[0]))
                #expect(try server.storedMessageIds() == [TestMessageHandler.messageId(for: ids[0])])
            }
        }
    }

    @Test func aServerThatIsDownForAWhileDelaysButLosesNothing() async throws {
        try await WorkerTestDatabase.with { database, _ in
            let start = Self.start
            let ids = try await database.queue(5, dueAt: start)
            let clock = ManualClock(start.adding(seconds: 60))
            let handler = TestMessageHandler()
            let port = try unusedLoopbackPort()
            let transport = try Self.smtp(port: port)
            let worker = Self.worker(database, transport: transport, handler: handler, clock: clock)
            for _ in 0..<3 {
                #expect(try await worker.drainOneBatch() == 5)
                #expect(try await database.states() == ["queued": 5])
                clock.advance(seconds: 3600)
            }
            try await SMTPTestServer.with(SMTPTestServer.Options(port: port)) { (server: SMTPTestServer) async throws in
                #expect(try await worker.drainOneBatch() == 5)
                await transport.shutdown()
                #expect(try Set(server.storedMessageIds()) == Set(ids.map(TestMessageHandler.messageId(for:))))
            }
            #expect(try await database.states() == ["sent": 5])
            #expect(try await database.row(ids[0]).attempts == 4)
        }
    }

    @Test func aMessageStillFailingAfterTheGiveUpPeriodFails() async throws {
        try await WorkerTestDatabase.with { database, _ in
            let ids = try await database.queue(1, dueAt: Self.start)
            // The worker's clock is three days and more after the message was queued.
            let clock = ManualClock(Self.start.adding(seconds: 72 * 3600 + 60))
            let handler = TestMessageHandler()
            let transport = try Self.smtp(port: try unusedLoopbackPort())
            let worker = Self.worker(database, transport: transport, handler: handler, clock: clock)
            #expect(try await worker.drainOneBatch() == 1)
            await transport.shutdown()
            let row = try await database.row(ids[0])
            #expect(row.state == "failed")
            #expect(row.lastError?.hasPrefix("gave up after 1 attempts") == true)
            #expect(handler.failed == ids)
        }
    }

    @Test func aQueuedMessageWakesAnIdleWorkerThroughListenNotify() async throws {
        try await WorkerTestDatabase.with { database, url in
            let clock = ManualClock(Self.start.adding(seconds: 60))
            try await SMTPTestServer.with { server in
                let transport = try Self.smtp(port: server.port)
                let wakeSignal = WakeSignal()
                let listenerWakes = Mutex(0)
                let listener = PGListener(conninfo: url, channels: ["outbox_due"], logger: WorkerTestDatabase.logger) {
                    listenerWakes.withLock { $0 += 1 }
                    wakeSignal.wake()
                }
                // Polling every hour: only the notification can get this message out within the test.
                let worker = Self.worker(
                    database, transport: transport, handler: TestMessageHandler(), clock: clock, wakeSignal: wakeSignal,
                    pollInterval: .seconds(3600))
                let running = Task { try await worker.run() }
                // The listener wakes the worker once its session listens; only then can a NOTIFY reach it.
                try await eventually { listenerWakes.withLock { $0 } > 0 }
                try #require(listenerWakes.withLock { $0 } == 1)
                let ids = try await database.queue(1, dueAt: clock.now.adding(seconds: -30))
                var state = ""
                for _ in 0..<200 where state != "sent" {
                    try await Task.sleep(for: .milliseconds(100))
                    state = try await database.row(ids[0]).state
                }
                running.cancel()
                _ = try? await running.value
                await listener.stop()
                await transport.shutdown()
                #expect(state == "sent")
                #expect(try server.storedMessageIds() == ids.map(TestMessageHandler.messageId(for:)))
            }
        }
    }

    @Test func gracefulShutdownFinishesTheMessageBeingSentAndReleasesTheRest() async throws {
        try await WorkerTestDatabase.with { database, _ in
            let start = Self.start
            let ids = try await database.queue(5, dueAt: start)
            let clock = ManualClock(start.adding(seconds: 60))
            // The server holds every message until released, so the first is still being sent at the shutdown.
            try await SMTPTestServer.with(SMTPTestServer.Options(holdsData: true)) { server in
                let transport = try Self.smtp(port: server.port, connections: 1)
                let handler = TestMessageHandler()
                let wakeSignal = WakeSignal()
                let worker = Self.worker(
                    database, transport: transport, handler: handler, clock: clock, concurrency: 1,
                    wakeSignal: wakeSignal)
                let group = ServiceGroup(
                    configuration: .init(services: [.init(service: worker)], logger: WorkerTestDatabase.logger))
                let running = Task { try await group.run() }
                // Once the first message is composed it is handed to the transport: it has started.
                for _ in 0..<400 where handler.composed == 0 {
                    try await Task.sleep(for: .milliseconds(25))
                }
                try #require(handler.composed == 1)
                await group.triggerGracefulShutdown()
                // The worker's shutdown handler wakes its signal; it is busy sending, so the wake-up is kept. From
                // then on the worker's task knows of the shutdown, before the held message can finish.
                try await eventually { wakeSignal.isPending }
                try server.releaseHeldData()
                try await running.value
                await transport.shutdown()

                var sent = 0
                for id in ids {
                    let row = try await database.row(id)
                    #expect(!row.leased, "nothing stays leased after a graceful shutdown")
                    if row.state == "sent" {
                        sent += 1
                    } else {
                        #expect(row.state == "queued")
                        #expect(row.attempts == 0, "a released message's attempt does not count")
                    }
                }
                #expect(sent == 1, "the message being sent finished; the rest were released untried")
                #expect(try server.storedMessageIds().count == sent)
            }
        }
    }

    /// More messages under way than connections: one that waits for a connection until too little of its lease
    /// is left is given back unsent, its attempt not counted, for the next claim.
    @Test func aMessageWaitingForAConnectionPastItsStartDeadlineIsReleased() async throws {
        try await WorkerTestDatabase.with { database, _ in
            let start = Self.start
            let ids = try await database.queue(3, dueAt: start)
            let clock = ManualClock(start.adding(seconds: 60))
            // The server holds the first message until released; the lease leaves five seconds for starting.
            try await SMTPTestServer.with(SMTPTestServer.Options(holdsData: true)) { server in
                let transport = try Self.smtp(port: server.port, connections: 1, clock: clock)
                let handler = TestMessageHandler()
                var settings = OutboxWorker.Settings()
                settings.concurrency = 3
                settings.sendBudgetSeconds = 295
                let worker = OutboxWorker(
                    queue: OutboxQueue(pool: database.pool, handler: handler, leaseSeconds: 300),
                    transport: transport, settings: settings, wakeSignal: WakeSignal(), clock: { clock.now },
                    logger: WorkerTestDatabase.logger)
                let draining = Task { try await worker.drainOneBatch() }
                // One message on the only connection, two waiting for it; the connection looks at a waiting
                // message's deadline when it is free again, so it is freed only once both deadlines have passed.
                try await eventually { transport.messagesInFlight == 1 && transport.messagesWaiting == 2 }
                clock.advance(seconds: 6)
                try server.releaseHeldData()
                #expect(try await draining.value == 3)
                await transport.shutdown()

                var states: [String: Int] = [:]
                for id in ids {
                    let row = try await database.row(id)
                    states[row.state, default: 0] += 1
                    #expect(!row.leased)
                    if row.state == "queued" { #expect(row.attempts == 0) }
                }
                #expect(states == ["sent": 1, "queued": 2])
                #expect(try server.storedMessageIds().count == 1)
                #expect(handler.results.filter { $0 == .released }.count == 2)
            }
        }
    }
}
