/// Checks a `POST /v1/consents/{id}/amendments` body and merges its terms over the terms in force.
///
/// The merged terms pass every rule a capture's terms do, with the schedule restarting at `effectiveFrom`; a
/// field sent as `null` is removed. Every problem of the request is reported at once; the notice period and
/// the consent an increase needs are judged only on a request that is otherwise valid.
public enum AmendmentValidator {
    static let topLevelKeys: Set<String> = ["terms", "effectiveFrom", "reason", "evidence"]
    /// What an amendment may change; `type` and `currency` would make it another consent.
    public static let changeableKeys = [
        "amount", "amountType", "maxAmount", "dateType", "frequency", "endDate", "objectiveCriteria",
    ]
    static let fixedKeys: Set<String> = ["type", "currency"]

    /// What the decision needs besides the request.
    public struct Context: Sendable {
        public let current: Terms
        public let now: Instant
        /// The merchant's local date.
        public let today: LocalDate
        public let noticeDays: Int
        /// The merchant's policy lets a notice announce increases too.
        public let increasesByNotice: Bool

        public init(current: Terms, now: Instant, today: LocalDate, noticeDays: Int, increasesByNotice: Bool) {
            self.current = current
            self.now = now
            self.today = today
            self.noticeDays = noticeDays
            self.increasesByNotice = increasesByNotice
        }
    }

    public static func validate(_ body: JSONValue, _ context: Context) -> AmendmentValidation {
        if CardNumberGuard.containsCardNumber(body) { return .cardNumber }
        guard case .object(let members) = body else {
            return .invalid([FieldError(field: "body", message: "must be a JSON object")])
        }
        var report = ValidationReport()
        let root = JSONObjectFields(path: "", members: members)
        for key in members.keys.sorted() where !topLevelKeys.contains(key) {
            report.add(key, "unknown field")
        }
        let effectiveFrom = report.date("effectiveFrom", of: root, required: true)
        if let date = effectiveFrom.value, date < context.today {
            report.add("effectiveFrom", "must not be before today (\(context.today.iso) where the merchant is)")
        }
        let reason = report.checkedString("reason", of: root, required: true, TextProblems.singleLine(maximumLength: 500))
        let evidence = root["evidence"] == nil ? nil : ConsentDraftValidator.readEvidence(root, now: context.now, &report)
        let changes = readChanges(root, &report)
        guard report.isEmpty, let effectiveFrom = effectiveFrom.value, let reason = reason.value, let changes else {
            return .invalid(report.errors)
        }
        guard let terms = merge(changes, over: context.current, from: effectiveFrom, today: context.today, &report) else {
            return .invalid(report.errors)
        }
        let draft = AmendmentDraft(
            terms: terms, changed: changeableKeys.filter { changes[$0] != nil }, effectiveFrom: effectiveFrom,
            reason: TextRules.trimmingWhitespace(reason), evidence: evidence)
        if draft.consent == .notified {
            let earliest = context.today.adding(days: context.noticeDays)
            if effectiveFrom < earliest { return .tooSoon(earliestEffectiveFrom: earliest) }
            let raised = TermsChange.raises(from: context.current, to: terms)
            if !raised.isEmpty, !context.increasesByNotice { return .consumerConsentRequired(fields: raised) }
        }
        return .valid(draft)
    }

    /// The `terms` object's members (a `null` kept, meaning removal), or nil after reporting its problems.
    private static func readChanges(_ root: JSONObjectFields, _ report: inout ValidationReport) -> [String: JSONValue]? {
        let allowed = fixedKeys.union(changeableKeys)
        guard case .present(let fields) = report.object("terms", of: root, required: true, allowedKeys: allowed) else {
            return nil
        }
        var valid = true
        for key in fixedKeys.sorted() where fields.members[key] != nil {
            report.add(fields.path(of: key), "cannot change; capture a new consent for other \(key == "type" ? "kinds of terms" : "currencies")")
            valid = false
        }
        if fields.members.isEmpty {
            report.add("terms", "must change at least one of \(changeableKeys.joined(separator: ", "))")
            valid = false
        }
        return valid ? fields.members : nil
    }

    /// The current terms with the changes laid over them, read with a capture's rules.
    private static func merge(
        _ changes: [String: JSONValue], over current: Terms, from effectiveFrom: LocalDate, today: LocalDate,
        _ report: inout ValidationReport
    ) -> Terms? {
        guard case .object(var merged) = current.json else { return nil }
        for (key, value) in changes { merged[key] = value }
        // A fixed amount has no maximum: one left over from variable terms would otherwise refuse the change.
        if changes["amountType"] == .string(AmountType.fixed.rawValue), changes["maxAmount"] == nil {
            merged["maxAmount"] = .null
        }
        if current.type == .scheduled { merged["firstDebitDate"] = .string(effectiveFrom.iso) }
        let root = JSONObjectFields(path: "", members: ["terms": .object(merged)])
        return ConsentDraftValidator.readTerms(root, today: today, &report)
    }
}
