import ConsentRules
import PDFLayout

/// The chargeback pack as a document: a cover letter stating, from the record, the facts that answer the
/// reason given, then the parts of the evidence record they rest on. Where the record does not support the
/// payment, the letter says so and why.
struct DisputePack {
    /// How much of the record follows the letter; a pack over the schemes' limits is made again more compact.
    enum Compactness: CaseIterable {
        /// Every relevant section in full.
        case full
        /// Only the messages owed before a debit, the disputed and earlier payments, and the debit's own date.
        case relevantOnly
        /// The letter, the terms and acceptance, and the bundle's hash: the rest is in the evidence record.
        case letterAndTerms
    }

    let evidence: EvidenceDocument
    let reason: DisputeReason
    let findings: DisputeStore.Findings

    private var words: DocumentWording.Language { evidence.words }
    private var values: DocumentValues { evidence.values }
    private var bundle: JSONValue { evidence.bundle }

    func printed(_ compactness: Compactness) -> PrintedDocument {
        let record: [[DocumentBlock]]
        switch compactness {
        case .full:
            record = [
                evidence.termsAsShown(), evidence.versions(), evidence.acceptance(), evidence.messages(),
                evidence.debits(), evidence.payments(), evidence.cards(), evidence.cancellation(), evidence.chainCheck(),
                evidence.bundleReference(),
            ]
        case .relevantOnly:
            record = [
                evidence.termsAsShown(), evidence.versions(), evidence.acceptance(),
                evidence.messages(only: ["confirmation", "notice", "amendment_notice", "cancellation"]),
                evidence.payments(only: Set(earlierPayments.prefix(20).compactMap { $0["paymentId"]?.stringValue } + [findings.payment.paymentId])),
                evidence.cancellation(), evidence.chainCheck(), evidence.bundleReference(),
            ]
        case .letterAndTerms:
            record = [evidence.termsAsShown(), evidence.acceptance(), evidence.bundleReference()]
        }
        let title = words.text(.disputeTitle, ["paymentId": findings.payment.paymentId])
        return evidence.frame(
            title: title, blocks: letter(title: title) + [.heading(words.text(.disputeEvidenceFollows))] + record.flatMap { $0 })
    }

    /// Approved payments executed before the disputed one: for `not_authorised`, the consumer's own acceptance
    /// of the same consent's earlier charges.
    var earlierPayments: [JSONValue] {
        (bundle["payments"]?.arrayValue ?? []).filter { payment in
            guard let text = payment["executedAt"]?.stringValue, let executed = Instant(rfc3339: text) else { return false }
            return payment["paymentId"]?.stringValue != findings.payment.paymentId
                && payment["status"]?.stringValue == "approved" && executed < findings.payment.executedAt
        }
    }

    private func letter(title: String) -> [DocumentBlock] {
        let payment = findings.paymentJSON
        var blocks: [DocumentBlock] = [
            .title(title),
            .paragraph(words.text(reason == .cancelledRecurring ? .disputeCancelledRecurring : .disputeNotAuthorised)),
            .paragraph(words.text(.disputeIntro, ["merchant": evidence.merchantName])),
            .subheading(words.text(.disputePayment)),
            .fields([
                DocumentField(words.text(.paymentId), findings.payment.paymentId, fixedWidth: true),
                DocumentField(words.text(.executedAt), values.time(payment["executedAt"])),
                DocumentField(words.text(.amount), words.format.amount(findings.payment.amount)),
                DocumentField(words.text(.paymentStatus), values.text(payment["status"])),
                DocumentField(words.text(.consentId), evidence.consentId, fixedWidth: true),
                DocumentField(words.text(.merchantReference), values.text(evidence.consent["merchantReference"])),
                DocumentField(words.text(.timeZone), values.timeZone.identifier),
            ]),
            .heading(words.text(.disputeFacts)),
        ]
        blocks += consentFacts()
        blocks += noticeFacts()
        blocks.append(cancellationFact())
        if reason == .notAuthorised { blocks += earlierPaymentFacts() }
        if findings.assessment.supportsMerchant {
            blocks.append(.subheading(words.text(.disputeSupported)))
        } else {
            let breaches = findings.assessment.breaches.compactMap { DocumentText(rawValue: "breach." + $0.rawValue) }
                .map { words.text($0) }.joined(separator: "; ")
            blocks.append(.warning(words.text(.disputeNotSupported, ["breaches": breaches])))
        }
        return blocks
    }

    private func consentFacts() -> [DocumentBlock] {
        let shown = bundle["termsAsShown"]
        let acceptance = evidence.consent["evidence"]
        var blocks: [DocumentBlock] = [
            .paragraph(
                words.text(
                    .disputeConsentGiven,
                    [
                        "time": values.time(acceptance?["acceptedAt"]), "ip": values.text(acceptance?["ipAddress"]),
                        "version": values.text(shown?["disclosureVersion"]), "sha": values.text(shown?["disclosureSha256"]),
                    ]))
        ]
        if let first = evidence.consent["initialPaymentId"]?.stringValue {
            blocks.append(.paragraph(words.text(.disputeFirstPayment, ["paymentId": first])))
        }
        let confirmation = evidence.consent["confirmation"]
        let due = values.date(confirmation?["dueBy"])
        if let sent = confirmation?["sentAt"], !sent.isNull {
            let message = bundle["messages"]?.arrayValue?.first {
                $0["kind"]?.stringValue == "confirmation" && $0["status"]?.stringValue == "sent"
            }
            blocks.append(
                .paragraph(
                    words.text(
                        .disputeConfirmationSent,
                        ["time": values.time(sent), "due": due, "messageId": values.text(message?["messageId"])])))
        } else {
            blocks.append(.paragraph(words.text(.disputeConfirmationNotSent, ["due": due])))
        }
        return blocks
    }

    private func noticeFacts() -> [DocumentBlock] {
        guard !findings.payment.isInitial else { return [] }
        var blocks: [DocumentBlock] = []
        let payment = findings.payment
        let shownDebit = [
            "amount": words.format.amount(payment.amount),
            "date": words.format.date(payment.executedAt.localDate(in: values.timeZone)),
        ]
        if findings.debitConsent.requiresNotice {
            if let sent = findings.noticeSentAt {
                var shown = shownDebit
                shown["time"] = words.format.dateTime(sent, in: values.timeZone)
                blocks.append(.paragraph(words.text(.disputeNoticeSent, shown)))
            } else {
                blocks.append(.paragraph(words.text(.disputeNoticeNotSent, shownDebit)))
            }
        } else {
            blocks.append(.paragraph(words.text(.disputeNoNoticeOwed)))
        }
        if let notice = findings.debitConsent.amendmentNotice, let sent = notice.sentAt {
            blocks.append(
                .paragraph(words.text(.disputeAmendmentNoticeSent, ["time": words.format.dateTime(sent, in: values.timeZone)])))
        }
        return blocks
    }

    private func cancellationFact() -> DocumentBlock {
        guard let cancellation = bundle["cancellation"], !cancellation.isNull else {
            return .paragraph(words.text(.disputeNoCancellation))
        }
        let shown = [
            "effective": values.time(cancellation["effectiveAt"]),
            "executed": words.format.dateTime(findings.payment.executedAt, in: values.timeZone),
        ]
        return findings.assessment.afterCancellation
            ? .warning(words.text(.disputeCancelledBefore, shown)) : .paragraph(words.text(.disputeCancelledLater, shown))
    }

    private func earlierPaymentFacts() -> [DocumentBlock] {
        let earlier = earlierPayments
        guard !earlier.isEmpty else { return [.paragraph(words.text(.disputeNoEarlierPayments))] }
        return [
            .subheading(words.text(.disputeEarlierPayments)),
            .table(
                DocumentTable(
                    columns: [
                        .init(words.text(.paymentId), share: 3), .init(words.text(.executedAt), share: 3),
                        .init(words.text(.amount), share: 2), .init(words.text(.paymentStatus), share: 1.5),
                    ],
                    rows: earlier.suffix(50).map { payment in
                        [
                            values.text(payment["paymentId"]), values.time(payment["executedAt"]),
                            values.money(payment["amount"], currency: payment["currency"]), values.text(payment["status"]),
                        ]
                    })),
        ]
    }
}
