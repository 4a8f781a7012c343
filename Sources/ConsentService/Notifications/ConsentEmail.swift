import ConsentRules
import Foundation
import Notifier
import PGClient

/// One email about a consent, rendered from the templates in the consumer's language: from the merchant's
/// sender, replies to its support address, with the consumer's cancel link in the body and in
/// `List-Unsubscribe`. Its Message-ID is made from the outbox row's id, so every attempt carries the same one.
struct ConsentEmail {
    let outgoing: OutgoingMessage
    let evidence: MessageEvidence

    static func build(
        _ kind: OutboxKind, subject: MessageSubject, templates: MessageTemplates, publicURL: String, outboxId: UUID,
        date: Instant, keyring: PersonalDataKeyring, debit: MessageFacts.Debit? = nil,
        amendment: MessageFacts.Amendment? = nil
    ) throws -> ConsentEmail {
        guard let from = MailAddress(parsing: subject.merchant.sender) else { throw StoredDataError(column: "sender") }
        let sender = MailAddress(name: from.name ?? subject.merchant.name, address: from.address)
        let consent = subject.consent
        let draft = consent.draft
        let cancelURL = subject.cancelURL(publicURL: publicURL)
        let facts = subject.facts(cancelURL: cancelURL, debit: debit, amendment: amendment)
        let language = templates.language(for: draft.consumer.language)
        let content = templates.render(kind, language: language, facts: facts)
        let messageId = "\(outboxId.lowercasedString)@\(sender.domain)"
        let email = EmailMessage(
            from: sender,
            to: MailAddress(
                name: "\(draft.consumer.firstName) \(draft.consumer.lastName)", address: draft.communication.address),
            replyTo: MailAddress(name: subject.merchant.name, address: subject.merchant.supportEmail),
            subject: content.subject, date: date, messageId: messageId, listUnsubscribe: cancelURL,
            text: content.text, html: content.html)
        return ConsentEmail(
            outgoing: OutgoingMessage(
                bytes: email.rendered(),
                envelope: SMTPEnvelope(from: sender.address, recipients: [draft.communication.address]),
                messageId: messageId),
            evidence: MessageEvidence(
                recipient: MessageRecipient.sealed(
                    draft.communication.address, context: .message(merchantId: consent.merchantId, outboxId: outboxId), keyring: keyring),
                subject: content.subject, language: language))
    }
}
