import ConsentRules
import Foundation
import Notifier
import PGClient

/// Changes a consent's terms from a date on, lists its versions, and withdraws a change not yet in force. Each
/// change is one transaction with the consent locked: the new version, its message to the consumer (a notice or
/// a confirmation) and the `consent.amended` event commit together.
struct AmendmentStore: Sendable {
    let pool: PGPool
    let clock: AppClock
    let calendars: CalendarRegistry
    let keyring: PersonalDataKeyring

    func amend(consentId: UUID, body: JSONValue, keyHash: [UInt8]) async throws -> JSONValue {
        let now = clock.now()
        return try await pool.withTransaction { connection in
            let (principal, consent) = try ConsentQueries.lockForChange(
                consentId: consentId, keyHash: keyHash, permission: .amendConsent, keyring: keyring, on: connection)
            let merchant = principal.merchant
            let today = now.localDate(in: merchant.timeZone)
            let status = consent.effectiveStatus(at: now)
            guard status == .active || status == .pending else {
                throw APIError.invalidState("The consent is \(status.rawValue); only a pending or active consent can be amended.")
            }
            let state = try ConsentTermsVersions.load(
                merchantId: consent.merchantId, consentId: consent.id, day: today, on: connection)
            if let pending = state.pending {
                throw APIError.amendmentPending(
                    version: pending.version, effectiveFrom: pending.effectiveFrom, pending: pending.json)
            }
            let draft = try Self.validate(
                body, current: state.terms(of: consent), now: now, today: today, policy: merchant.policy)
            let amendmentId = UUID.v7(at: now)
            let version = try connection.query(AmendmentRow.nextVersion, [consent.merchantId, consent.id])[0]
                .decode(Int.self, 0)
            let messageId = UUID.v7(at: now)
            var confirmationDueBy: LocalDate?
            if let evidence = draft.evidence {
                guard let calendar = calendars.calendar(for: merchant.country) else {
                    throw ResourceError(message: "no business-day calendar for country \(merchant.country)")
                }
                confirmationDueBy = Deadlines.confirmationDueBy(
                    acceptedAt: evidence.acceptedAt, timeZone: merchant.timeZone, calendar: calendar,
                    policy: merchant.policy)
            }
            let sealed = draft.evidence.map {
                keyring.seal(
                    AmendmentRow.sealedEvidence($0),
                    context: .amendment(merchantId: consent.merchantId, amendmentId: amendmentId))
            }
            let disclosureSha256 = draft.evidence.map { Digest.sha256Hex(Array($0.disclosureText.utf8)) }
            let leading: [any PGBindable] = [
                consent.merchantId, consent.id, version, amendmentId, draft.consent.rawValue, draft.effectiveFrom.iso,
                draft.reason, PGTextArray(draft.changed),
            ]
            let trailing: [any PGBindable] = [
                draft.evidence?.acceptedAt.rfc3339, sealed?.bytes, sealed?.keyId, draft.evidence?.disclosureText,
                draft.evidence?.disclosureVersion, disclosureSha256, confirmationDueBy?.iso,
                draft.consent == .agreed ? messageId : nil, draft.consent == .notified ? messageId : nil,
                merchant.policy.noticeDays, merchant.policy.version, now.rfc3339, principal.actor,
            ]
            _ = try connection.query(AmendmentRow.insert, leading + ConsentRow.termsBinds(draft.terms) + trailing)
            try OutboxQueue.enqueue(
                draft.consent == .agreed ? .amendmentConfirmation : .amendmentNotice, id: messageId,
                merchantId: consent.merchantId, consentId: consent.id, dueAt: now,
                payload: ["amendmentId": .string(amendmentId.lowercasedString)], on: connection)
            var head = ConsentChainHead(of: consent)
            var data: [String: JSONValue] = [
                "amendmentId": .string(amendmentId.lowercasedString), "version": .integer(version),
                "consent": .string(draft.consent.rawValue), "effectiveFrom": .string(draft.effectiveFrom.iso),
                "reason": .string(draft.reason), "changed": .array(draft.changed.map(JSONValue.string)),
                "terms": ConsentRepresentation.terms(draft.terms), "policyVersion": .integer(merchant.policy.version),
            ]
            if let evidence = draft.evidence, let disclosureSha256, let confirmationDueBy {
                data["acceptedAt"] = .string(evidence.acceptedAt.rfc3339)
                data["disclosureSha256"] = .string(disclosureSha256)
                data["disclosureVersion"] = .string(evidence.disclosureVersion)
                data["confirmationDueBy"] = .string(confirmationDueBy.iso)
            }
            try head.append("consent.amended", data: .object(data), actor: principal.actor, at: now, on: connection)
            let stored = try Self.stored(consent, amendmentId: amendmentId, keyring: keyring, on: connection)
            return stored.json(today: today, inForce: draft.effectiveFrom <= today ? version : state.version)
        }
    }

    /// Every version, the consent's own first.
    func versions(consentId: UUID, keyHash: [UInt8]) async throws -> JSONValue {
        let now = clock.now()
        return try await pool.withConnection { connection in
            let principal = try Authenticator.principal(keyHash: keyHash, on: connection, permission: .readConsent)
            guard
                let consent = try ConsentQueries.one(
                    ConsentQueries.byId, [principal.merchant.merchantId, consentId], keyring: keyring, on: connection)
            else { throw APIError.consentNotFound }
            return try AmendmentVersions.json(
                consent, today: now.localDate(in: principal.merchant.timeZone),
                timeZone: principal.merchant.timeZone, keyring: keyring, on: connection)
        }
    }

    /// Withdraws a version not yet in force. Its message is withdrawn too while still queued; once it may have
    /// reached the consumer, they are told the change will not happen.
    func withdraw(consentId: UUID, amendmentId: UUID, keyHash: [UInt8]) async throws -> JSONValue {
        let now = clock.now()
        return try await pool.withTransaction { connection in
            let (principal, consent) = try ConsentQueries.lockForChange(
                consentId: consentId, keyHash: keyHash, permission: .amendConsent, keyring: keyring, on: connection)
            let today = now.localDate(in: principal.merchant.timeZone)
            let existing = try Self.stored(consent, amendmentId: amendmentId, keyring: keyring, on: connection)
            guard existing.withdrawnAt == nil else {
                let state = try ConsentTermsVersions.load(
                    merchantId: consent.merchantId, consentId: consent.id, day: today, on: connection)
                return existing.json(today: today, inForce: state.version)
            }
            guard existing.effectiveFrom > today else {
                throw APIError.invalidState("Version \(existing.version) is in force already; amend the consent again instead.")
            }
            _ = try connection.query(
                AmendmentRow.withdraw, [consent.merchantId, consent.id, amendmentId, now.rfc3339, principal.actor])
            let kind: OutboxKind = existing.consent == .notified ? .amendmentNotice : .amendmentConfirmation
            let stillQueued = try OutboxQueue.withdrawQueued(
                kind, merchantId: consent.merchantId, consentId: consent.id,
                reason: "the amendment was withdrawn", now: now, on: connection)
            // Told unless the message never left: withdrawn just now, or failed for good earlier.
            let messageState = existing.consent == .notified ? existing.noticeState : existing.confirmationState
            let consumerTold = stillQueued == 0 && messageState != "failed" && messageState != "withdrawn"
            if consumerTold {
                try OutboxQueue.enqueue(
                    .amendmentWithdrawn, id: UUID.v7(at: now), merchantId: consent.merchantId,
                    consentId: consent.id, dueAt: now, payload: ["amendmentId": .string(amendmentId.lowercasedString)],
                    on: connection)
            }
            var head = ConsentChainHead(of: consent)
            try head.append(
                "amendment.withdrawn",
                data: [
                    "amendmentId": .string(amendmentId.lowercasedString), "version": .integer(existing.version),
                    "consumerTold": .bool(consumerTold),
                ],
                actor: principal.actor, at: now, on: connection)
            let state = try ConsentTermsVersions.load(
                merchantId: consent.merchantId, consentId: consent.id, day: today, on: connection)
            let withdrawn = try Self.stored(consent, amendmentId: amendmentId, keyring: keyring, on: connection)
            return withdrawn.json(today: today, inForce: state.version)
        }
    }

    private static func stored(
        _ consent: ConsentRecord, amendmentId: UUID, keyring: PersonalDataKeyring, on connection: PGConnection
    ) throws -> StoredAmendment {
        let result = try connection.query(AmendmentRow.list, [consent.merchantId, consent.id, amendmentId])
        guard result.rowCount == 1 else { throw APIError.amendmentNotFound }
        return try StoredAmendment.decode(result[0], merchantId: consent.merchantId, keyring: keyring)
    }

    private static func validate(
        _ body: JSONValue, current: Terms, now: Instant, today: LocalDate, policy: MerchantPolicy
    ) throws -> AmendmentDraft {
        let context = AmendmentValidator.Context(
            current: current, now: now, today: today, noticeDays: policy.noticeDays,
            increasesByNotice: policy.increasesByNotice)
        switch AmendmentValidator.validate(body, context) {
        case .valid(let draft): return draft
        case .cardNumber: throw APIError.cardNumber
        case .invalid(let fields): throw APIError.validation(fields)
        case .tooSoon(let earliest): throw APIError.effectiveTooSoon(earliest: earliest, noticeDays: policy.noticeDays)
        case .consumerConsentRequired(let fields): throw APIError.consumerConsentRequired(fields)
        }
    }
}
