"""Pages of the insurance app: policies (triggers, map, live typhoon state, rainfall at
the designated stations, events and claims), the claim steps, and typhoons.

Every read goes through :mod:`.selectors` with the logged-in user, so a policy outside
the caller's reach is a 404 exactly as in the API. The presentation helpers below
(live state, naive projection, rainfall chart geometry) are plain functions of rows.
"""

from .backtest import policy_backtest
from .claim_steps import claim_pay, claim_verify
from .claims import claim_list
from .live import linear_projection, live_state, live_states
from .policies import duration_text, may_process_claim, policy_detail, policy_list, policy_live
from .rain_charts import rain_charts
from .storms import storm_detail, storm_list

__all__ = [
    "claim_list",
    "claim_pay", "claim_verify", "duration_text", "linear_projection", "live_state", "live_states", "may_process_claim",
    "policy_backtest", "policy_detail", "policy_list", "policy_live", "rain_charts", "storm_detail", "storm_list",
]
