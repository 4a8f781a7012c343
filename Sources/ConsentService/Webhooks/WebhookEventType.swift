/// The events an endpoint can subscribe to (CONTRACT.md, "Webhooks"). Each is also the type of the consent event
/// that causes it; migration 0016's trigger (0007's, extended) lists the same names, and a test checks that the two agree.
enum WebhookEventType: String, CaseIterable, Sendable {
    case consentActivated = "consent.activated"
    case consentCancelled = "consent.cancelled"
    case confirmationSent = "confirmation.sent"
    case confirmationOverdue = "confirmation.overdue"
    case noticeSent = "notice.sent"
    case noticeFailed = "notice.failed"
    case consentCompleted = "consent.completed"
    case consentExpired = "consent.expired"
    case consentAmended = "consent.amended"
    case cardUpdated = "card.updated"
    case cardExpiring = "card.expiring"
}
