/// Checks one consent's stored history against its hash chain and against the head its consent row records.
public enum ChainCheck: Sendable {
    /// One stored event, as read back.
    public struct Link: Sendable, Equatable {
        public let seq: Int
        public let type: String
        public let at: Instant
        public let actor: String
        public let data: JSONValue
        public let prevHash: String
        public let hash: String

        public init(seq: Int, type: String, at: Instant, actor: String, data: JSONValue, prevHash: String, hash: String) {
            self.seq = seq
            self.type = type
            self.at = at
            self.actor = actor
            self.data = data
            self.prevHash = prevHash
            self.hash = hash
        }
    }

    /// The first thing wrong with a chain.
    public enum Break: Sendable, Equatable, CustomStringConvertible {
        /// The event's content does not give its stored hash (it was changed).
        case contentChanged(seq: Int)
        /// The event does not point at the hash of the one before it (one was changed, removed or inserted).
        case linkBroken(seq: Int)
        /// Events are missing before this one, or it repeats a number.
        case outOfSequence(expected: Int, found: Int)
        /// The chain ends elsewhere than the consent row says (events were removed from the end, or added).
        case headMismatch(recordedSeq: Int, chainSeq: Int)

        /// The number of the first broken event.
        public var seq: Int {
            switch self {
            case .contentChanged(let seq), .linkBroken(let seq): seq
            case .outOfSequence(_, let found): found
            case .headMismatch(let recordedSeq, let chainSeq): min(recordedSeq, chainSeq + 1)
            }
        }

        public var description: String {
            switch self {
            case .contentChanged(let seq): "event \(seq): its content does not match its hash"
            case .linkBroken(let seq): "event \(seq): its prevHash is not the hash of event \(seq - 1)"
            case .outOfSequence(let expected, let found): "event \(found): expected event \(expected) here"
            case .headMismatch(let recordedSeq, let chainSeq):
                "the consent records \(recordedSeq) events but its chain has \(chainSeq) intact ones"
            }
        }
    }

    /// `links` in stored order; `headSeq` and `headHash` as the consent row records them. Nil when intact.
    public static func firstBreak(_ links: [Link], headSeq: Int, headHash: String) -> Break? {
        var previousHash = EventChain.genesisHash
        for (index, link) in links.enumerated() {
            guard link.seq == index + 1 else { return .outOfSequence(expected: index + 1, found: link.seq) }
            guard link.prevHash == previousHash else { return .linkBroken(seq: link.seq) }
            guard
                EventChain.verify(
                    hash: link.hash, seq: link.seq, type: link.type, at: link.at, actor: link.actor, data: link.data,
                    prevHash: link.prevHash)
            else { return .contentChanged(seq: link.seq) }
            previousHash = link.hash
        }
        guard links.count == headSeq, previousHash == headHash else {
            return .headMismatch(recordedSeq: headSeq, chainSeq: links.count)
        }
        return nil
    }
}
