"""The fault scenarios of scripts/faults, one module each, by the name --only takes. Each is a function of the
Scenario it runs in and the Sizes of the run; what each checks is in scripts/faults --help."""
from fault_scenarios.capture_kill import capture_kill
from fault_scenarios.notifier_kill import notifier_kill
from fault_scenarios.postgres_restart import postgres_restart
from fault_scenarios.primary_failover import primary_failover
from fault_scenarios.smtp_outage import smtp_outage
from fault_scenarios.webhook_retries import webhook_retries

SCENARIOS = {
    "capture-kill": capture_kill,
    "notifier-kill": notifier_kill,
    "smtp-outage": smtp_outage,
    "postgres-restart": postgres_restart,
    "webhook-retries": webhook_retries,
    "primary-failover": primary_failover,
}

# Scenarios that run on a pg_auto_failover formation instead of a single server.
ON_A_FORMATION = {"primary-failover"}
