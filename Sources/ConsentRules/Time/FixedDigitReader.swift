/// Reads fixed-width groups of ASCII digits and single separator bytes from the front of a byte collection.
struct FixedDigitReader<Bytes: RandomAccessCollection<UInt8>> {
    private let bytes: Bytes
    private var position: Bytes.Index

    init(_ bytes: Bytes) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    var isAtEnd: Bool { position == bytes.endIndex }

    var next: UInt8? { isAtEnd ? nil : bytes[position] }

    mutating func digits(_ count: Int) -> Int? {
        var value = 0
        for _ in 0..<count {
            guard let byte = next, ASCII.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - ASCII.zero)
            position = bytes.index(after: position)
        }
        return value
    }

    /// Consumes `byte` if it is next; false otherwise.
    mutating func skip(_ byte: UInt8) -> Bool {
        guard next == byte else { return false }
        position = bytes.index(after: position)
        return true
    }

    /// Consumes the next byte if it is one of `choices`, returning it.
    mutating func skip(oneOf choices: UInt8...) -> UInt8? {
        guard let byte = next, choices.contains(byte) else { return nil }
        position = bytes.index(after: position)
        return byte
    }

    /// Consumes a run of digits (possibly empty), returning their values.
    mutating func digitRun() -> [UInt8] {
        var run: [UInt8] = []
        while let byte = next, ASCII.isDigit(byte) {
            run.append(byte - ASCII.zero)
            position = bytes.index(after: position)
        }
        return run
    }
}
