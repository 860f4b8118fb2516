"""Queue and task names: what a producer sends to and a consumer registers, in one place.

The values are part of the deployment's contract: messages waiting in Redis name them, so a
renamed value strands them. Change a constant's name freely, its value never.
"""

#: What every producer puts in a message's ``argsrepr`` and ``kwargsrepr`` headers. Celery
#: otherwise copies the arguments there as text, for monitors, beside the body; ours name a
#: pseudonym, job ids and file names, which would then lie readable in the broker and in
#: Redis's append-only file, where an erasure can only reach them by a rewrite.
SEALED_REPR = "<sealed>"
SEALED_REPRS = {"argsrepr": SEALED_REPR, "kwargsrepr": SEALED_REPR}

# --- Queues --------------------------------------------------------------------------------
RENDER_QUEUE = "tryon"  # the try-on workers
RECOMMENDER_QUEUE = "recommender"  # the recommender workers
EVENT_QUEUE = "storefront_events"  # what the workers tell the storefront

# --- The try-on worker's task and its answers ---------------------------------------------
RENDER_TASK = "tryon.render"
EVENT_TASK = "storefront.events.tryon"

# --- The recommender's tasks and its answers ----------------------------------------------
GARMENT_UPSERT_TASK = "recommender.garment_upsert"
GARMENT_REMOVE_TASK = "recommender.garment_remove"
PROFILE_UPDATE_TASK = "recommender.profile_update"
INTERACTION_TASK = "recommender.interaction"
SUGGEST_TASK = "recommender.suggest"
FORGET_TASK = "recommender.forget"
SUGGESTIONS_EVENT_TASK = "storefront.events.suggestions"
# Either worker, about a message it could not act on (contracts.failures.TaskFailed).
FAILED_EVENT_TASK = "storefront.events.failed"

# --- The storefront's periodic tasks (named by the beat schedule in the settings) ---------
TRYON_REAP_TASK = "storefront.tryon.reap"
ERASURE_FILES_RETRY_TASK = "storefront.privacy.erasure_files_retry"
EXPIRED_DATA_DELETE_TASK = "storefront.privacy.expired_data_delete"
WEBHOOKS_SWEEP_TASK = "storefront.webhooks.sweep"
VIEWS_FLUSH_TASK = "storefront.recommendations.views_flush"
OUTBOX_SWEEP_TASK = "storefront.core.outbox_sweep"
