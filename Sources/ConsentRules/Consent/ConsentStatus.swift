/// Where a consent is in its life: `pending` until its first payment, `active`, then `cancelled`, `completed`
/// or (never activated) `expired`.
public enum ConsentStatus: String, Sendable, CaseIterable {
    case pending, active, cancelled, completed, expired

    /// The status as of `now`: a pending consent whose activation window closed at `expiresAt` is expired, even
    /// before the expiry sweep records it, so nothing ever treats it as still awaiting its first payment.
    public func effective(expiresAt: Instant, at now: Instant) -> ConsentStatus {
        self == .pending && now >= expiresAt ? .expired : self
    }
}
