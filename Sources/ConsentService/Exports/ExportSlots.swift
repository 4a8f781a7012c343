import Synchronization

/// How many exports may run at once. An export holds a pool connection and a snapshot until its client has read
/// everything, so without a bound one merchant's stalled downloads could take every connection of the instance
/// and hold back vacuum. The bounds are per instance, as the pool is.
final class ExportSlots: Sendable {
    struct Limits: Sendable, Equatable {
        let perMerchant: Int
        let overall: Int

        /// Two per merchant; overall a quarter of the pool, yet at least one merchant's two, and never the
        /// whole pool while it has more than one connection.
        static func forPool(size: Int) -> Limits {
            let perMerchant = 2
            return Limits(perMerchant: perMerchant, overall: max(1, min(size - 1, max(perMerchant, size / 4))))
        }
    }

    /// Exports under way, per merchant; a pure count the lock guards.
    struct Counts: Sendable, Equatable {
        private(set) var byMerchant: [String: Int] = [:]
        private(set) var total = 0

        mutating func take(_ merchantId: String, within limits: Limits) -> Bool {
            guard total < limits.overall, byMerchant[merchantId, default: 0] < limits.perMerchant else { return false }
            byMerchant[merchantId, default: 0] += 1
            total += 1
            return true
        }

        mutating func give(_ merchantId: String) {
            guard let held = byMerchant[merchantId], held > 0 else { return }
            byMerchant[merchantId] = held == 1 ? nil : held - 1
            total -= 1
        }
    }

    let limits: Limits
    private let counts = Mutex(Counts())

    init(limits: Limits) {
        self.limits = limits
    }

    /// A slot for one of the merchant's exports, or nil when the merchant or the instance has none free.
    func reserve(merchantId: String) -> Reservation? {
        let limits = self.limits
        guard counts.withLock({ $0.take(merchantId, within: limits) }) else { return nil }
        return Reservation(slots: self, merchantId: merchantId)
    }

    fileprivate func give(_ merchantId: String) {
        counts.withLock { $0.give(merchantId) }
    }

    /// Holds one slot until released; a reservation dropped unreleased (a response never started) gives its
    /// slot back too.
    final class Reservation: Sendable {
        private let slots: ExportSlots
        private let merchantId: String
        private let released = Atomic<Bool>(false)

        fileprivate init(slots: ExportSlots, merchantId: String) {
            self.slots = slots
            self.merchantId = merchantId
        }

        deinit { release() }

        func release() {
            guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
            slots.give(merchantId)
        }
    }
}
