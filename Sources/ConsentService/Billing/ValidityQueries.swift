import ConsentRules
import Foundation
import PGClient

/// "May I take this debit?" for a batch of questions in one statement: per question, the caller's principal,
/// the consent's status, terms and card (no more: the answer needs nothing else, and never the consumer's
/// personal data), the notice period of the policy its deadlines came from, and the earliest sent notice for
/// exactly that amount and date. One row per question, in the questions' order.
enum ValidityQueries {
    /// `match` is the question's consent key in the statement (`a.match`) compared with the consent row `c`.
    static func statement(matchType: String, where condition: String) -> PGStatement {
        PGStatement(
            """
            SELECT principal.*, c.status, \(microseconds("c.expires_at")), \(ConsentRow.termsAndCardList(alias: "c")),
                   p.notice_days,
                   (SELECT \(microseconds("min(d.notice_sent_at)")) FROM debits d
                    WHERE d.merchant_id = c.merchant_id AND d.consent_id = c.id AND d.debit_date = a.debit_date
                      AND d.amount_minor = a.amount_minor AND d.currency = a.currency AND d.notice_sent_at IS NOT NULL)
            FROM unnest($1::bytea[], $2::\(matchType)[], $3::date[], $4::bigint[], $5::text[]) WITH ORDINALITY
                AS a(key_hash, match, debit_date, amount_minor, currency, n)
            LEFT JOIN LATERAL (\(Authenticator.principalSelect(keyHash: "a.key_hash"))) principal ON true
            LEFT JOIN consents c ON c.merchant_id = principal.merchant_id AND \(condition)
            LEFT JOIN merchant_policies p ON p.merchant_id = c.merchant_id AND p.version = c.policy_version
            ORDER BY a.n
            """, planning: .generic)
    }

    static let byId = statement(matchType: "uuid", where: "c.id = a.match")
    static let byRecurrence = statement(matchType: "text", where: "c.recurrence_id = a.match")
}

/// One "may I take this debit?" question: whose key asks, which consent, and the debit.
struct ValidityQuestion: Sendable {
    let keyHash: [UInt8]
    let match: String
    let debit: DebitRequest
}

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
        let terms = try ConsentRow.decodeTerms(&cursor)
        let card = try ConsentRow.decodeCard(&cursor)
        let noticeDays: Int = try cursor.next()
        let noticeSentAt: Int64? = try cursor.next()
        let status = ConsentRecord.effectiveStatus(storedStatus, expiresAt: expiresAt, at: now)
        let decision = DebitValidity.decide(
            DebitConsent(
                status: status, terms: terms, card: card, noticeDays: noticeDays,
                timeZone: principal.merchant.timeZone),
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
