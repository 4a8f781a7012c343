import ConsentRules
import Foundation
import Synchronization
import PGClient
import Testing

@testable import Notifier

/// Serialized, and each test starts by clearing the messages earlier tests left: a claim takes every due
/// message, so one test's leftovers would be due for the next test's clock.
@Suite(.serialized) struct OutboxQueueTests {
    static func delivery(at instant: Instant) -> OutboxQueue.Delivery {
        .init(
            sentAt: instant, serverReply: "250 ok", messageId: "m@example.com", recipient: .plain("c@example.com"),
            subject: "s", language: "en", bodySHA256: String(repeating: "0", count: 64))
    }

    @Test func twoWorkersClaimEveryMessageExactlyOnce() async throws {
        let due = try #require(Instant(rfc3339: "1990-01-01T00:00:00Z"))
        let now = due.adding(seconds: 60)
        let merchant = try await NotifierTestDatabase.merchant(withMessages: 1000, dueAt: due)
        let pool = try await NotifierTestDatabase.pool.value
        let workers = [OutboxQueue(pool: pool, handler: QueueTestHandler()), OutboxQueue(pool: pool, handler: QueueTestHandler())]
        let claims = try await withThrowingTaskGroup(of: [ClaimedMessage].self) { group in
            for worker in workers {
                group.addTask {
                    var mine: [ClaimedMessage] = []
                    while true {
                        let batch = try await worker.claim(now: now, limit: 37)
                        if batch.isEmpty { return mine }
                        mine += batch
                        for message in batch {
                            #expect(try await worker.markSent(message, Self.delivery(at: now)))
                        }
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let ids = claims.flatMap { $0 }.filter { $0.merchantId == merchant }.map(\.id)
        #expect(ids.count == 1000)
        #expect(Set(ids).count == 1000)
        #expect(claims.allSatisfy { !$0.isEmpty }, "both workers took part")
        #expect(try await NotifierTestDatabase.states(of: merchant) == ["sent": 1000])
    }

    struct RefusedRecord: Error {}

    /// Records of messages sent together share a transaction; one the database refuses is written alone and
    /// fails alone, and the others are written all the same.
    @Test func recordsSentTogetherAreWrittenAndARefusedOneFailsAlone() async throws {
        let due = try #require(Instant(rfc3339: "1991-06-01T00:00:00Z"))
        let now = due.adding(seconds: 60)
        let merchant = try await NotifierTestDatabase.merchant(withMessages: 40, dueAt: due)
        let pool = try await NotifierTestDatabase.pool.value
        let refused = Mutex<UUID?>(nil)
        let queue = OutboxQueue(pool: pool, handler: QueueTestHandler { sent, connection in
            for message in sent.map(\.message) {
                // Written inside the record's transaction, so it is gone with a refused record.
                _ = try connection.query(
                    "UPDATE outbox SET last_error = 'recorded' WHERE merchant_id = $1 AND id = $2",
                    [message.merchantId, message.id])
                if message.id == refused.withLock({ $0 }) { throw RefusedRecord() }
            }
        })
        let claimed = try await queue.claim(now: now, limit: 100)
        #expect(claimed.count == 40)
        let refusedId = claimed[17].id
        refused.withLock { $0 = refusedId }
        let results = await withTaskGroup(of: (UUID, Bool?).self) { group in
            for message in claimed {
                group.addTask {
                    do {
                        let written = try await queue.markSent(message, Self.delivery(at: now))
                        return (message.id, written)
                    } catch {
                        return (message.id, nil)
                    }
                }
            }
            return await group.reduce(into: [UUID: Bool?]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 40)
        for (id, written) in results { #expect(written == (id == refusedId ? nil : true)) }
        #expect(try await NotifierTestDatabase.states(of: merchant) == ["sent": 39, "queued": 1])
        let marks = try await pool.withConnection { connection in
            try connection.query(
                """
                SELECT count(*) FILTER (WHERE last_error = 'recorded'),
                       count(*) FILTER (WHERE id = $2 AND state = 'queued' AND last_error IS NULL)
                FROM outbox WHERE merchant_id = $1
                """,
                [merchant, refusedId]
            ).map { (try $0.decode(Int.self, 0), try $0.decode(Int.self, 1)) }
        }
        #expect(marks.first?.0 == 39)
        #expect(marks.first?.1 == 1)
    }

    @Test func aStalledWorkersMessagesAreTakenOverOnlyAfterItsLease() async throws {
        let due = try #require(Instant(rfc3339: "1991-01-01T00:00:00Z"))
        let now = due.adding(seconds: 60)
        let merchant = try await NotifierTestDatabase.merchant(withMessages: 10, dueAt: due)
        let pool = try await NotifierTestDatabase.pool.value
        let stalled = OutboxQueue(pool: pool, handler: QueueTestHandler(), leaseSeconds: 120)
        let rescuer = OutboxQueue(pool: pool, handler: QueueTestHandler(), leaseSeconds: 120)

        let held = try await stalled.claim(now: now, limit: 100)
        #expect(held.count == 10)
        #expect(try await rescuer.claim(now: now.adding(seconds: 119), limit: 100).isEmpty)
        let taken = try await rescuer.claim(now: now.adding(seconds: 120), limit: 100)
        #expect(Set(taken.map(\.id)) == Set(held.map(\.id)))
        #expect(taken.allSatisfy { $0.attempts == 2 })

        // The stalled worker wakes up: none of its writes may land any more.
        for message in held {
            #expect(try await !stalled.markSent(message, Self.delivery(at: now)))
            #expect(try await !stalled.retry(message, at: now, error: "late", reply: nil))
        }
        for message in taken {
            #expect(try await rescuer.markSent(message, Self.delivery(at: now.adding(seconds: 121))))
        }
        #expect(try await NotifierTestDatabase.states(of: merchant) == ["sent": 10])
    }

    @Test func aRetriedMessageWaitsForItsNextAttemptAndAReleasedOneDoesNotCount() async throws {
        let due = try #require(Instant(rfc3339: "1992-01-01T00:00:00Z"))
        let now = due.adding(seconds: 60)
        _ = try await NotifierTestDatabase.merchant(withMessages: 2, dueAt: due)
        let pool = try await NotifierTestDatabase.pool.value
        let worker = OutboxQueue(pool: pool, handler: QueueTestHandler())

        let batch = try await worker.claim(now: now, limit: 10)
        #expect(batch.count == 2)
        let next = RetryPolicy.nextAttempt(after: batch[0].attempts, now: now, jitter: 0)
        #expect(next == now.adding(seconds: 30))
        #expect(try await worker.retry(batch[0], at: next, error: "451 try later", reply: "451 try later"))
        #expect(try await worker.release(batch[1]))

        let again = try await worker.claim(now: now, limit: 10)
        #expect(again.map(\.id) == [batch[1].id])
        #expect(again.first?.attempts == 1)
        let later = try await worker.claim(now: next, limit: 10)
        #expect(later.map(\.id) == [batch[0].id])
        #expect(later.first?.attempts == 2)
    }

    /// A worker whose claim's answer was lost gives back what that claim may have leased to it, and only that: the
    /// messages are claimable again at once, their attempt uncounted, and another worker's lease stands.
    @Test func leasesGivenBackAreClaimableAtOnceAndOtherWorkersKeepTheirs() async throws {
        let due = try #require(Instant(rfc3339: "1992-07-01T00:00:00Z"))
        let merchant = try await NotifierTestDatabase.merchant(withMessages: 3, dueAt: due)
        let pool = try await NotifierTestDatabase.pool.value
        let forgetful = OutboxQueue(pool: pool, handler: QueueTestHandler(), leaseSeconds: 300)
        let other = OutboxQueue(pool: pool, handler: QueueTestHandler(), leaseSeconds: 300)
        let now = due.adding(seconds: 60)
        let lost = try await forgetful.claim(now: now, limit: 2)
        let kept = try await other.claim(now: now, limit: 10)
        #expect(lost.count == 2)
        #expect(kept.count == 1)
        #expect(try await other.claim(now: now, limit: 10).isEmpty, "all three are leased")

        #expect(try await forgetful.releaseLeases() == 2)
        let again = try await other.claim(now: now, limit: 10)
        #expect(Set(again.map(\.id)) == Set(lost.map(\.id)))
        #expect(again.allSatisfy { $0.attempts == 1 }, "the lost claim's attempt does not count")
        #expect(try await forgetful.releaseLeases() == 0)
        #expect(try await NotifierTestDatabase.states(of: merchant) == ["queued": 3])
    }

    /// A message queued by a newer version, of a kind this one does not know, waits for a worker that does.
    @Test func aMessageOfAnUnknownKindIsNotClaimed() async throws {
        let due = try #require(Instant(rfc3339: "1992-06-01T00:00:00Z"))
        let merchant = try await NotifierTestDatabase.merchant(withMessages: 1, dueAt: due)
        let pool = try await NotifierTestDatabase.pool.value
        try await pool.withConnection { connection in
            _ = try connection.query(
                "INSERT INTO outbox (merchant_id, id, kind, due_at) VALUES ($1, gen_random_uuid(), 'from_a_newer_version', $2)",
                [merchant, due.rfc3339])
        }
        let worker = OutboxQueue(pool: pool, handler: QueueTestHandler())
        let claimed = try await worker.claim(now: due.adding(seconds: 60), limit: 10)
        #expect(claimed.map(\.kind) == [.confirmation])
        #expect(try await NotifierTestDatabase.states(of: merchant) == ["queued": 2])
    }

    @Test func aPermanentFailureEndsTheMessage() async throws {
        let due = try #require(Instant(rfc3339: "1993-01-01T00:00:00Z"))
        let merchant = try await NotifierTestDatabase.merchant(withMessages: 1, dueAt: due)
        let worker = OutboxQueue(pool: try await NotifierTestDatabase.pool.value, handler: QueueTestHandler())
        let batch = try await worker.claim(now: due, limit: 10)
        #expect(try await worker.markFailed(batch[0], error: "550 no such user", reply: "550 no such user"))
        #expect(try await worker.claim(now: due.adding(seconds: 86_400), limit: 10).isEmpty)
        #expect(try await NotifierTestDatabase.states(of: merchant) == ["failed": 1])
    }

    @Test(arguments: [(1, 30), (2, 60), (3, 120), (8, 3600), (20, 3600)])
    func backoffDoublesUpToAnHour(attempts: Int, seconds: Int64) throws {
        let now = try #require(Instant(rfc3339: "2026-01-01T00:00:00Z"))
        #expect(RetryPolicy.nextAttempt(after: attempts, now: now, jitter: 0) == now.adding(seconds: seconds))
        let jittered = RetryPolicy.nextAttempt(after: attempts, now: now)
        #expect(jittered >= now.adding(seconds: seconds * 8 / 10) && jittered <= now.adding(seconds: seconds * 12 / 10))
    }
}
