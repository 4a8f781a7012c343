extension ConsentDraftValidator {
    static let termsKeys: Set<String> = [
        "type", "amount", "currency", "amountType", "maxAmount", "firstDebitDate", "dateType", "frequency",
        "endDate", "objectiveCriteria",
    ]
    static let frequencyKeys: Set<String> = ["interval", "days"]
    static let customIntervalDays = 1...366
    static let maximumTermYears = 4

    private enum FrequencyInterval: String, CaseIterable {
        case monthly, custom
    }

    static func readTerms(_ root: JSONObjectFields, today: LocalDate, _ report: inout ValidationReport) -> Terms? {
        guard case .present(let fields) = report.object("terms", of: root, required: true, allowedKeys: termsKeys)
        else { return nil }

        let type: FieldRead<TermsType> = report.choice("type", of: fields, required: true)
        let currency = readCurrency(fields, &report)
        let amount = readMoney("amount", of: fields, currency: currency, required: true, &report)
        let amountType: FieldRead<AmountType> = report.choice("amountType", of: fields, required: true)
        let maxAmount = readMaxAmount(fields, currency: currency, amount: amount, amountType: amountType, &report)
        let firstDebitDate = readFirstDebitDate(fields, type: type, &report)
        let dateType: FieldRead<DateType> = report.choice("dateType", of: fields, required: true)
        let frequency = readFrequency(fields, type: type, &report)
        let endDate = readEndDate(fields, firstDebitDate: firstDebitDate, today: today, &report)
        let objectiveCriteria = report.checkedString(
            "objectiveCriteria", of: fields, required: false, TextProblems.freeText(maximumLength: 10_000))

        guard let type = type.value, let amount = amount.value, let amountType = amountType.value,
              let dateType = dateType.value, !maxAmount.isInvalid, !firstDebitDate.isInvalid, !frequency.isInvalid,
              !endDate.isInvalid, !objectiveCriteria.isInvalid else { return nil }
        return Terms(
            type: type, amount: amount, amountType: amountType, maxAmount: maxAmount.value,
            firstDebitDate: firstDebitDate.value, dateType: dateType, frequency: frequency.value,
            endDate: endDate.value, objectiveCriteria: objectiveCriteria.value)
    }

    private static func readCurrency(_ fields: JSONObjectFields, _ report: inout ValidationReport) -> FieldRead<Currency> {
        switch report.string("currency", of: fields, required: true) {
        case .absent: return .absent
        case .invalid: return .invalid
        case .present(let code):
            guard let currency = Currency.iso4217(code) else {
                report.add(fields.path(of: "currency"), "must be an upper-case ISO 4217 currency code")
                return .invalid
            }
            return .present(currency)
        }
    }

    /// Stands in for an unknown currency so that an amount's own format can still be checked; its exponent is
    /// the largest in ISO 4217, so no decimals error can come from it.
    private static let anyCurrency = Currency(code: "XXX", minorUnits: 4)

    /// A positive decimal string in `currency`. Without a valid currency only the parts of the format that do not
    /// depend on it are checked, and the field reads as invalid since no amount can be formed.
    static func readMoney(
        _ key: String, of fields: JSONObjectFields, currency: FieldRead<Currency>, required: Bool,
        _ report: inout ValidationReport
    ) -> FieldRead<Money> {
        let text: String
        switch report.string(key, of: fields, required: required) {
        case .absent: return .absent
        case .invalid: return .invalid
        case .present(let value): text = value
        }
        let path = fields.path(of: key)
        guard let currency = currency.value else {
            switch Money.parse(text, currency: anyCurrency) {
            case .failure(.notADecimal): report.add(path, moneyMessage(.notADecimal, currency: anyCurrency))
            case .failure(.negative): report.add(path, moneyMessage(.negative, currency: anyCurrency))
            case .success(let money) where money.minorUnits == 0: report.add(path, "must be greater than zero")
            default: break
            }
            return .invalid
        }
        switch Money.parse(text, currency: currency) {
        case .failure(let error):
            report.add(path, moneyMessage(error, currency: currency))
            return .invalid
        case .success(let money):
            guard money.minorUnits > 0 else {
                report.add(path, "must be greater than zero")
                return .invalid
            }
            return .present(money)
        }
    }

    static func moneyMessage(_ error: MoneyParseError, currency: Currency) -> String {
        switch error {
        case .notADecimal:
            return "must be a decimal string of digits with an optional decimal point"
        case .negative:
            return "must be greater than zero"
        case .tooManyDecimals(let allowed) where allowed == 0:
            return "must be a whole number: \(currency.code) has no decimal places"
        case .tooManyDecimals(let allowed):
            return "must have at most \(allowed) decimal place\(allowed == 1 ? "" : "s") for \(currency.code)"
        case .tooLarge:
            return "is too large"
        }
    }

    private static func readMaxAmount(
        _ fields: JSONObjectFields, currency: FieldRead<Currency>, amount: FieldRead<Money>,
        amountType: FieldRead<AmountType>, _ report: inout ValidationReport
    ) -> FieldRead<Money> {
        let path = fields.path(of: "maxAmount")
        if fields["maxAmount"] != nil, amountType.value == .fixed {
            report.add(path, "only allowed with a variable amount")
            return .invalid
        }
        let maxAmount = readMoney("maxAmount", of: fields, currency: currency, required: false, &report)
        if let maximum = maxAmount.value, let amount = amount.value, maximum.minorUnits < amount.minorUnits {
            report.add(path, "must not be less than the amount")
            return .invalid
        }
        return maxAmount
    }

    private static func readFirstDebitDate(
        _ fields: JSONObjectFields, type: FieldRead<TermsType>, _ report: inout ValidationReport
    ) -> FieldRead<LocalDate> {
        let firstDebitDate = report.date("firstDebitDate", of: fields, required: false)
        if firstDebitDate.isAbsent, type.value == .scheduled {
            report.add(fields.path(of: "firstDebitDate"), "is required for scheduled terms")
            return .invalid
        }
        return firstDebitDate
    }

    private static func readFrequency(
        _ fields: JSONObjectFields, type: FieldRead<TermsType>, _ report: inout ValidationReport
    ) -> FieldRead<Frequency> {
        let path = fields.path(of: "frequency")
        guard let value = fields["frequency"] else {
            guard type.value != .scheduled else {
                report.add(path, "is required for scheduled terms")
                return .invalid
            }
            return .absent
        }
        if type.value == .unscheduled {
            report.add(path, "must be absent for unscheduled terms")
            return .invalid
        }
        guard case .present(let frequency) = report.object(value, at: path, allowedKeys: frequencyKeys) else {
            return .invalid
        }
        let interval: FieldRead<FrequencyInterval> = report.choice("interval", of: frequency, required: true)
        switch interval.value {
        case .monthly:
            // `days` means nothing for a monthly interval and is ignored, whatever it holds.
            return .present(.monthly)
        case .custom:
            let days = report.integer("days", of: frequency, in: customIntervalDays)
            return days.value.map { .present(.everyDays($0)) } ?? .invalid
        case nil:
            return .invalid
        }
    }

    private static func readEndDate(
        _ fields: JSONObjectFields, firstDebitDate: FieldRead<LocalDate>, today: LocalDate,
        _ report: inout ValidationReport
    ) -> FieldRead<LocalDate> {
        let endDate = report.date("endDate", of: fields, required: false)
        guard let end = endDate.value else { return endDate }
        let path = fields.path(of: "endDate")
        var isValid = true
        if let first = firstDebitDate.value, end <= first {
            report.add(path, "must be after firstDebitDate")
            isValid = false
        }
        if end > today.adding(years: maximumTermYears) {
            report.add(path, "must be at most \(maximumTermYears) years after today")
            isValid = false
        }
        return isValid ? endDate : .invalid
    }
}
