import ConsentRules
import Foundation
import PGClient

/// Payments billing took (or had declined), recorded once per paymentId with their events; a final approved
/// payment completes its consent, and a payment on a cancelled consent is kept and flagged.
struct PaymentStore: Sendable {
    let pool: PGPool
    let clock: AppClock
    let keyring: PersonalDataKeyring
    let metrics: ServiceMetrics

    static let existing = PGStatement(
        """
        SELECT consent_id, request_hash, amount_minor, currency, \(microseconds("executed_at")), status, final,
               after_cancellation, \(microseconds("recorded_at"))
        FROM payments WHERE merchant_id = $1 AND payment_id = $2
        """)

    static let insert = PGStatement(
        """
        INSERT INTO payments (merchant_id, payment_id, consent_id, amount_minor, currency, executed_at, status, final,
                              after_cancellation, request_hash, recorded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """)

    static let complete = PGStatement(
        """
        UPDATE consents SET status = 'completed', retain_until = $3::date, last_event_seq = $4, last_event_hash = $5,
                            updated_at = $6
        WHERE merchant_id = $1 AND id = $2
        """)

    static let moveHead = PGStatement(
        """
        UPDATE consents SET last_event_seq = $3, last_event_hash = $4, updated_at = $5, retain_until = $6::date
        WHERE merchant_id = $1 AND id = $2
        """)

    struct Outcome: Sendable {
        let json: JSONValue
        let created: Bool
        let afterCancellation: Bool
    }

    func record(consentId: UUID, input: PaymentInput, keyHash: [UInt8]) async throws -> Outcome {
        let now = clock.now()
        let outcome = try await pool.withTransaction { connection -> Outcome in
            var (principal, consent) = try ConsentQueries.lockForChange(
                consentId: consentId, keyHash: keyHash, permission: .recordPayment, keyring: keyring, on: connection)
            let merchant = principal.merchant
            let stored = try connection.query(Self.existing, [merchant.merchantId, input.paymentId])
            if stored.rowCount == 1 {
                let row = stored[0]
                guard try row.decode(UUID.self, 0) == consentId, try row.decode(String.self, 1) == input.requestHash
                else {
                    throw APIError(
                        status: .conflict, code: .paymentIdReused,
                        message: "This paymentId was already recorded with other details.")
                }
                return Outcome(
                    json: Self.json(input, consentId: consentId, afterCancellation: try row.decode(Bool.self, 7),
                        recordedAt: Instant(microsecondsSinceEpoch: try row.decode(Int64.self, 8)), consent: consent, now: now),
                    created: false, afterCancellation: false)
            }
            guard input.amount.currency == consent.draft.terms.currency else {
                throw APIError.validation(
                    "currency", "must be the consent's currency, \(consent.draft.terms.currency.code)")
            }
            let afterCancellation = consent.status == .cancelled
            let today = now.localDate(in: merchant.timeZone)
            let executedOn = input.executedAt.localDate(in: merchant.timeZone)
            // A payment on a consent that has ended is evidence in its own right: the record is kept the full
            // period from now, whatever the payment's status.
            var movedRetention: LocalDate?
            if let current = consent.retainUntil {
                let months = try ConsentExpiry.retentionMonths(of: consent, on: connection)
                let moved = Retention.retainUntil(
                    extending: current, paymentExecutedOn: executedOn, recordedOn: today, months: months)
                if moved != current { movedRetention = moved }
            }
            _ = try connection.query(Self.insert, [
                merchant.merchantId, input.paymentId, consentId, input.amount.minorUnits, input.amount.currency.code,
                input.executedAt.rfc3339, input.approved ? "approved" : "declined", input.final, afterCancellation,
                input.requestHash, now.rfc3339,
            ])
            var recorded: [String: JSONValue] = [
                "paymentId": .string(input.paymentId), "amount": .string(input.amount.decimalString),
                "currency": .string(input.amount.currency.code), "executedAt": .string(input.executedAt.rfc3339),
                "status": .string(input.approved ? "approved" : "declined"), "final": .bool(input.final),
            ]
            if let movedRetention { recorded["retainUntil"] = .string(movedRetention.iso) }
            var events = [
                ConsentEventLog.chain(
                    "payment.recorded", data: .object(recorded), actor: principal.actor, at: now, onto: &consent)
            ]
            if afterCancellation {
                events.append(
                    ConsentEventLog.chain(
                        "payment.after_cancellation",
                        data: [
                            "paymentId": .string(input.paymentId),
                            "cancellationEffectiveAt": consent.cancellation.map { .string($0.effectiveAt.rfc3339) } ?? .null,
                        ],
                        actor: principal.actor, at: now, onto: &consent))
            }
            if input.final, input.approved, consent.status == .active {
                let months = try ConsentExpiry.retentionMonths(of: consent, on: connection)
                let retainUntil = Retention.retainUntil(lastApprovedPayment: executedOn, endedOn: today, months: months)
                events.append(
                    ConsentEventLog.chain(
                        "consent.completed",
                        data: ["finalPaymentId": .string(input.paymentId), "retainUntil": .string(retainUntil.iso)],
                        actor: principal.actor, at: now, onto: &consent))
                consent.status = .completed
                consent.retainUntil = retainUntil
                try ConsentEventLog.write(events, of: consent, on: connection)
                _ = try connection.query(Self.complete, [
                    consent.merchantId, consent.id, retainUntil.iso, consent.lastEventSeq, consent.lastEventHash,
                    now.rfc3339,
                ])
            } else {
                if let movedRetention { consent.retainUntil = movedRetention }
                try ConsentEventLog.write(events, of: consent, on: connection)
                _ = try connection.query(Self.moveHead, [
                    consent.merchantId, consent.id, consent.lastEventSeq, consent.lastEventHash, now.rfc3339,
                    consent.retainUntil?.iso,
                ])
            }
            return Outcome(
                json: Self.json(
                    input, consentId: consentId, afterCancellation: afterCancellation, recordedAt: now, consent: consent,
                    now: now),
                created: true, afterCancellation: afterCancellation)
        }
        if outcome.afterCancellation { metrics.paymentAfterCancellation() }
        return outcome
    }

    static func json(
        _ input: PaymentInput, consentId: UUID, afterCancellation: Bool, recordedAt: Instant, consent: ConsentRecord,
        now: Instant
    ) -> JSONValue {
        [
            "paymentId": .string(input.paymentId), "consentId": .string(consentId.lowercasedString),
            "amount": .string(input.amount.decimalString), "currency": .string(input.amount.currency.code),
            "executedAt": .string(input.executedAt.rfc3339), "status": .string(input.approved ? "approved" : "declined"),
            "final": .bool(input.final), "afterCancellation": .bool(afterCancellation),
            "recordedAt": .string(recordedAt.rfc3339),
            "consentStatus": .string(consent.effectiveStatus(at: now).rawValue),
        ]
    }
}
