import Foundation

/// Deadlines the service owes a consumer or a merchant.
public enum Deadlines: Sendable {
    /// The date the confirmation email is due by: the acceptance day in the merchant's time zone, moved forward to a
    /// business day if it is not one, plus the policy's business days. Acceptance on a non-business day therefore
    /// counts from the next business day (a Saturday acceptance is due on Wednesday, not Tuesday).
    public static func confirmationDueBy(
        acceptedAt: Instant, timeZone: TimeZone, calendar: HolidayCalendar, policy: MerchantPolicy
    ) -> LocalDate {
        let acceptanceDay = acceptedAt.localDate(in: timeZone)
        let firstBusinessDay = calendar.nextBusinessDay(onOrAfter: acceptanceDay)
        return calendar.addingBusinessDays(policy.confirmationBusinessDays, to: firstBusinessDay)
    }

    /// When a pending consent created at `createdAt` expires unless activated.
    public static func activationDeadline(createdAt: Instant, policy: MerchantPolicy) -> Instant {
        createdAt.adding(seconds: Int64(policy.activationWindowSeconds))
    }
}
