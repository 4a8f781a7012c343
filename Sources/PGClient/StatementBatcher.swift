import Synchronization

/// Serves many concurrent requests of one kind (lookups, or captures to insert) with few statements: a
/// request that arrives while `concurrency` batches are already at the database waits for the next batch and
/// goes with every other request that arrived meanwhile (at most `maxBatch`).
///
/// Nothing waits on a timer: a request on an idle service goes at once, alone. Under load, one statement and
/// one pool hop (and, for writes, one commit) serve a whole batch, which is what lets the service answer more
/// requests per second than the database runs single statements. Each batch's statement starts after each of
/// its requests arrived, so an answer is never older than its question: a change committed before a lookup
/// arrives is always seen. A write is answered only once its batch has committed.
public final class StatementBatcher<Question: Sendable, Answer: Sendable>: Sendable {
    /// Answers `questions` on one connection, one result per question in the same order.
    public typealias Run = @Sendable (PGConnection, [Question]) throws -> [Result<Answer, any Error>]

    private struct Waiting {
        let question: Question
        let continuation: UnsafeContinuation<Answer, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var running = 0
    }

    private let pool: PGPool
    private let concurrency: Int
    private let maxBatch: Int
    private let run: Run
    private let state = Mutex(State())

    public init(pool: PGPool, concurrency: Int, maxBatch: Int, run: @escaping Run) {
        precondition(concurrency > 0 && maxBatch > 0, "a batcher needs room for one request")
        self.pool = pool
        self.concurrency = concurrency
        self.maxBatch = maxBatch
        self.run = run
    }

    public func answer(_ question: Question) async throws -> Answer {
        // Unchecked: `drain` resumes each waiting request exactly once (its answer or the batch's error), and the
        // checked variant's bookkeeping showed in the cost of every lookup.
        try await withUnsafeThrowingContinuation { continuation in
            let startsBatch = state.withLock { state in
                state.waiting.append(Waiting(question: question, continuation: continuation))
                guard state.running < concurrency else { return false }
                state.running += 1
                return true
            }
            // A batch outlives the request that started it, since it carries other requests too.
            if startsBatch { Task { await self.drain() } }
        }
    }

    /// How many requests wait for a batch: for tests that need a state reached rather than a guessed delay.
    public var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Sends batches until nobody is waiting.
    private func drain() async {
        while let batch = nextBatch() {
            do {
                // A closure, not `\.question`: a key path into a generic type is built at run time on every call.
                let questions = batch.map { $0.question }
                let results = try await pool.withConnection { connection in try self.run(connection, questions) }
                guard results.count == batch.count else {
                    throw BatchAnswerCountError(asked: batch.count, answered: results.count)
                }
                for (waiting, result) in zip(batch, results) { waiting.continuation.resume(with: result) }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
    }

    private func nextBatch() -> [Waiting]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.running -= 1
                return nil
            }
            let count = min(maxBatch, state.waiting.count)
            let batch = Array(state.waiting.prefix(count))
            state.waiting.removeFirst(count)
            return batch
        }
    }
}

/// A batch's statement gave a different number of answers than it had requests: a defect in its SQL.
public struct BatchAnswerCountError: Error, CustomStringConvertible {
    public let asked: Int
    public let answered: Int

    public init(asked: Int, answered: Int) {
        self.asked = asked
        self.answered = answered
    }

    public var description: String { "a batch of \(asked) got \(answered) answers" }
}
