import Foundation

/// Deadlines the service owes a consumer or a merchant.
public enum Deadlines: Sendable {
    /// The date the confirmation email is due by: the policy's N-th business day strictly after the acceptance day
    /// in the merchant's time zone, whatever kind of day that was. The strict reading is the one that can never
    /// make the merchant late: a Saturday acceptance is due on Tuesday (Monday is the first business day after
    /// it), never Wednesday. With a policy of 0 days it is due on the acceptance day itself.
    public static func confirmationDueBy(
        acceptedAt: Instant, timeZone: TimeZone, calendar: HolidayCalendar, policy: MerchantPolicy
    ) -> LocalDate {
        calendar.addingBusinessDays(policy.confirmationBusinessDays, to: acceptedAt.localDate(in: timeZone))
    }

    /// When a pending consent created at `createdAt` expires unless activated.
    public static func activationDeadline(createdAt: Instant, policy: MerchantPolicy) -> Instant {
        createdAt.adding(seconds: Int64(policy.activationWindowSeconds))
    }
}
