"""What a shopper reads for each stage of a try-on (our pages and the widget alike)."""

from contracts.vocabulary import STAGES

STAGE_LABELS = {
    "queued": "Waiting for a free fitting room",
    "finding_pose": "Finding your pose",
    "fitting_garment": "Fitting the garment",
    "rendering": "Rendering your picture",
    "done": "Done",
}
if tuple(STAGE_LABELS) != STAGES:  # checked on import: a label for every stage, in order
    raise ImportError("tryon.stage_labels: STAGE_LABELS must follow contracts.vocabulary.STAGES")
