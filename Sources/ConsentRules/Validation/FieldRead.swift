/// The outcome of reading one field: rules that depend on another field need to tell "not given" from "given but
/// wrong", so that a bad value is reported once and not again through every rule that uses it.
enum FieldRead<Value> {
    case absent
    /// Already reported.
    case invalid
    case present(Value)

    var value: Value? {
        if case .present(let value) = self { return value }
        return nil
    }

    var isAbsent: Bool {
        if case .absent = self { return true }
        return false
    }

    var isInvalid: Bool {
        if case .invalid = self { return true }
        return false
    }
}
