/// Where a consent is in its life: `pending` until its first payment, `active`, then `cancelled`, `completed`
/// or (never activated) `expired`.
public enum ConsentStatus: String, Sendable, CaseIterable {
    case pending, active, cancelled, completed, expired
}
