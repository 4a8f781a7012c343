import ConsentRules
import Foundation
import PGClient

/// Answers validity questions from storage; no writes, ever. Concurrent questions share statements
/// (`StatementBatcher`), so the answer rate is not bound by the database's rate of single statements.
struct ValidityStore: Sendable {
    private let byId: StatementBatcher<ValidityQuestion, JSONValue>
    private let byRecurrence: StatementBatcher<ValidityQuestion, JSONValue>

    /// Two batches per kind at the database at once: one is formed while the other runs, and more would only
    /// split the same questions into smaller batches.
    init(pool: PGPool, clock: AppClock, concurrency: Int = 2, maxBatch: Int = 128) {
        byId = StatementBatcher(pool: pool, concurrency: concurrency, maxBatch: maxBatch) { connection, questions in
            try Self.answer(questions, with: ValidityQueries.byId, on: connection, at: clock.now())
        }
        byRecurrence = StatementBatcher(pool: pool, concurrency: concurrency, maxBatch: maxBatch) {
            connection, questions in
            try Self.answer(questions, with: ValidityQueries.byRecurrence, on: connection, at: clock.now())
        }
    }

    func decide(consentId: UUID, debit: DebitRequest, keyHash: [UInt8]) async throws -> JSONValue {
        try await byId.answer(
            ValidityQuestion(keyHash: keyHash, match: consentId.lowercasedString, debit: debit))
    }

    func decide(recurrenceId: String, debit: DebitRequest, keyHash: [UInt8]) async throws -> JSONValue {
        try await byRecurrence.answer(ValidityQuestion(keyHash: keyHash, match: recurrenceId, debit: debit))
    }

    private static func answer(
        _ questions: [ValidityQuestion], with statement: PGStatement, on connection: PGConnection, at now: Instant
    ) throws -> [Result<JSONValue, any Error>] {
        let result = try connection.query(
            statement,
            [
                PGTextArray(questions.map { $0.keyHash.pgText }),
                PGTextArray(questions.map { $0.match }),
                PGTextArray(questions.map { $0.debit.date.iso }),
                PGTextArray(questions.map { String($0.debit.amount.minorUnits) }),
                PGTextArray(questions.map { $0.debit.amount.currency.code }),
            ]
        ).oneRowPerQuestion(asked: questions.count)
        return questions.indices.map { index in
            Result { try decide(questions[index].debit, from: result[index], at: now) }
        }
    }

    private static func decide(_ debit: DebitRequest, from row: PGRow, at now: Instant) throws -> JSONValue {
        let facts = try ValidityFacts(row, permission: .checkValidity)
        let status = facts.storedStatus.effective(expiresAt: facts.expiresAt, at: now)
        let decision = DebitValidity.decide(
            facts.consent(status: status), amount: debit.amount, date: debit.date, notices: facts.notices(for: debit),
            now: now)
        return [
            "valid": .bool(decision.valid),
            "reasons": .array(decision.reasons.map { .string($0.rawValue) }),
            "status": .string(status.rawValue),
            "earliestPermittedDate": decision.earliestPermittedDate.map { .string($0.iso) } ?? .null,
        ]
    }
}
