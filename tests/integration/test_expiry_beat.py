"""Expiry really happens on `bin/up`: the storefront worker it starts runs Celery beat, whose
schedule sends the expiry task, which deletes an expired photo (row and files) and keeps a
new one. The worker's command is `manage.py up`'s own."""

import subprocess
import time
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from shop.management.commands.up import Command
from shoppers.models import Shopper, ShopperPhoto
from shoppers.services import shopper_photo_add
from tests.support.assets import REPO
from tests.support.django_fixtures import storefront_worker_env
from tests.support.processes import stop_group
from tests.support.shopper_footprint import small_photo, stored_files


def test_up_storefront_worker_runs_beat_which_expires_old_photos(
    shopper: Shopper, tmp_path: Path, transactional_db
) -> None:
    old = shopper_photo_add(shopper=shopper, upload=small_photo((200, 40, 40)))
    new = shopper_photo_add(shopper=shopper, upload=small_photo((40, 40, 200)))
    ShopperPhoto.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    old_files = {old.blob_name, old.thumbnail_blob_name}
    assert old_files <= stored_files()

    env = storefront_worker_env({"FITTINGROOM_RETENTION_SWEEP_S": "1"})
    [spec] = [c for c in Command()._children(env, "127.0.0.1", 8000) if "storefront" in c.name]
    command = list(spec.command)
    assert "--beat" in command  # bin/up's storefront worker schedules the periodic tasks
    command[command.index("--schedule") + 1] = str(tmp_path / "celerybeat-schedule")
    log_path = tmp_path / "storefront-beat.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=spec.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and ShopperPhoto.objects.filter(pk=old.pk).exists():
            assert process.poll() is None, log_path.read_text(errors="replace")[-3000:]
            time.sleep(0.5)
        log = log_path.read_text(errors="replace")
        assert not ShopperPhoto.objects.filter(pk=old.pk).exists(), log[-3000:]
        assert "storefront.privacy.expired_data_delete" in log
        # Files go once the deletion commits, in the same task.
        while time.monotonic() < deadline and old_files & stored_files():
            time.sleep(0.2)
        assert not old_files & stored_files()
        assert ShopperPhoto.objects.filter(pk=new.pk).exists()
        assert {new.blob_name, new.thumbnail_blob_name} <= stored_files()
    finally:
        stop_group(process)
