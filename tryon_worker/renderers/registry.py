"""Renderers by name, so a deployment (or a job message) picks one by configuration."""

from collections.abc import Callable

from tryon_worker.renderers.base import Renderer
from tryon_worker.renderers.gan import GanRenderer
from tryon_worker.renderers.geometric import GeometricRenderer
from tryon_worker.renderers.layered import LayeredRenderer

RENDERERS: dict[str, Callable[[], Renderer]] = {
    "gan": GanRenderer,
    "geometric": GeometricRenderer,
    "layered": LayeredRenderer,
}


def renderer_create(name: str) -> Renderer:
    """A new renderer of the given name; ValueError (listing the valid names) if unknown."""
    try:
        factory = RENDERERS[name]
    except KeyError:
        raise ValueError(
            f"unknown renderer {name!r}; valid renderers: {', '.join(sorted(RENDERERS))}"
        ) from None
    return factory()
