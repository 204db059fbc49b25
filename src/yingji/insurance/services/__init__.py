"""Every write of the insurance app: policies from YAML, storms and positions, trigger
evaluation into events and claims, and the claim workflow. Each write is audited.

Split by subject, re-exported here so that callers write `services.policy_load(...)`:

- `policies`: policies from YAML, their triggers, lots and premium shares;
- `storms`: storms and positions, live or from CMA best tracks;
- `typhoon`: a storm against the active policies' circles;
- `rain_triggers`: rain at the designated stations, fed by hydromet's hand-off (the
  `insurance.rain_triggers` tick consumes the observation batches after this app's
  cursor: nothing is evaluated in the request or MQTT loop that ingested the rain);
- `events`: trigger events, their claims and notices;
- `claims`: verify and pay;
- `replay`: recompute an event from its stored inputs.

Evaluation is incremental: a new position re-evaluates only the storm that moved,
against the active policies whose period covers the position; new rain observations
re-evaluate only the counties whose designated stations reported, each once. The
evaluation itself is the pure code of :mod:`..backtest` and :mod:`..rain` (the same as
the offline commands), and each event keeps its inputs so that `event_replay`
recomputes it.
"""

from .claims import claim_can_process, claim_pay, claim_verify
from .events import Outcome, record_event
from .policies import CONTRACT_TZ, money, period_bounds, policy_load, rain_spec, trigger_has_events, typhoon_spec
from .rain_triggers import CONSUMER, evaluate_new_rain, evaluate_rain_stations, rain_of_batch, rain_outcome
from .replay import Replay, event_replay
from .storms import import_tracks, position_add, storm_create
from .typhoon import allocate, evaluate_storm_live, typhoon_outcome

__all__ = [
    "CONSUMER", "CONTRACT_TZ", "Outcome", "Replay", "allocate", "claim_can_process", "claim_pay", "claim_verify",
    "evaluate_new_rain", "evaluate_rain_stations", "evaluate_storm_live", "event_replay", "import_tracks", "money",
    "period_bounds", "policy_load", "position_add", "rain_of_batch", "rain_outcome", "rain_spec", "record_event",
    "storm_create", "trigger_has_events", "typhoon_outcome", "typhoon_spec",
]
