"""Training the try-on GAN: the model contract, the loss goes down, checkpoints round-trip,
the command resumes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tryon_worker.gan.data.dataset import TryOnDataset
from tryon_worker.gan.data.layouts import reader_open
from tryon_worker.gan.models.checkpoint import (
    renderer_load,
    renderer_save,
    training_state_load,
    training_state_save,
)
from tryon_worker.gan.models.tryon_gan import (
    TRYON_MODELS,
    CycleTryOnModel,
    PairedTryOnModel,
    TryOnGAN,
    TryOnRenderer,
)
from tryon_worker.gan.options import ModelOptions, TrainOptions
from tryon_worker.renderers.gan import DEFAULT_CHECKPOINT

#: A tiny model on tiny pictures: the tests check behaviour, not quality.
TINY = ModelOptions(
    net_height=64, net_width=48, gen_width=8, gen_depth=3, warp_width=4, warp_depth=2,
    disc_width=8, disc_layers=2, disc_scales=2,
)  # fmt: skip


def _batch(
    root: Path, size: int, swap: bool = False, options: ModelOptions = TINY
) -> dict[str, torch.Tensor]:
    dataset = TryOnDataset([reader_open(root)], options, swap_garments=swap, seed=3)
    items = [dataset[index] for index in range(size)]
    return {key: torch.stack([item[key] for item in items]) for key in items[0]}


def _steps(gan: TryOnGAN, batch: dict[str, torch.Tensor], count: int) -> list[dict[str, float]]:
    losses = []
    for _ in range(count):
        gan.set_input(batch)
        losses.append(gan.optimize_parameters())
    return losses


@pytest.mark.parametrize("mode", ["paired", "cycle"])
def test_a_few_steps_lower_the_loss_on_a_fixed_batch(viton_hd_dir: Path, mode: str) -> None:
    torch.manual_seed(0)
    batch = _batch(viton_hd_dir, 4, swap=mode == "cycle")
    options = TrainOptions(mode=mode, adversarial_after=0, lr_g=1e-3)
    gan = TRYON_MODELS[mode](TINY, options, torch.device("cpu"))
    key = "l1" if mode == "paired" else "cycle"
    losses = _steps(gan, batch, 25)
    assert {"adv", "d"} <= set(losses[-1])  # the GAN terms are on
    assert all(type(value) is float for step in losses for value in step.values())
    first = sum(step[key] for step in losses[:3]) / 3
    last = sum(step[key] for step in losses[-3:]) / 3
    assert last < 0.8 * first, (first, last)


@pytest.mark.parametrize("mode", ["paired", "cycle"])
def test_the_discriminator_gets_no_gradient_from_the_generators_step(
    viton_hd_dir: Path, mode: str
) -> None:
    torch.manual_seed(0)
    batch = _batch(viton_hd_dir, 2, swap=mode == "cycle")
    gan = TRYON_MODELS[mode](TINY, TrainOptions(mode=mode), torch.device("cpu"))
    gan.set_input(batch)
    gan.forward()
    terms = gan.optimize_generator(adversarial=True)  # the G part alone
    assert "adv" in terms  # the generator's loss did run through the discriminator
    assert all(p.grad is None for p in gan.discriminator.parameters())
    assert any(p.grad is not None for p in gan.renderer.parameters())
    assert all(p.requires_grad for p in gan.discriminator.parameters())  # thawed again
    gan.optimize_discriminator()
    assert all(p.grad is not None for p in gan.discriminator.parameters())


def test_a_model_refuses_training_options_of_the_other_mode() -> None:
    with pytest.raises(ValueError, match="cycle"):
        PairedTryOnModel(TINY, TrainOptions(mode="cycle"), torch.device("cpu"))
    with pytest.raises(ValueError, match="paired"):
        CycleTryOnModel(TINY, TrainOptions(mode="paired"), torch.device("cpu"))


def test_training_state_and_shipped_renderer_round_trip(viton_hd_dir: Path, tmp_path: Path) -> None:
    torch.manual_seed(0)
    batch = _batch(viton_hd_dir, 2)
    gan = PairedTryOnModel(TINY, TrainOptions(adversarial_after=0), torch.device("cpu"))
    _steps(gan, batch, 3)
    training_state_save(gan, tmp_path, TINY)
    saved = torch.load(tmp_path / "latest.pt", weights_only=True)
    assert saved["train_options"]["mode"] == "paired"
    assert saved["train_options"]["adversarial_after"] == 0
    # A training state from before the training options were saved inside loads the same.
    del saved["train_options"]
    torch.save(saved, tmp_path / "old.pt")
    restored = PairedTryOnModel(TINY, TrainOptions(adversarial_after=0), torch.device("cpu"))
    training_state_load(restored, tmp_path / "old.pt")
    assert restored.step == 3
    with torch.no_grad():
        for a, b in ((gan.renderer, restored.renderer), (gan.ema, restored.ema)):
            a.eval(), b.eval()
            assert torch.equal(a(batch)["image"], b(batch)["image"])
    # The shipped renderer (half-precision weights) loads back to the same outputs every time.
    path = renderer_save(gan.ema, tmp_path / "renderer.pt", metadata={"steps": 3})
    first, second = renderer_load(path), renderer_load(path)
    with torch.no_grad():
        assert torch.equal(first(batch)["image"], second(batch)["image"])
        close = (first(batch)["image"] - gan.ema(batch)["image"]).abs().max()
    assert close < 0.05  # only the fp16 rounding of the weights differs
    assert json.loads((tmp_path / "renderer.json").read_text())["model"]["gen_width"] == 8


def test_the_train_command_writes_samples_and_resumes(viton_hd_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    command = [
        sys.executable, "-m", "tryon_worker.gan.train", "--data", str(viton_hd_dir),
        "--out", str(out), "--mode", "paired", "--batch-size", "2", "--workers", "0",
        "--log-every", "1", "--sample-every", "2", "--checkpoint-every", "2",
        "--net-height", "64", "--net-width", "48", "--gen-width", "8", "--gen-depth", "3",
        "--warp-width", "4", "--warp-depth", "2", "--disc-width", "8", "--adversarial-after", "1",
    ]  # fmt: skip
    subprocess.run([*command, "--steps", "2"], check=True, capture_output=True, timeout=300)
    assert (out / "samples" / "step_000002.png").is_file()
    assert {"latest.pt", "renderer.pt", "options.json"} <= {p.name for p in out.iterdir()}
    done = subprocess.run([*command, "--steps", "4"], check=True, capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert "resumed" in done.stdout and "at step 2" in done.stdout
    steps = [json.loads(line)["step"] for line in (out / "loss_log.jsonl").read_text().splitlines()]
    assert steps == [1, 2, 3, 4]
    options = json.loads((out / "options.json").read_text())
    assert options["train"]["mode"] == "paired" and options["model"]["net_height"] == 64
    state = torch.load(out / "latest.pt", weights_only=True)
    assert state["train_options"]["mode"] == "paired" and state["train_options"]["steps"] == 4
    # Fine-tuning starts from a shipped renderer: its architecture wins over the flags and
    # its weights are the starting point (one step later the EMA is still next to them).
    tuned = tmp_path / "tuned"
    fine = subprocess.run(
        [*command[:6], str(tuned), "--steps", "1", "--batch-size", "2", "--workers", "0",
         "--init-from", str(out / "renderer.pt"), "--net-height", "32", "--net-width", "24"],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert "fine-tuning from" in fine.stdout
    assert json.loads((tuned / "options.json").read_text())["model"]["net_height"] == 64
    source, result = renderer_load(out / "renderer.pt"), renderer_load(tuned / "renderer.pt")
    fresh = TryOnRenderer(source.options)

    def distance(a: torch.nn.Module, b: torch.nn.Module) -> float:
        pairs = zip(a.parameters(), b.parameters(), strict=True)
        return max(float((x - y).abs().max().detach()) for x, y in pairs)

    assert distance(source, result) < 0.01 < distance(source, fresh)
    # Resuming it keeps the checkpoint's architecture too, whatever the flags say.
    again = subprocess.run(
        [*command[:6], str(tuned), "--steps", "2", "--batch-size", "2", "--workers", "0",
         "--net-height", "32", "--net-width", "24"],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert "at step 1" in again.stdout


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_mixed_precision_training_and_half_precision_inference_on_cuda(viton_hd_dir: Path) -> None:
    torch.manual_seed(0)
    cuda = torch.device("cuda")
    batch = _batch(viton_hd_dir, 4)
    gan = PairedTryOnModel(TINY, TrainOptions(adversarial_after=0, lr_g=1e-3), cuda)
    assert gan.use_amp
    on_device = {key: value.to(cuda) for key, value in batch.items()}
    losses = [step["l1"] for step in _steps(gan, on_device, 25)]
    assert sum(losses[-3:]) < 0.8 * sum(losses[:3])
    # The shipped renderer in fp16 autocast on the GPU draws what fp32 on the CPU draws.
    cpu_renderer = renderer_load(DEFAULT_CHECKPOINT)
    gpu_renderer = renderer_load(DEFAULT_CHECKPOINT, cuda)
    inputs = _batch(viton_hd_dir, 2, options=cpu_renderer.options)
    with torch.no_grad():
        reference = cpu_renderer(inputs)["image"]
        with torch.autocast("cuda", torch.float16):
            half = gpu_renderer({key: value.to(cuda) for key, value in inputs.items()})["image"]
    difference = (half.float().cpu() - reference).abs()
    assert difference.mean() < 0.02
    assert difference.max() < 0.1  # the warp runs in float32: no pixel jumps an edge


def test_reduced_precision_inference_keeps_the_warp_exact(viton_hd_dir: Path) -> None:
    # The CPU's bfloat16 autocast (coarser than CUDA's float16) stands in for a GPU here:
    # the spline and the sampling run in float32 whatever the autocast, so only the small
    # networks' rounding shows, never a garment edge moved by a pixel.
    renderer = renderer_load(DEFAULT_CHECKPOINT)
    inputs = _batch(viton_hd_dir, 2, options=renderer.options)
    with torch.no_grad():
        reference = renderer(inputs)
        with torch.autocast("cpu", torch.bfloat16):
            reduced = renderer(inputs)
    assert (reduced["grid"].float() - reference["grid"]).abs().max() < 0.01
    assert (reduced["image"].float() - reference["image"]).abs().max() < 0.1
