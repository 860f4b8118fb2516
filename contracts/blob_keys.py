"""Names of a try-on's files in the private blob store, for both the worker and the storefront.

A worker writes one run's sealed picture and edit region under names that carry the job and
the run (``results/{job}-{run}.bin``, ``results/{job}-{run}-edit.bin``), so a redelivered job
never overwrites another run's files and the storefront can find a run's files that never
reported their finish. The storefront copies an accepted result to names that follow from
the job alone (``results/{job}.bin``, ``results/{job}.edit.bin``).
"""

RESULTS_FOLDER = "results"


def worker_result_keys(*, job_id: str, run_id: str) -> tuple[str, str]:
    """Where one run of a job stores its sealed picture and edit region."""
    return f"{RESULTS_FOLDER}/{job_id}-{run_id}.bin", f"{RESULTS_FOLDER}/{job_id}-{run_id}-edit.bin"


def worker_key_prefix(job_id: str) -> str:
    """The start of every name a worker writes for this job, within the results folder."""
    return f"{job_id}-"


def is_worker_key_of(name: str, job_id: str) -> bool:
    """Whether ``name`` is one a worker writes for this job (never a path that climbs out)."""
    return name.startswith(f"{RESULTS_FOLDER}/{worker_key_prefix(job_id)}") and ".." not in name


def storefront_result_keys(*, job_id: str) -> tuple[str, str]:
    """The storefront's names for a job's result and edit region, from its public id alone."""
    return f"{RESULTS_FOLDER}/{job_id}.bin", f"{RESULTS_FOLDER}/{job_id}.edit.bin"
