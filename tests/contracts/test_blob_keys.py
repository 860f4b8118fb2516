"""The private store's names of a try-on's files, as worker and storefront both use them."""

from contracts.blob_keys import (
    is_worker_key_of,
    storefront_result_keys,
    worker_result_keys,
)

JOB = "0b6f7c1e-7a52-4c57-9d55-2f7b8d3c1a90"
OTHER = "5d0a9e2b-1c3f-4e8a-b7d6-9f2e4c1b0a37"


def test_names_are_the_ones_stored_today():
    # Files written before a deploy must still be found after it: the names never change.
    assert worker_result_keys(job_id=JOB, run_id="r1") == (
        f"results/{JOB}-r1.bin",
        f"results/{JOB}-r1-edit.bin",
    )
    assert storefront_result_keys(job_id=JOB) == (f"results/{JOB}.bin", f"results/{JOB}.edit.bin")


def test_a_worker_name_belongs_to_its_job_only():
    for name in worker_result_keys(job_id=JOB, run_id="r1"):
        assert is_worker_key_of(name, JOB)
        assert not is_worker_key_of(name, OTHER)


def test_the_storefront_copies_and_climbing_paths_are_not_a_workers():
    for name in storefront_result_keys(job_id=JOB):
        assert not is_worker_key_of(name, JOB)
    assert not is_worker_key_of(f"results/{JOB}-r1/../../secrets.bin", JOB)
    assert not is_worker_key_of(f"photos/{JOB}-r1.bin", JOB)
