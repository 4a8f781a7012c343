import Foundation

/// One line of the compliance report: how many instances of a duty had an outcome, and the consents they
/// belong to.
public struct ComplianceLine: Sendable, Equatable {
    public let duty: ComplianceDuty
    public let outcome: DutyOutcome
    /// Instances: one per confirmation, notice, reminder, payment or consent.
    public let count: Int
    /// Each consent once, in ascending order.
    public let consentIds: [UUID]

    public var isBreach: Bool { outcome.isBreach }
}

/// Collects outcomes as the report's rows are judged, then gives every line of every duty, in order.
public struct ComplianceTally: Sendable {
    private var counts: [Key: Int] = [:]
    private var consents: [Key: Set<UUID>] = [:]

    private struct Key: Hashable {
        let duty: ComplianceDuty
        let outcome: DutyOutcome
    }

    public init() {}

    public mutating func record(_ duty: ComplianceDuty, _ outcome: DutyOutcome, consentId: UUID) {
        precondition(duty.outcomes.contains(outcome), "\(outcome) is not an outcome of \(duty)")
        let key = Key(duty: duty, outcome: outcome)
        counts[key, default: 0] += 1
        consents[key, default: []].insert(consentId)
    }

    public var lines: [ComplianceLine] {
        ComplianceDuty.allCases.flatMap { duty in
            duty.outcomes.map { outcome in
                let key = Key(duty: duty, outcome: outcome)
                return ComplianceLine(
                    duty: duty, outcome: outcome, count: counts[key] ?? 0,
                    consentIds: (consents[key] ?? []).sorted { $0.uuidString < $1.uuidString })
            }
        }
    }
}
