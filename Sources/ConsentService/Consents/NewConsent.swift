import ConsentRules
import Foundation

/// Builds the record of a newly captured consent from its validated draft and the merchant's rules.
enum NewConsent {
    static func record(
        draft: ConsentDraft, merchant: MerchantContext, calendar: HolidayCalendar, requestHash: String, now: Instant
    ) -> ConsentRecord {
        let activeAtOnce = draft.recurrenceId != nil
        return ConsentRecord(
            id: UUID.v7(at: now),
            merchantId: merchant.merchantId,
            status: activeAtOnce ? .active : .pending,
            requestHash: requestHash,
            draft: draft,
            disclosureSha256: Digest.sha256Hex(Array(draft.evidence.disclosureText.utf8)),
            initialPaymentId: nil,
            activatedAt: activeAtOnce ? now : nil,
            expiresAt: Deadlines.activationDeadline(createdAt: now, policy: merchant.policy),
            policyVersion: merchant.policy.version,
            confirmationDueBy: Deadlines.confirmationDueBy(
                acceptedAt: draft.evidence.acceptedAt, timeZone: merchant.timeZone, calendar: calendar,
                policy: merchant.policy),
            confirmationSentAt: nil,
            cancellation: nil,
            retainUntil: nil,
            legalHold: false,
            lastEventSeq: 0,
            lastEventHash: EventChain.genesisHash,
            createdAt: now,
            updatedAt: now)
    }

    /// The history a new consent starts with; one that arrives already paid is also activated at once.
    static func events(for consent: inout ConsentRecord, actor: String) -> [ConsentEvent] {
        let at = consent.createdAt
        var events = [
            ConsentEventLog.chain(
                "consent.created",
                data: .object([
                    "merchantReference": .string(consent.draft.merchantReference),
                    "requestHash": .string(consent.requestHash),
                    "disclosureSha256": .string(consent.disclosureSha256),
                    "disclosureVersion": .string(consent.draft.evidence.disclosureVersion),
                    "policyVersion": .integer(consent.policyVersion),
                    "confirmationDueBy": .string(consent.confirmationDueBy.iso),
                    "activationDeadline": .string(consent.expiresAt.rfc3339),
                ]),
                actor: actor, at: at, onto: &consent)
        ]
        if consent.status == .active {
            events.append(
                ConsentEventLog.chain(
                    "consent.activated",
                    data: .object(["recurrenceId": .optional(consent.draft.recurrenceId), "initialPaymentId": .null]),
                    actor: actor, at: at, onto: &consent))
        }
        return events
    }
}
