"""Instance buffers: per material, one buffer per batch slot in a frame, with a vertex array for each
(mesh, program) it is drawn with."""

from __future__ import annotations

import moderngl
import numpy as np
import numpy.typing as npt

from kiosk.render.slices import Mesh
from kiosk.render.text import ROW

ATTRIBUTES = ("in_rect", "in_extra", "in_color", "in_params")


def set_uniform(program: moderngl.Program, name: str, value: object) -> None:
    """Set a uniform if the linker kept it (unused uniforms are optimised away)."""
    if name in program:
        uniform = program[name]
        assert isinstance(uniform, moderngl.Uniform)
        uniform.value = value


class InstancePool:
    """Per material, one instance buffer per batch slot in a frame, with a vao for each (mesh, program) it
    is drawn with; buffers grow, never shrink."""

    def __init__(self, ctx: moderngl.Context, draws: tuple[tuple[Mesh, moderngl.Program], ...]) -> None:
        self.ctx, self.draws = ctx, draws
        self.slots: list[tuple[moderngl.Buffer, tuple[moderngl.VertexArray, ...], int]] = []

    def fill(self, index: int, rows: npt.NDArray[np.float32]) -> None:
        needed = rows.nbytes
        while len(self.slots) <= index:
            self.slots.append(self._make(4096 * 4 * ROW))
        buffer, _vaos, capacity = self.slots[index]
        if needed > capacity:
            self._release(index)
            self.slots[index] = self._make(max(needed, capacity * 2))
            buffer = self.slots[index][0]
        buffer.write(rows.tobytes() if not rows.flags.c_contiguous else rows)

    def render(self, index: int, instances: int, draw: int = 0) -> None:
        mesh = self.draws[draw][0]
        self.slots[index][1][draw].render(mesh.mode, vertices=mesh.vertices, instances=instances)

    def _make(self, capacity: int) -> tuple[moderngl.Buffer, tuple[moderngl.VertexArray, ...], int]:
        buffer = self.ctx.buffer(reserve=capacity, dynamic=True)
        vaos = []
        for mesh, program in self.draws:
            # The linker drops attributes a material does not read: skip their bytes.
            present = [name for name in ATTRIBUTES if name in program]
            layout = " ".join("4f" if name in present else "16x" for name in ATTRIBUTES) + "/i"
            vaos.append(self.ctx.vertex_array(program, [(mesh.buffer, mesh.layout, *mesh.names),
                                                        (buffer, layout, *present)]))
        return buffer, tuple(vaos), capacity

    def _release(self, index: int) -> None:
        buffer, vaos, _ = self.slots[index]
        for vao in vaos:
            vao.release()
        buffer.release()

    def gl_objects(self) -> int:
        return len(self.slots) * (1 + len(self.draws))

    def release(self) -> None:
        for index in range(len(self.slots)):
            self._release(index)
        self.slots.clear()
