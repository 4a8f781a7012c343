import ConsentRules
import PDFLayout

extension EvidenceDocument {
    /// Every version of the terms: the capture, then each amendment with its evidence or notice.
    func versions() -> [DocumentBlock] {
        guard let versions = bundle["termsVersions"]?.arrayValue, !versions.isEmpty else { return [] }
        var blocks: [DocumentBlock] = [.heading(words.text(.sectionVersions))]
        for version in versions {
            let kind: DocumentText =
                switch version["consent"]?.stringValue {
                case "agreed": .versionAgreed
                case "notified": .versionNotified
                default: .versionOriginal
                }
            blocks.append(
                .subheading(
                    words.text(.versionHeading, ["version": values.text(version["version"]), "kind": words.text(kind)])))
            var fields = [
                DocumentField(words.text(.versionStatus), values.word("version", version["status"])),
                DocumentField(words.text(.effectiveFrom), values.date(version["effectiveFrom"])),
            ]
            if kind != .versionOriginal {
                fields.append(DocumentField(words.text(.reason), values.text(version["reason"])))
                let changed = version["changed"]?.arrayValue?.compactMap(\.stringValue) ?? []
                fields.append(DocumentField(words.text(.changedFields), changed.joined(separator: ", ")))
                fields += termsFields(version["terms"])
            }
            if let evidence = version["evidence"], !evidence.isNull, kind == .versionAgreed {
                fields += [
                    DocumentField(words.text(.acceptedAt), values.time(evidence["acceptedAt"])),
                    DocumentField(words.text(.ipAddress), values.text(evidence["ipAddress"]), fixedWidth: true),
                    DocumentField(words.text(.userAgent), values.text(evidence["userAgent"])),
                    DocumentField(words.text(.disclosureVersion), values.text(evidence["disclosureVersion"])),
                    DocumentField(words.text(.disclosureSha256), values.text(evidence["disclosureSha256"]), fixedWidth: true),
                ]
            }
            if let notice = version["notice"], !notice.isNull {
                fields.append(DocumentField(words.text(.noticeSentAt), sentOrNot(notice["sentAt"])))
            }
            if let confirmation = version["confirmation"], !confirmation.isNull {
                fields.append(DocumentField(words.text(.confirmationDueBy), values.date(confirmation["dueBy"])))
                fields.append(DocumentField(words.text(.confirmationSentAt), sentOrNot(confirmation["sentAt"])))
            }
            if let withdrawn = version["withdrawnAt"], !withdrawn.isNull {
                fields.append(DocumentField(words.text(.withdrawnAt), values.time(withdrawn)))
            }
            blocks.append(.fields(fields))
            if kind == .versionAgreed, let text = version["evidence"]?["disclosureText"]?.stringValue {
                blocks.append(.verbatim(text))
            }
        }
        return blocks
    }

    func sentOrNot(_ value: JSONValue?) -> String {
        guard let value, !value.isNull else { return words.text(.notYet) }
        return values.time(value)
    }
}
