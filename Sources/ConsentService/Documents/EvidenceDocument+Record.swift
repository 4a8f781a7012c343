import ConsentRules
import PDFLayout

extension EvidenceDocument {
    /// The emails sent or owed for the consent, each with its proof of sending. Webhook deliveries are the
    /// merchant's, not the consumer's, and are left out.
    func messages(only kinds: Set<String>? = nil) -> [DocumentBlock] {
        let confirmation = consent["confirmation"]
        var blocks: [DocumentBlock] = [
            .heading(words.text(.sectionMessages)),
            .fields([
                DocumentField(words.text(.confirmationDueBy), values.date(confirmation?["dueBy"])),
                DocumentField(words.text(.confirmationSentAt), sentOrNot(confirmation?["sentAt"])),
            ]),
        ]
        let emails = (bundle["messages"]?.arrayValue ?? []).filter { message in
            guard let kind = message["kind"]?.stringValue, kind != "webhook" else { return false }
            return kinds?.contains(kind) ?? true
        }
        if emails.isEmpty { blocks.append(.paragraph(words.text(.noMessages))) }
        for message in emails {
            blocks.append(
                .subheading(
                    words.text(
                        .messageHeading,
                        ["kind": values.word("kind", message["kind"]), "status": values.word("message", message["status"])])))
            var fields = [
                DocumentField(words.text(.recipient), values.text(message["to"])),
                DocumentField(words.text(.subject), values.text(message["subject"])),
                DocumentField(words.text(.queuedAt), values.time(message["queuedAt"])),
                DocumentField(words.text(.sentAt), sentOrNot(message["sentAt"])),
                DocumentField(words.text(.messageId), values.text(message["messageId"]), fixedWidth: true),
                DocumentField(words.text(.serverReply), values.text(message["serverReply"])),
                DocumentField(words.text(.bodySha256), values.text(message["sha256"]), fixedWidth: true),
                DocumentField(words.text(.attempts), values.text(message["attempts"])),
            ]
            if let error = message["lastError"], !error.isNull {
                fields.append(DocumentField(words.text(.lastError), values.text(error)))
            }
            blocks.append(.fields(fields))
        }
        return blocks
    }

    func debits() -> [DocumentBlock] {
        let debits = bundle["debits"]?.arrayValue ?? []
        guard !debits.isEmpty else { return [.heading(words.text(.sectionDebits)), .paragraph(words.text(.noDebits))] }
        return [
            .heading(words.text(.sectionDebits)),
            .table(
                DocumentTable(
                    columns: [
                        .init(words.text(.debitDate), share: 2), .init(words.text(.amount), share: 2),
                        .init(words.text(.noticeRequired), share: 2.2), .init(words.text(.noticeSentAt), share: 2.6),
                        .init(words.text(.announcedAt), share: 2.6),
                    ],
                    rows: debits.map { debit in
                        [
                            values.date(debit["date"]), values.money(debit["amount"], currency: debit["currency"]),
                            values.yesNo(debit["noticeRequired"]),
                            debit["noticeRequired"]?.boolValue == true ? sentOrNot(debit["noticeSentAt"]) : DocumentValues.absent,
                            values.time(debit["announcedAt"]),
                        ]
                    })),
        ]
    }

    func payments(only paymentIds: Set<String>? = nil) -> [DocumentBlock] {
        let payments = (bundle["payments"]?.arrayValue ?? []).filter { payment in
            paymentIds.map { $0.contains(payment["paymentId"]?.stringValue ?? "") } ?? true
        }
        var blocks: [DocumentBlock] = [.heading(words.text(.sectionPayments))]
        guard !payments.isEmpty else { return blocks + [.paragraph(words.text(.noPayments))] }
        let late = payments.filter { $0["afterCancellation"]?.boolValue == true }.count
        if late > 0 {
            blocks.append(.warning(words.text(.paymentsAfterCancellation, ["count": String(late)])))
        }
        blocks.append(
            .table(
                DocumentTable(
                    columns: [
                        .init(words.text(.paymentId), share: 2.6), .init(words.text(.executedAt), share: 2.6),
                        .init(words.text(.amount), share: 1.8), .init(words.text(.paymentStatus), share: 1.5),
                        .init(words.text(.finalPayment), share: 1.2), .init(words.text(.afterCancellation), share: 2.1),
                    ],
                    rows: payments.map { payment in
                        [
                            values.text(payment["paymentId"]), values.time(payment["executedAt"]),
                            values.money(payment["amount"], currency: payment["currency"]),
                            values.text(payment["status"]), values.yesNo(payment["final"]),
                            payment["afterCancellation"]?.boolValue == true
                                ? "⚠ " + words.text(.yes) : words.text(.no),
                        ]
                    })))
        return blocks
    }

    func cards() -> [DocumentBlock] {
        let card = consent["card"]
        var blocks: [DocumentBlock] = [.heading(words.text(.sectionCards))]
        let history = bundle["cards"]?.arrayValue ?? []
        guard !history.isEmpty else {
            return blocks + [
                .fields([
                    DocumentField(words.text(.card), cardName(card)),
                    DocumentField(words.text(.expiry), expiry(card)),
                ]),
                .paragraph(words.text(.noCardUpdates)),
            ]
        }
        blocks.append(
            .table(
                DocumentTable(
                    columns: [
                        .init(words.text(.card), share: 2.2), .init(words.text(.expiry), share: 1.2),
                        .init(words.text(.cardSource), share: 2), .init(words.text(.accountStatus), share: 1.3),
                        .init(words.text(.effectiveFrom), share: 2), .init(words.text(.recordedAt), share: 3),
                    ],
                    rows: history.map { entry in
                        [
                            cardName(entry), expiry(entry), values.word("source", entry["source"]),
                            values.word("account", entry["accountStatus"]), values.date(entry["effectiveFrom"]),
                            values.time(entry["recordedAt"]),
                        ]
                    })))
        return blocks
    }

    private func cardName(_ card: JSONValue?) -> String {
        values.text(card?["brand"]) + " •••• " + values.text(card?["last4"])
    }

    private func expiry(_ card: JSONValue?) -> String {
        let month = card?["expiryMonth"]?.intValue ?? 0
        return (month < 10 ? "0" : "") + String(month) + "/" + values.text(card?["expiryYear"])
    }

    func cancellation() -> [DocumentBlock] {
        guard let cancellation = bundle["cancellation"], !cancellation.isNull else {
            return [.heading(words.text(.sectionCancellation)), .paragraph(words.text(.noCancellation))]
        }
        let actor = cancellationActor ?? ""
        let channel =
            actor.hasPrefix("consumer:") ? words.text(.channelCancelLink) : words.text(.channelAPI, ["actor": actor])
        var fields = [
            DocumentField(words.text(.requestedBy), values.word("requestedBy", cancellation["requestedBy"])),
            DocumentField(words.text(.channel), channel),
            DocumentField(words.text(.requestedAt), values.time(cancellation["requestedAt"])),
            DocumentField(words.text(.cancellationEffectiveAt), values.time(cancellation["effectiveAt"])),
        ]
        if let reason = cancellation["reason"], !reason.isNull {
            fields.append(DocumentField(words.text(.reason), values.text(reason)))
        }
        return [.heading(words.text(.sectionCancellation)), .fields(fields)]
    }

    /// Who recorded the cancellation, from its event: the consumer's link or a merchant key.
    var cancellationActor: String? {
        bundle["events"]?.arrayValue?.last { $0["type"]?.stringValue == "consent.cancelled" }?["actor"]?.stringValue
    }

    func retention() -> [DocumentBlock] {
        let retention = bundle["retention"]
        let until = retention?["retainUntil"]
        var fields = [
            DocumentField(
                words.text(.retainUntil), until.map { $0.isNull } ?? true ? words.text(.retainWhileRunning) : values.date(until)),
            DocumentField(words.text(.legalHold), values.yesNo(retention?["legalHold"])),
        ]
        if retention?["legalHold"]?.boolValue == true {
            fields.append(DocumentField(words.text(.legalHoldReason), values.text(retention?["legalHoldReason"])))
            fields.append(DocumentField(words.text(.legalHoldSince), values.time(retention?["legalHoldSince"])))
        }
        return [.heading(words.text(.sectionRetention)), .fields(fields)]
    }

    func history() -> [DocumentBlock] {
        let events = bundle["events"]?.arrayValue ?? []
        return [
            .heading(words.text(.sectionEvents)),
            .table(
                DocumentTable(
                    columns: [
                        .init(words.text(.eventSeq), share: 0.6), .init(words.text(.eventTime), share: 2.6),
                        .init(words.text(.eventType), share: 3.2), .init(words.text(.eventActor), share: 3.6),
                    ],
                    rows: events.map { event in
                        [
                            values.text(event["seq"]), values.time(event["at"]), values.text(event["type"]),
                            values.text(event["actor"]),
                        ]
                    })),
        ]
    }

    func chainCheck() -> [DocumentBlock] {
        let chain = bundle["chain"]
        let count = bundle["events"]?.arrayValue?.count ?? 0
        let verdict: DocumentBlock =
            chain?["intact"]?.boolValue == true
            ? .paragraph(words.text(.chainIntact, ["count": String(count)]))
            : .warning(
                words.text(
                    .chainBroken, ["seq": values.text(chain?["firstBrokenSeq"]), "problem": values.text(chain?["problem"])]))
        return [.heading(words.text(.sectionChain)), verdict]
    }

    func bundleReference() -> [DocumentBlock] {
        [
            .heading(words.text(.sectionBundle)),
            .paragraph(words.text(.bundleIntro)),
            .fields([
                DocumentField(words.text(.bundleFormat), values.text(bundle["format"])),
                DocumentField(words.text(.generatedAt), values.time(bundle["generatedAt"])),
                DocumentField(words.text(.bundleSha256), bundleSha256, fixedWidth: true),
            ]),
        ]
    }
}
