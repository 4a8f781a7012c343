"""Checks of the consents in a scenario's database: none half-written, every acknowledged one stored as it was
captured, and the audit chains intact."""

CONSENT_SHAPES = """
    SELECT c.id::text AS id, c.status, c.last_event_seq AS last_seq, count(e.seq) AS events,
           coalesce(max(e.seq), 0) AS max_seq,
           coalesce(bool_or(e.seq = 1 AND e.type = 'consent.created'), false) AS created_first,
           coalesce(bool_or(e.type = 'consent.activated'), false) AS activated,
           (SELECT count(*) FROM outbox o WHERE o.merchant_id = c.merchant_id AND o.consent_id = c.id
                                            AND o.kind = 'confirmation') AS confirmations
    FROM consents c
    LEFT JOIN consent_events e ON e.merchant_id = c.merchant_id AND e.consent_id = c.id
    GROUP BY c.merchant_id, c.id
"""


def half_written(shape):
    """What is missing from one consent that its capture should have written with it, if anything."""
    problems = []
    if not (shape["events"] == shape["max_seq"] == shape["last_seq"] >= 1):
        problems.append("events %d, highest seq %d, last_event_seq %d" % (shape["events"], shape["max_seq"],
                                                                         shape["last_seq"]))
    if not shape["created_first"]:
        problems.append("no consent.created as event 1")
    if shape["status"] == "active" and not (shape["activated"] and shape["confirmations"] == 1):
        problems.append("active with %s consent.activated and %d confirmation rows" % (
            "a" if shape["activated"] else "no", shape["confirmations"]))
    if shape["status"] == "pending" and (shape["activated"] or shape["confirmations"]):
        problems.append("pending with an activation or a confirmation row")
    return problems


def check_consents_whole(report, sql):
    """No consent in the database lacks what its capture writes with it; returns the shapes checked."""
    shapes = sql.rows(CONSENT_SHAPES)
    broken = {shape["id"]: problems for shape in shapes if (problems := half_written(shape))}
    events = sum(shape["events"] for shape in shapes)
    confirmations = sum(shape["confirmations"] for shape in shapes)
    report.check(not broken, "no half-written consent among %d in the database (%d events, %d confirmation "
                             "rows)%s" % (len(shapes), events, confirmations, example(broken)))
    return shapes


def check_acknowledged_stored(report, shapes, captured):
    """Every consent answered 201 is stored in the state it was captured in."""
    stored = {shape["id"]: shape["status"] for shape in shapes}
    missing = [attempt.consent_id for attempt in captured if attempt.consent_id not in stored]
    wrong = [attempt.consent_id for attempt in captured if attempt.consent_id in stored and
             stored[attempt.consent_id] != ("active" if attempt.active else "pending")]
    report.check(not missing and not wrong, "all %d consents answered 201 are stored (%d missing, %d in another "
                                            "state)" % (len(captured), len(missing), len(wrong)))


def check_audit(report, scenario):
    status, line = scenario.audit_verify()
    report.check(status == 0, "consent-service audit verify exits %d: %s" % (status, line))


def example(problems):
    if not problems:
        return ""
    key, value = next(iter(problems.items()))
    return "; e.g. %s: %s" % (key, value)
