extension PGResult {
    /// This result, checked to hold one row for each of `asked` questions (a batch statement answers in the
    /// questions' order). Any other count means no row can be matched to its question, so the batch fails whole.
    public func oneRowPerQuestion(asked: Int) throws -> PGResult {
        guard rowCount == asked else { throw BatchAnswerCountError(asked: asked, answered: rowCount) }
        return self
    }
}
