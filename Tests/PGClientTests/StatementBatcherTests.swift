import Foundation
import Synchronization
import Testing

@testable import PGClient
import TestSupport

/// `StatementBatcher` against the real database: lookups that arrive while a batch runs go together in the next.
@Suite struct StatementBatcherTests {
    /// Doubles each number in SQL, and records each batch's size.
    final class Doubler: Sendable {
        let batchSizes = Mutex<[Int]>([])
        let firstBatchMayFinish = DispatchSemaphore(value: 0)

        func run(_ connection: PGConnection, _ numbers: [Int]) throws -> [Result<Int, any Error>] {
            let isFirst = batchSizes.withLock { sizes in
                sizes.append(numbers.count)
                return sizes.count == 1
            }
            if isFirst { firstBatchMayFinish.wait() }
            let result = try connection.query(
                "SELECT n * 2 FROM unnest($1::int[]) WITH ORDINALITY AS a(n, i) ORDER BY i",
                [PGTextArray(numbers.map { String($0) })])
            return try (0..<result.rowCount).map { index in
                let doubled = try result[index].decode(Int.self, 0)
                return doubled == 14 ? .failure(SevenIsRefused()) : .success(doubled)
            }
        }
    }

    struct SevenIsRefused: Error {}

    @Test func lookupsArrivingDuringABatchGoTogetherAndEachGetsItsOwnAnswer() async throws {
        try await TestDatabase.withPool { pool in try await Self.batchesLookupsArrivingTogether(pool) }
    }

    static func batchesLookupsArrivingTogether(_ pool: PGPool) async throws {
        let doubler = Doubler()
        let batcher = StatementBatcher<Int, Int>(pool: pool, concurrency: 1, maxBatch: 16, run: doubler.run)
        try await withThrowingTaskGroup(of: (Int, Int?).self) { group in
            group.addTask { (1, try await batcher.answer(1)) }
            while doubler.batchSizes.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
            for number in 2...40 {
                group.addTask {
                    do { return (number, try await batcher.answer(number)) } catch is SevenIsRefused { return (number, nil) }
                }
            }
            while batcher.waitingCount < 39 { try await Task.sleep(for: .milliseconds(5)) }
            doubler.firstBatchMayFinish.signal()
            var answers: [Int: Int?] = [:]
            for try await (number, answer) in group { answers[number] = answer }
            #expect(answers.count == 40)
            for number in 1...40 { #expect(answers[number] == (number == 7 ? nil : number * 2)) }
        }
        // One alone, then the 39 that waited in batches of at most 16.
        #expect(doubler.batchSizes.withLock { $0 } == [1, 16, 16, 7])
    }

    @Test func aFailedStatementFailsEveryLookupOfItsBatchAndTheNextBatchRunsAgain() async throws {
        try await TestDatabase.withPool { pool in try await Self.aFailedStatementFailsItsBatchOnly(pool) }
    }

    static func aFailedStatementFailsItsBatchOnly(_ pool: PGPool) async throws {
        let batcher = StatementBatcher<String, Int>(pool: pool, concurrency: 1, maxBatch: 8) { connection, texts in
            let result = try connection.query(
                "SELECT t::int FROM unnest($1::text[]) WITH ORDINALITY AS a(t, i) ORDER BY i", [PGTextArray(texts)])
            return try (0..<result.rowCount).map { .success(try result[$0].decode(Int.self, 0)) }
        }
        await #expect(throws: PGError.self) { try await batcher.answer("not a number") }
        #expect(try await batcher.answer("12") == 12)
    }
}
