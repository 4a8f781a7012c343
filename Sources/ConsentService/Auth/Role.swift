/// A key's role, and what each role may do (CONTRACT.md, "Who may call what").
enum Role: String, Sendable, CaseIterable {
    case checkout, billing, auditor, admin

    func may(_ permission: Permission) -> Bool {
        switch self {
        case .admin: true
        case .checkout: [.createConsent, .readConsent, .activateConsent].contains(permission)
        case .billing:
            [
                .readConsent, .activateConsent, .checkValidity, .announceDebit, .recordPayment, .cancelConsent,
                .amendConsent, .updateCard, .readPayments,
            ]
                .contains(permission)
        case .auditor:
            [.readConsent, .readEvents, .readEvidence, .export, .readPayments, .readComplianceReport]
                .contains(permission)
        }
    }
}

enum Permission: Sendable {
    case createConsent, readConsent, activateConsent
    case checkValidity, announceDebit, recordPayment, cancelConsent, amendConsent, updateCard, readPayments
    case readEvents, readEvidence, export, readComplianceReport
    case manageLegalHolds, manageWebhooks, manageSettings
}
