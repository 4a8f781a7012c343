import ConsentRules
import Foundation
import Notifier
import PGClient

/// Cancels consents. One transaction makes the consent cancelled, withdraws every notice still queued for it,
/// queues the cancellation confirmation and appends `consent.cancelled`, so from the commit on every validity
/// check answers `cancelled` and no further notice goes out.
struct CancellationStore: Sendable {
    let pool: PGPool
    let clock: AppClock
    let keyring: PersonalDataKeyring
    let metrics: ServiceMetrics

    static let cancel = PGStatement(
        """
        UPDATE consents
        SET status = 'cancelled', cancel_requested_by = $3, cancel_requested_at = $4, cancel_effective_at = $5,
            cancel_reason = $6, retain_until = $7::date, last_event_seq = $8, last_event_hash = $9, updated_at = $5
        WHERE merchant_id = $1 AND id = $2
        """)

    /// Cancels the consent (or finds it cancelled already) and answers with it.
    func cancel(consentId: UUID, input: CancellationInput, keyHash: [UInt8]) async throws -> JSONValue {
        let now = clock.now()
        let (json, cancelledNow) = try await pool.withTransaction { connection -> (JSONValue, Bool) in
            var (principal, consent) = try ConsentQueries.lockForChange(
                consentId: consentId, keyHash: keyHash, permission: .cancelConsent, keyring: keyring, on: connection)
            switch consent.effectiveStatus(at: now) {
            case .cancelled:
                // Repeating a cancellation answers with the one recorded.
                let terms = try ConsentTermsVersions.load(of: consent, at: now, on: connection)
                return (ConsentRepresentation.json(consent, terms: terms, now: now), false)
            case .completed, .expired:
                throw APIError.invalidState(
                    "The consent is \(consent.effectiveStatus(at: now).rawValue); only a pending or active consent can be cancelled.")
            case .pending, .active:
                try Self.cancel(
                    &consent, input, actor: principal.actor, timeZone: principal.merchant.timeZone, now: now,
                    on: connection)
                let terms = try ConsentTermsVersions.load(of: consent, at: now, on: connection)
                return (ConsentRepresentation.json(consent, terms: terms, now: now), true)
            }
        }
        if cancelledNow { metrics.consentCancelled() }
        return json
    }

    /// The consumer's own cancellation from the link in an email: the token was verified by the caller.
    func cancelFromLink(_ subject: CancelToken.Subject, timeZone: TimeZone) async throws -> ConsentRecord? {
        let now = clock.now()
        let (consent, cancelledNow) = try await pool.withTransaction { connection -> (ConsentRecord?, Bool) in
            guard
                var consent = try ConsentQueries.one(
                    ConsentQueries.byIdForUpdate, [subject.merchantId, subject.consentId], keyring: keyring, on: connection)
            else { return (nil, false) }
            switch consent.effectiveStatus(at: now) {
            case .pending, .active:
                try Self.cancel(
                    &consent, CancellationInput(requestedBy: "consumer", reason: nil, requestedAt: nil),
                    actor: "consumer:cancel-link", timeZone: timeZone, now: now, on: connection)
                return (consent, true)
            case .cancelled, .completed, .expired:
                return (consent, false)
            }
        }
        if cancelledNow { metrics.consentCancelled() }
        return consent
    }

    static func cancel(
        _ consent: inout ConsentRecord, _ input: CancellationInput, actor: String, timeZone: TimeZone, now: Instant,
        on connection: PGConnection
    ) throws {
        let months = try ConsentExpiry.retentionMonths(of: consent, on: connection)
        let lastPaid = try ConsentExpiry.lastApprovedPayment(of: consent, timeZone: timeZone, on: connection)
        let retainUntil = Retention.retainUntil(
            lastApprovedPayment: lastPaid, endedOn: now.localDate(in: timeZone), months: months)
        let requestedAt = input.requestedAt ?? now
        var withdrawn = 0
        for kind in [OutboxKind.notice, .amendmentNotice] {
            withdrawn += try OutboxQueue.withdrawQueued(
                kind, merchantId: consent.merchantId, consentId: consent.id, reason: "the consent was cancelled",
                now: now, on: connection)
        }
        try OutboxQueue.enqueue(
            .cancellation, id: UUID.v7(at: now), merchantId: consent.merchantId, consentId: consent.id, dueAt: now,
            on: connection)
        let event = ConsentEventLog.chain(
            "consent.cancelled",
            data: [
                "requestedBy": .string(input.requestedBy), "requestedAt": .string(requestedAt.rfc3339),
                "effectiveAt": .string(now.rfc3339), "reason": input.reason.map(JSONValue.string) ?? .null,
                "retainUntil": .string(retainUntil.iso), "noticesWithdrawn": .integer(withdrawn),
            ],
            actor: actor, at: now, onto: &consent)
        try ConsentEventLog.write([event], of: consent, on: connection)
        _ = try connection.query(cancel, [
            consent.merchantId, consent.id, input.requestedBy, requestedAt.rfc3339, now.rfc3339, input.reason,
            retainUntil.iso, consent.lastEventSeq, consent.lastEventHash,
        ])
        consent.status = .cancelled
        consent.cancellation = .init(
            requestedBy: input.requestedBy, requestedAt: requestedAt, effectiveAt: now, reason: input.reason)
        consent.retainUntil = retainUntil
        consent.updatedAt = now
    }
}
