import ConsentRules
import Foundation
import PGClient

/// One row of `ValidityQueries` decoded: everything validity judges a debit by. The consent's status is left
/// to the caller, who knows at which moment the debit is judged (now, for billing; a payment's moment, for a
/// dispute).
struct ValidityFacts {
    let principal: Principal
    let storedStatus: ConsentStatus
    let expiresAt: Instant
    let terms: Terms
    let card: Card
    let noticeDays: Int
    /// When the earliest notice of exactly the asked amount and date was sent.
    let noticeSentAt: Instant?
    let amendmentNotice: DebitConsent.AmendmentNotice?
    let cardClosed: Bool

    /// Throws `unauthorized` for an unknown key and `consentNotFound` for a consent the key cannot see.
    init(_ row: PGRow, permission: Permission) throws {
        var cursor = RowCursor(row)
        guard !cursor.isNullAhead else { throw APIError.unauthorized }
        principal = try Authenticator.principal(from: &cursor, permission: permission)
        guard !cursor.isNullAhead else { throw APIError.consentNotFound }
        guard let storedStatus = try ConsentStatus(rawValue: cursor.next(String.self)) else {
            throw StoredDataError(column: "status")
        }
        self.storedStatus = storedStatus
        expiresAt = Instant(microsecondsSinceEpoch: try cursor.next())
        var terms = try ConsentRow.decodeTerms(&cursor)
        var card = try ConsentRow.decodeCard(&cursor)
        var noticeDays: Int = try cursor.next()
        noticeSentAt = try cursor.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:))
        var amendmentNotice: DebitConsent.AmendmentNotice?
        if !cursor.isNullAhead {
            terms = try ConsentRow.decodeTerms(&cursor)
            let notified: Bool = try cursor.next()
            let amendmentNoticeSentAt: Int64? = try cursor.next()
            let amendmentNoticeDays: Int = try cursor.next()
            if notified {
                amendmentNotice = .init(sentAt: amendmentNoticeSentAt.map(Instant.init(microsecondsSinceEpoch:)))
            }
            noticeDays = NoticePeriod.days(policyDays: noticeDays, notifiedAmendmentDays: notified ? amendmentNoticeDays : nil)
        } else {
            cursor.skip(ConsentRow.termsColumnCount + 3)
        }
        var cardClosed = false
        if !cursor.isNullAhead {
            card = try ConsentRow.decodeCard(&cursor)
            cardClosed = try cursor.next()
        }
        self.terms = terms
        self.card = card
        self.noticeDays = noticeDays
        self.amendmentNotice = amendmentNotice
        self.cardClosed = cardClosed
    }

    func consent(status: ConsentStatus) -> DebitConsent {
        DebitConsent(
            status: status, terms: terms, card: card, noticeDays: noticeDays, timeZone: principal.merchant.timeZone,
            amendmentNotice: amendmentNotice, cardClosed: cardClosed)
    }

    /// The notice sent for the asked debit, as validity's rule takes it.
    func notices(for debit: DebitRequest) -> [SentNotice] {
        noticeSentAt.map { [SentNotice(amount: debit.amount, date: debit.date, sentAt: $0)] } ?? []
    }
}
