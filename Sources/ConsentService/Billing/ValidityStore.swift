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
        var cursor = RowCursor(row)
        guard !cursor.isNullAhead else { throw APIError.unauthorized }
        let principal = try Authenticator.principal(from: &cursor, permission: .checkValidity)
        guard !cursor.isNullAhead else { throw APIError.consentNotFound }
        guard let storedStatus = try ConsentStatus(rawValue: cursor.next(String.self)) else {
            throw StoredDataError(column: "status")
        }
        let expiresAt = Instant(microsecondsSinceEpoch: try cursor.next())
        var terms = try ConsentRow.decodeTerms(&cursor)
        var card = try ConsentRow.decodeCard(&cursor)
        var noticeDays: Int = try cursor.next()
        let noticeSentAt: Int64? = try cursor.next()
        var amendmentNotice: DebitConsent.AmendmentNotice?
        if !cursor.isNullAhead {
            terms = try ConsentRow.decodeTerms(&cursor)
            let notified: Bool = try cursor.next()
            let amendmentNoticeSentAt: Int64? = try cursor.next()
            let amendmentNoticeDays: Int = try cursor.next()
            if notified {
                amendmentNotice = .init(sentAt: amendmentNoticeSentAt.map(Instant.init(microsecondsSinceEpoch:)))
                noticeDays = amendmentNoticeDays
            }
        } else {
            cursor.skip(ConsentRow.termsColumnCount + 3)
        }
        var cardClosed = false
        if !cursor.isNullAhead {
            card = try ConsentRow.decodeCard(&cursor)
            cardClosed = try cursor.next()
        }
        let status = storedStatus.effective(expiresAt: expiresAt, at: now)
        let decision = DebitValidity.decide(
            DebitConsent(
                status: status, terms: terms, card: card, noticeDays: noticeDays,
                timeZone: principal.merchant.timeZone, amendmentNotice: amendmentNotice, cardClosed: cardClosed),
            amount: debit.amount, date: debit.date,
            notices: noticeSentAt.map {
                [SentNotice(amount: debit.amount, date: debit.date, sentAt: Instant(microsecondsSinceEpoch: $0))]
            } ?? [],
            now: now)
        return [
            "valid": .bool(decision.valid),
            "reasons": .array(decision.reasons.map { .string($0.rawValue) }),
            "status": .string(status.rawValue),
            "earliestPermittedDate": decision.earliestPermittedDate.map { .string($0.iso) } ?? .null,
        ]
    }
}
