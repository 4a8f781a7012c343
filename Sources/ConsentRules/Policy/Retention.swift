/// How long a consent's record is kept once it can no longer be debited: the policy's months (18 by default)
/// after the final approved payment, or after the day the consent ended where no payment was taken.
public enum Retention {
    public static func retainUntil(lastApprovedPayment: LocalDate?, endedOn: LocalDate, months: Int) -> LocalDate {
        let from = lastApprovedPayment ?? endedOn
        return from.adding(months: months, clampingDay: from.day)
    }
}
