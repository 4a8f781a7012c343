/// Every piece of wording the printed documents use, each a key of `templates/<language>/document-wording.json`.
/// `{name}` in a text is filled from the values passed with it.
enum DocumentText: String, CaseIterable, Sendable {
    // Frame and title block
    case evidenceTitle, runningHeader, pageOf
    case merchant, consentId, merchantReference, status, generatedAt, timeZone, consumer, communicationAddress
    // Status words
    case statusPending = "status.pending", statusActive = "status.active", statusCancelled = "status.cancelled"
    case statusCompleted = "status.completed", statusExpired = "status.expired"
    case yes, no, none, notYet
    // Terms
    case sectionTerms, termsIntro, termsType, scheduled, unscheduled, amount, amountFixed, amountVariable, maxAmount
    case firstDebitDate, dates, datesFixed, datesVariable, frequency, monthly, everyDays, endDate
    case objectiveCriteria, disclosureVersion, disclosureSha256, disclosureText
    // Versions
    case sectionVersions, versionHeading, versionOriginal, versionAgreed, versionNotified, versionStatus
    case versionInForce = "version.in_force", versionSuperseded = "version.superseded"
    case versionPending = "version.pending", versionWithdrawn = "version.withdrawn"
    case effectiveFrom, reason, changedFields, noticeSentAt, confirmationDueBy, confirmationSentAt, withdrawnAt
    // Acceptance
    case sectionAcceptance, acceptedAt, ipAddress, userAgent, recurrenceId, initialPaymentId, activatedAt
    // Messages
    case sectionMessages, noMessages, messageHeading, queuedAt, sentAt, recipient, subject, messageId, serverReply
    case bodySha256, attempts, lastError
    case kindConfirmation = "kind.confirmation", kindNotice = "kind.notice", kindCancellation = "kind.cancellation"
    case kindAmendmentNotice = "kind.amendment_notice", kindAmendmentConfirmation = "kind.amendment_confirmation"
    case kindAmendmentWithdrawn = "kind.amendment_withdrawn", kindCardExpiring = "kind.card_expiring"
    case messageSent = "message.sent", messageQueued = "message.queued", messageFailed = "message.failed"
    case messageWithdrawn = "message.withdrawn"
    // Debits and payments
    case sectionDebits, noDebits, debitDate, noticeRequired, announcedAt
    case sectionPayments, noPayments, paymentId, executedAt, paymentStatus, finalPayment, afterCancellation
    case paymentsAfterCancellation
    // Cards
    case sectionCards, noCardUpdates, card, expiry, cardSource, accountStatus, recordedAt
    case sourceCapture = "source.capture", sourceAccountUpdater = "source.account_updater"
    case sourceConsumer = "source.consumer", sourceMerchant = "source.merchant"
    case accountOpen = "account.open", accountClosed = "account.closed"
    // Cancellation
    case sectionCancellation, noCancellation, requestedBy, channel, requestedAt, cancellationEffectiveAt
    case byConsumer = "requestedBy.consumer", byMerchant = "requestedBy.merchant"
    case channelCancelLink, channelAPI
    // Retention
    case sectionRetention, retainUntil, retainWhileRunning, legalHold, legalHoldReason, legalHoldSince
    // Events and chain
    case sectionEvents, eventSeq, eventTime, eventType, eventActor
    case sectionChain, chainIntact, chainBroken
    case sectionBundle, bundleIntro, bundleSha256, bundleFormat
    // Chargeback pack
    case disputeTitle, disputeIntro, disputePayment, disputeFacts
    case disputeCancelledRecurring = "dispute.cancelled_recurring", disputeNotAuthorised = "dispute.not_authorised"
    case disputeConsentGiven, disputeFirstPayment, disputeConfirmationSent, disputeConfirmationNotSent
    case disputeNoNoticeOwed, disputeNoticeSent, disputeNoticeNotSent, disputeAmendmentNoticeSent
    case disputeNoCancellation, disputeCancelledLater, disputeCancelledBefore
    case disputeEarlierPayments, disputeNoEarlierPayments, disputeSupported, disputeNotSupported, disputeEvidenceFollows
    case breachNotActive = "breach.not_active", breachCancelled = "breach.cancelled"
    case breachCompleted = "breach.completed", breachEnded = "breach.ended"
    case breachBeforeFirstDebit = "breach.before_first_debit", breachCardExpired = "breach.card_expired"
    case breachCurrencyMismatch = "breach.currency_mismatch", breachAmountMismatch = "breach.amount_mismatch"
    case breachAmountAboveMaximum = "breach.amount_above_maximum"
    case breachDateNotInSchedule = "breach.date_not_in_schedule", breachNoticeRequired = "breach.notice_required"
    case breachAmendmentNoticeRequired = "breach.amendment_notice_required", breachCardClosed = "breach.card_closed"
}
