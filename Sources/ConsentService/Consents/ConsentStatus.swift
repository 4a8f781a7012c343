enum ConsentStatus: String, Sendable {
    case pending, active, cancelled, completed, expired
}
