extension ConsentDraftValidator {
    static let consumerKeys: Set<String> = ["firstName", "lastName", "email", "phone", "language"]
    static let defaultLanguage = "en"

    static func readConsumer(_ root: JSONObjectFields, _ report: inout ValidationReport) -> Consumer? {
        guard case .present(let fields) = report.object("consumer", of: root, required: true, allowedKeys: consumerKeys)
        else { return nil }

        let firstName = report.checkedString("firstName", of: fields, required: true, TextProblems.singleLine(maximumLength: 100))
        let lastName = report.checkedString("lastName", of: fields, required: true, TextProblems.singleLine(maximumLength: 100))
        let email = report.checkedString("email", of: fields, required: true, TextProblems.emailAddress)
        let phone = report.checkedString("phone", of: fields, required: false) { text in
            TextRules.isE164PhoneNumber(text) ? nil : "must be in E.164 format: + followed by 8 to 15 digits"
        }
        let language = report.checkedString("language", of: fields, required: false) { text in
            TextRules.isLanguageTag(text) ? nil : "must be a language tag such as en or pt-BR"
        }

        guard let firstName = firstName.value, let lastName = lastName.value, let email = email.value,
              !phone.isInvalid, !language.isInvalid else { return nil }
        return Consumer(
            firstName: TextRules.trimmingWhitespace(firstName),
            lastName: TextRules.trimmingWhitespace(lastName),
            email: email,
            phone: phone.value,
            language: language.value ?? defaultLanguage)
    }

    static let communicationKeys: Set<String> = ["method", "address"]
    /// The only channel of contract v1.
    static let emailMethod = "email"

    static func readCommunication(_ root: JSONObjectFields, _ report: inout ValidationReport) -> Communication? {
        guard case .present(let fields) = report.object(
            "communication", of: root, required: true, allowedKeys: communicationKeys) else { return nil }
        let method = report.checkedString("method", of: fields, required: true) { text in
            text == emailMethod ? nil : "must be \"email\""
        }
        let address = report.checkedString("address", of: fields, required: true, TextProblems.emailAddress)
        guard let method = method.value, let address = address.value else { return nil }
        return Communication(method: method, address: address)
    }
}
