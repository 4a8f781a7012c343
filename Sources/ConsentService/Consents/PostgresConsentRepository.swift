import ConsentRules
import Foundation
import Notifier
import PGClient

struct PostgresConsentRepository: ConsentRepository {
    let pool: PGPool
    let calendars: CalendarRegistry
    let clock: AppClock
    let keyring: PersonalDataKeyring
    let metrics: ServiceMetrics
    /// Reads by id that arrive together share one statement, as validity questions do. Each reader decodes its
    /// own row, so that the decoding of a batch's rows runs on as many threads as there are readers.
    private let readsById: StatementBatcher<ConsentReadQuestion, PGRow>
    /// Captures without an Idempotency-Key that arrive together share the key lookup, then one insert.
    private let capturePrincipals: StatementBatcher<[UInt8], Principal>
    private let captures: StatementBatcher<PendingCapture, Bool>

    init(pool: PGPool, calendars: CalendarRegistry, clock: AppClock, keyring: PersonalDataKeyring, metrics: ServiceMetrics) {
        self.pool = pool
        self.calendars = calendars
        self.clock = clock
        self.keyring = keyring
        self.metrics = metrics
        readsById = StatementBatcher(pool: pool, concurrency: 2, maxBatch: 64) { connection, questions in
            try Self.read(questions, on: connection)
        }
        capturePrincipals = StatementBatcher(pool: pool, concurrency: 2, maxBatch: 128) { connection, keyHashes in
            try Authenticator.principals(keyHashes: keyHashes, on: connection, permission: .createConsent)
        }
        captures = StatementBatcher(pool: pool, concurrency: 2, maxBatch: ConsentCaptureStatement.maxRows) {
            connection, pending in
            ConsentCaptureStatement.insert(pending, keyring: keyring, on: connection)
        }
    }

    func capture(_ request: CaptureRequest) async throws -> StoredResponse {
        let now = clock.now()
        // Equal bodies, whatever their white space or key order, are the same request.
        let requestHash = Digest.sha256Hex(request.body.serialized())
        let response: StoredResponse
        if let key = request.idempotencyKey {
            response = try await capture(request, idempotencyKey: key, requestHash: requestHash, now: now)
        } else {
            // Concurrent captures share the key lookup and then the insert and its commit.
            let principal = try await capturePrincipals.answer(request.keyHash)
            let pending = try Self.prepare(
                request.body, principal: principal, calendars: calendars, requestHash: requestHash, now: now)
            if try await captures.answer(pending) {
                response = StoredResponse(
                    status: 201, body: ConsentRepresentation.json(pending.consent, terms: .original, now: now).serialized())
            } else {
                response = try await pool.withConnection { [keyring] connection in
                    try Self.existing(matching: pending.consent, now: now, keyring: keyring, on: connection)
                }
            }
        }
        if response.status == 201 { metrics.consentCaptured() }
        return response
    }

    private func capture(_ request: CaptureRequest, idempotencyKey key: String, requestHash: String, now: Instant)
        async throws -> StoredResponse
    {
        let calendars = self.calendars
        let keyring = self.keyring
        return try await pool.withConnection { connection in
            let principal = try Authenticator.principal(
                keyHash: request.keyHash, on: connection, permission: .createConsent)
            let merchant = principal.merchant
            let pending = try Self.prepare(
                request.body, principal: principal, calendars: calendars, requestHash: requestHash, now: now)
            return try connection.transaction { connection in
                let reserved = try connection.query(
                    ConsentQueries.reserveIdempotencyKey,
                    [merchant.merchantId, key, requestHash, now.rfc3339, IdempotencyRecords.expiredBefore(now).rfc3339])
                if reserved.rowCount == 0 {
                    return try Self.replay(
                        key: key, requestHash: requestHash, merchant: merchant, keyring: keyring, on: connection)
                }
                let response = try Self.insertOrMatch(pending, now: now, keyring: keyring, on: connection)
                // The response repeats the consumer's personal data, so it is kept sealed like the consent.
                let sealed = keyring.seal(
                    response.body, context: .idempotentResponse(merchantId: merchant.merchantId, key: key))
                _ = try connection.query(ConsentQueries.completeIdempotencyKey, [
                    merchant.merchantId, key, response.status, sealed.bytes, response.consentId, sealed.keyId,
                ])
                return response
            }
        }
    }

    /// The validated consent with its first events, ready to insert.
    private static func prepare(
        _ body: JSONValue, principal: Principal, calendars: CalendarRegistry, requestHash: String, now: Instant
    ) throws -> PendingCapture {
        let merchant = principal.merchant
        let draft = try validate(body, now: now, merchant: merchant)
        guard let calendar = calendars.calendar(for: merchant.country) else {
            throw ResourceError(message: "no business-day calendar for country \(merchant.country)")
        }
        var consent = NewConsent.record(
            draft: draft, merchant: merchant, calendar: calendar, requestHash: requestHash, now: now)
        let events = NewConsent.events(for: &consent, actor: principal.actor)
        return PendingCapture(
            consent: consent, events: events, confirmationId: consent.status == .active ? UUID.v7(at: now) : nil,
            capturedAt: now)
    }

    func consent(id: UUID, keyHash: [UInt8]) async throws -> JSONValue {
        let now = clock.now()
        let row = try await readsById.answer(ConsentReadQuestion(keyHash: keyHash, id: id, at: now))
        let (consent, terms) = try ConsentQueries.readable(row, permission: .readConsent, keyring: keyring)
        return ConsentRepresentation.json(consent, terms: terms, now: now)
    }

    func consent(merchantReference: String, keyHash: [UInt8]) async throws -> JSONValue {
        try await read(ConsentQueries.readByReference, keyHash: keyHash, merchantReference)
    }

    func consent(recurrenceId: String, keyHash: [UInt8]) async throws -> JSONValue {
        try await read(ConsentQueries.readByRecurrence, keyHash: keyHash, recurrenceId)
    }

    /// One page, with `nextAfter` when another follows.
    func list(_ query: ConsentListQuery, keyHash: [UInt8]) async throws -> JSONValue {
        let now = clock.now()
        let keyring = self.keyring
        return try await pool.withConnection { connection in
            let principal = try Authenticator.principal(keyHash: keyHash, on: connection, permission: .readConsent)
            let page = ConsentListing.page(
                query, merchantId: principal.merchant.merchantId, now: now, timeZone: principal.merchant.timeZone)
            // One row more than the page tells whether another page follows.
            let rows = try connection.query(page.statement, page.binds)
            var consents: [JSONValue] = []
            var last: UUID?
            for index in 0..<min(rows.rowCount, query.limit) {
                var cursor = RowCursor(rows[index])
                let consent = try ConsentRow.decode(&cursor, keyring: keyring)
                consents.append(
                    ConsentRepresentation.json(consent, terms: try ConsentTermsVersions.decode(&cursor), now: now))
                last = consent.id
            }
            let more = rows.rowCount > query.limit
            return ["consents": .array(consents), "nextAfter": more ? .optional(last?.lowercasedString) : .null]
        }
    }

    func activate(_ request: ActivationRequest) async throws -> JSONValue {
        let now = clock.now()
        let outcome = try await pool.withTransaction { connection -> ActivationOutcome in
            var (principal, consent) = try ConsentQueries.lockForChange(
                consentId: request.consentId, keyHash: request.keyHash, permission: .activateConsent, keyring: keyring, on: connection)
            switch consent.status {
            case .active where consent.draft.recurrenceId == request.recurrenceId:
                let terms = try ConsentTermsVersions.load(of: consent, at: now, on: connection)
                return .alreadyActive(ConsentRepresentation.json(consent, terms: terms, now: now))
            case .pending where now >= consent.expiresAt:
                // The window closed before the sweep noticed: record the expiry, then refuse.
                let months = try ConsentExpiry.retentionMonths(of: consent, on: connection)
                try ConsentExpiry.expire(
                    &consent, retentionMonths: months, timeZone: principal.merchant.timeZone, now: now, on: connection)
                return .expired
            case .pending:
                try Self.activate(&consent, request, actor: principal.actor, now: now, on: connection)
                let terms = try ConsentTermsVersions.load(of: consent, at: now, on: connection)
                return .activated(ConsentRepresentation.json(consent, terms: terms, now: now))
            default:
                throw APIError.invalidState(
                    "The consent is \(consent.status.rawValue)\(consent.status == .active ? " under another recurrenceId" : ""); only a pending consent can be activated.")
            }
        }
        switch outcome {
        case .alreadyActive(let json):
            return json
        case .activated(let json):
            metrics.consentActivated()
            return json
        case .expired:
            metrics.consentExpired()
            throw APIError.invalidState("The consent expired: it was not activated within its activation window.")
        }
    }

    private enum ActivationOutcome: Sendable {
        case activated(JSONValue)
        case alreadyActive(JSONValue)
        case expired
    }

    private static func read(_ questions: [ConsentReadQuestion], on connection: PGConnection) throws
        -> [Result<PGRow, any Error>]
    {
        try connection.query(
            ConsentQueries.readBatchById,
            [
                PGTextArray(questions.map { $0.keyHash.pgText }), PGTextArray(questions.map { $0.id.pgText }),
                // Questions that arrive together are answered at one instant: the latest asked.
                (questions.map(\.at).max() ?? Instant(microsecondsSinceEpoch: 0)).rfc3339,
            ]
        ).oneRowPerQuestion(asked: questions.count).map { .success($0) }
    }

    private func read(_ statement: PGStatement, keyHash: [UInt8], _ match: any PGBindable) async throws -> JSONValue {
        let now = clock.now()
        return try await pool.withConnection { connection in
            let (consent, terms) = try ConsentQueries.readable(
                statement, keyHash: keyHash, match: match, now: now, permission: .readConsent, keyring: keyring,
                on: connection)
            return ConsentRepresentation.json(consent, terms: terms, now: now)
        }
    }

    private static func validate(_ body: JSONValue, now: Instant, merchant: MerchantContext) throws -> ConsentDraft {
        switch ConsentDraftValidator.validate(body, now: now, today: now.localDate(in: merchant.timeZone)) {
        case .valid(let draft): return draft
        case .cardNumber: throw APIError.cardNumber
        case .invalid(let fields): throw APIError.validation(fields)
        }
    }

    private static func replay(
        key: String, requestHash: String, merchant: MerchantContext, keyring: PersonalDataKeyring,
        on connection: PGConnection
    ) throws -> StoredResponse {
        let stored = try connection.query(ConsentQueries.idempotentResponse, [merchant.merchantId, key])
        guard stored.rowCount == 1 else { throw StoredDataError(column: "idempotency_key") }
        let row = stored[0]
        guard try row.decode(String.self, 0) == requestHash else {
            throw APIError(
                status: .conflict, code: .idempotencyKeyReused,
                message: "This Idempotency-Key was already used with a different request body.")
        }
        let body: [UInt8] = try row.decode([UInt8].self, 2)
        guard let keyId = try row.decode(String?.self, 3) else {
            return StoredResponse(status: try row.decode(Int.self, 1), body: body)
        }
        let opened = try keyring.open(
            SealedValue(keyId: keyId, bytes: body),
            context: .idempotentResponse(merchantId: merchant.merchantId, key: key))
        return StoredResponse(status: try row.decode(Int.self, 1), body: opened)
    }

    /// Inserts the consent, or, when its merchantReference is taken, answers with the existing consent if it
    /// came from the same body.
    private static func insertOrMatch(
        _ pending: PendingCapture, now: Instant, keyring: PersonalDataKeyring, on connection: PGConnection
    ) throws -> StoredResponse {
        // DO NOTHING on any unique conflict waits for a concurrent twin to commit instead of failing.
        guard try ConsentCaptureStatement.run([pending], keyring: keyring, on: connection)[0] else {
            return try existing(matching: pending.consent, now: now, keyring: keyring, on: connection)
        }
        return StoredResponse(
            status: 201, body: ConsentRepresentation.json(pending.consent, terms: .original, now: now).serialized(),
            consentId: pending.consent.id)
    }

    /// The answer to a capture that a unique conflict kept out: the stored consent with its reference if it
    /// came from the same body, else the conflict.
    private static func existing(
        matching consent: ConsentRecord, now: Instant, keyring: PersonalDataKeyring, on connection: PGConnection
    ) throws -> StoredResponse {
        guard
            let existing = try ConsentQueries.one(
                ConsentQueries.byReference, [consent.merchantId, consent.draft.merchantReference],
                keyring: keyring, on: connection)
        else {
            throw APIError(
                status: .conflict, code: .duplicateRecurrenceId,
                message: "Another consent of this merchant already has this recurrenceId.")
        }
        guard existing.requestHash == consent.requestHash else {
            throw APIError(
                status: .conflict, code: .duplicateMerchantReference,
                message: "This merchantReference is already used by a consent with different content.")
        }
        let terms = try ConsentTermsVersions.load(of: existing, at: now, on: connection)
        return StoredResponse(
            status: 200, body: ConsentRepresentation.json(existing, terms: terms, now: now).serialized(),
            consentId: existing.id)
    }

    private static func activate(
        _ consent: inout ConsentRecord, _ request: ActivationRequest, actor: String, now: Instant,
        on connection: PGConnection
    ) throws {
        let draft = consent.draft
        consent.draft = ConsentDraft(
            merchantReference: draft.merchantReference, consumer: draft.consumer, terms: draft.terms,
            communication: draft.communication, card: draft.card, evidence: draft.evidence,
            recurrenceId: request.recurrenceId)
        consent.status = .active
        consent.initialPaymentId = request.initialPaymentId
        consent.activatedAt = now
        consent.updatedAt = now
        let event = ConsentEventLog.chain(
            "consent.activated",
            data: .object([
                "recurrenceId": .string(request.recurrenceId),
                "initialPaymentId": .optional(request.initialPaymentId),
            ]),
            actor: actor, at: now, onto: &consent)
        do {
            _ = try connection.query(ConsentQueries.activate, [
                consent.merchantId, consent.id, request.recurrenceId, request.initialPaymentId, now.rfc3339,
                consent.lastEventSeq, consent.lastEventHash,
            ])
        } catch let error as PGError where error.isUniqueViolation {
            throw APIError(
                status: .conflict, code: .duplicateRecurrenceId,
                message: "Another consent of this merchant already has this recurrenceId.")
        }
        try ConsentEventLog.write([event], of: consent, on: connection)
        try OutboxQueue.enqueue(
            .confirmation, id: UUID.v7(at: now), merchantId: consent.merchantId, consentId: consent.id, dueAt: now,
            on: connection)
    }
}

/// A read of one consent by id: whose key asks, and which consent.
struct ConsentReadQuestion: Sendable {
    let keyHash: [UInt8]
    let id: UUID
    /// When it was asked: which terms are in force depends on the day.
    let at: Instant
}
