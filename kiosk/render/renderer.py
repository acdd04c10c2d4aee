"""The GL renderer: draws a Scene into its own framebuffer, then presents it.

Rendering always targets an offscreen colour-only framebuffer, so screenshots, recordings
and golden tests read exactly what the screen shows (reading `ctx.screen` is not portable),
and a window only costs one framebuffer copy per frame.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import moderngl
import numpy as np
import numpy.typing as npt

from kiosk.render import shaders
from kiosk.render.atlas import Atlas
from kiosk.render.backdrop import (
    PAGE_CACHEABLE,
    Backdrop,
    Fade,
    Key,
    backdrop_batches,
    backdrop_key,
    candidates,
    stage_fade,
)
from kiosk.render.batcher import Batch, FrameBuilder, Material
from kiosk.render.images import RASTER_CACHE, ImageLibrary
from kiosk.render.instances import InstancePool, set_uniform
from kiosk.render.mapped_frames import STREAM_UNIT, UPLOADED_STREAM_UNIT, MappedFrames
from kiosk.render.own_textures import upload_atlases, upload_own_pictures
from kiosk.render.present import Presenter
from kiosk.render.screen_copy import ScreenCopies, place
from kiosk.render.slices import BANDS, CORES, Mesh, shape_meshes, sliced
from kiosk.render.spares import SpareTextures
from kiosk.render.text import FontFiles, TextEngine
from kiosk.render.vector import VectorPictures
from kiosk.render.viewport import Viewport
from kiosk.view.layout import design_size
from kiosk.view.nodes import Scene

GLYPH_ATLAS_SIZE = 2048
IMAGE_ATLAS_SIZE = 4096  # two full-screen scenes at 1080p side by side (a dissolve), and the cast
IMAGE_ATLAS_START = 512  # rows at first (8 MB; the attract cards take 2 shelves): a texture's memory is the
# process's on llvmpipe (64 MB at 4096²), and the atlas doubles when a page needs more


class GLRenderer:
    def __init__(self, ctx: moderngl.Context, size: tuple[int, int], asset_roots: list[Path],
                 fonts: FontFiles, present: Callable[[moderngl.Framebuffer], None] | None = None,
                 design: tuple[float, float] | None = None,
                 frames: MappedFrames | None = None, raster_cache: Path = RASTER_CACHE) -> None:
        """`design`: the logical space scenes are laid out in (by default the screen shape's design
        space, kiosk.view.layout.design_size: 1920×1080 at 16:9, 1080×1920 in portrait; an eye's own
        aspect for head-mounted displays). `frames`: the context's mapped video rings; stream
        frames that live there are shown without an upload."""
        self.ctx = ctx
        self.size = size
        design = design or design_size(*size)
        self.design = design
        self.viewport = Viewport.fit(size, design)
        self.fbo = ctx.framebuffer(color_attachments=[ctx.renderbuffer(size, 4)])
        glyph_atlas = Atlas(GLYPH_ATLAS_SIZE, GLYPH_ATLAS_SIZE, 1, "glyph")
        image_atlas = Atlas(IMAGE_ATLAS_SIZE, IMAGE_ATLAS_START, 4, "image", max_height=IMAGE_ATLAS_SIZE)
        self.text = TextEngine(fonts, glyph_atlas, scale=self.viewport.scale)
        self.images = ImageLibrary(asset_roots, image_atlas, VectorPictures(raster_cache), scale=self.viewport.scale,
                                   shrunk=raster_cache.with_name("shrunk"))
        self.builder = FrameBuilder(self.text, self.images)
        self._textures = {
            "text": ctx.texture((GLYPH_ATLAS_SIZE, GLYPH_ATLAS_SIZE), 1),
            "image": ctx.texture((IMAGE_ATLAS_SIZE, IMAGE_ATLAS_START), 4),
        }
        self._atlases = {"text": glyph_atlas, "image": image_atlas}
        quad = ctx.buffer(np.array([0, 0, 1, 0, 0, 1, 1, 1], np.float32))
        sources: dict[Material, str] = {"shape": shaders.SHAPE_FRAGMENT, "image": shaders.IMAGE_FRAGMENT,
                                        "text": shaders.TEXT_FRAGMENT, "video": shaders.VIDEO_FRAGMENT,
                                        "panorama": shaders.PANORAMA_FRAGMENT}
        self._programs: dict[Material, moderngl.Program] = {
            m: ctx.program(vertex_shader=shaders.SHAPE_VERTEX if m == "shape" else shaders.VERTEX, fragment_shader=src)
            for m, src in sources.items()}
        corner = Mesh(quad, "2f", ("in_corner",), moderngl.TRIANGLE_STRIP, 4)
        self._shape_meshes = shape_meshes(ctx)
        self._core_program = ctx.program(vertex_shader=shaders.SHAPE_VERTEX, fragment_shader=shaders.CORE_FRAGMENT)
        set_uniform(self._core_program, "u_view", design)
        set_uniform(self._core_program, "u_px", 1.0 / self.viewport.scale)
        whole, cores, bands = self._shape_meshes
        self._pools = {m: InstancePool(ctx, ((whole, p), (cores, self._core_program), (bands, p)) if m == "shape"
                                        else ((corner, p),))
                       for m, p in self._programs.items()}
        self._quad = quad
        for program in self._programs.values():
            set_uniform(program, "u_view", design)
            set_uniform(program, "u_px", 1.0 / self.viewport.scale)
            set_uniform(program, "u_atlas", 0)
        for material in ("video", "panorama"):  # their u_frame (a samplerBuffer, which moderngl cannot
            # set) keeps unit 0, so their 2D texture moves to another unit: one unit, one sampler type
            set_uniform(self._programs[material], "u_atlas", UPLOADED_STREAM_UNIT)
        self.last_batches: list[Batch] = []
        self.frames = frames
        self.streams: dict[str, moderngl.Texture] = {}  # uploaded media frames by stream name (Video, Panorama)
        self.mapped: dict[str, tuple[int, tuple[int, int]]] = {}  # streams shown from mapped rings: texture, size
        self.own_textures: dict[int, moderngl.Texture] = {}  # large pictures' own textures (images.OwnPicture)
        self.spares = SpareTextures(ctx)  # own textures made ahead or kept for the next picture
        self.backdrop = Backdrop(ctx, size, self.spares)
        self.copies = ScreenCopies(ctx, None)  # screen-ready video frames, blitted (render/screen_copy.py)
        self.presenter = Presenter(ctx, present, frames)  # swaps, or flushes and fences a headless frame

    def update_stream(self, name: str, frame: npt.NDArray[np.uint8]) -> None:
        """The stream's current frame: BGRA rows, top first (what the decoder makes). A slot of a
        mapped ring is bound as it is; any other frame is uploaded to a texture made per stream and
        size, then rewritten in place each frame. A screen-ready frame (RGBA, rows stored bottom
        first: `screen_copy`) is uploaded to be copied into the screen."""
        height, width = frame.shape[:2]
        self.copies.gl = self.presenter.gl_calls()
        if self.copies.update(name, frame):
            self._unmap(name)
            if name in self.streams:
                self.streams.pop(name).release()
            return
        mapped = self.frames.pin((id(self), name), frame) if self.frames is not None else None
        if mapped is not None:
            self.mapped[name] = (mapped, (width, height))
            if name in self.streams:
                self.streams.pop(name).release()
            return
        self._unmap(name)
        texture = self.streams.get(name)
        if texture is None or texture.size != (width, height):
            if texture is not None:
                texture.release()
            texture = self.ctx.texture((width, height), 4)
            texture.swizzle = "BGRA"
            texture.repeat_x = True  # panoramas wrap around
            texture.repeat_y = False
            self.streams[name] = texture
        texture.write(frame if frame.flags.c_contiguous else np.ascontiguousarray(frame))

    def drop_stream(self, name: str) -> None:
        self.copies.drop(name)
        texture = self.streams.pop(name, None)
        if texture is not None:
            texture.release()
        self._unmap(name)

    def _unmap(self, name: str) -> None:
        if self.mapped.pop(name, None) is not None and self.frames is not None:
            self.frames.unpin((id(self), name))

    def gl_objects(self) -> int:
        """GL objects this renderer holds (framebuffer, textures, programs, buffers, vertex arrays):
        the soak test checks it stays flat however many frames are drawn."""
        return (2 + len(self._textures) + len(self._programs) + 2 + len(self._shape_meshes)
                + sum(p.gl_objects() for p in self._pools.values())
                + len(self.streams) + (self.frames.gl_objects() if self.frames is not None else 0)
                + len(self.own_textures) + len(self.spares) + self.backdrop.gl_objects() + self.copies.gl_objects())

    # -- drawing ------------------------------------------------------------------------
    def draw(self, scene: Scene) -> None:
        self.presenter.wait_in_flight()
        batches = self.prepare(scene)
        self.submit(batches, scene)
        self.last_batches = batches

    def prepare(self, scene: Scene) -> list[Batch]:
        """CPU side of a frame: batch the scene and upload any new glyphs or images."""
        batches = self.builder.build(scene)
        self._upload_atlases()
        return batches

    def submit(self, batches: list[Batch], scene: Scene) -> None:
        """GL work only: clear (or start from the still stage, render/backdrop.py), then one instanced
        draw per (layer, material), and per texture for pictures with their own."""
        ctx = self.ctx
        stage = backdrop_batches(batches)
        used: dict[Material, int] = {"shape": 0, "video": 0, "panorama": 0, "image": 0, "text": 0}
        ctx.enable(moderngl.BLEND)
        ctx.blend_func = moderngl.ONE, moderngl.ONE_MINUS_SRC_ALPHA
        fade = stage_fade(stage, self.images.opaque) if scene.background[3] >= 1.0 else None  # opaque end stage
        page = batches[len(stage):]
        generations = self.images.atlas.generation, self.text.atlas.generation
        page_key = backdrop_key(page, scene.background, generations, PAGE_CACHEABLE) if stage else None
        if fade is None:
            self.backdrop.fading(None, page_key)
        elif self._fade(fade, (page, page_key), scene, used):
            return
        kept = candidates(stage)
        keys = [backdrop_key(part, scene.background, (self.images.atlas.generation,)) for part, _over in kept]
        chosen = self.backdrop.choose(keys)
        if chosen is not None:
            key, (still, over) = keys[chosen], kept[chosen]
            assert key is not None
            if self.backdrop.needs_drawing(key):
                self._clear(self.backdrop.target(key), scene)
                self._draw_batches(still, used)
            self.backdrop.copy_to(self.fbo)
            self.fbo.use()
            vp = self.viewport
            ctx.viewport = (vp.x, vp.y, vp.w, vp.h)
            batches = [*over, *batches[len(stage):]]
        else:
            self._clear(self.fbo, scene)
        self._draw_batches(batches, used)

    def _fade(self, fade: Fade, page: tuple[list[Batch], Key | None], scene: Scene, used: dict[Material, int]) -> bool:
        """A dissolve over still people, drawn as the fade of two kept stages (render/backdrop.py), the
        page over it unless it is kept in both stages too. False: not drawn (draw as usual)."""
        plan = self.backdrop.fade_plan(fade, *page, scene.background, self.images.atlas.generation)
        if plan is None:
            return False
        self.backdrop.choose([])
        vp = self.viewport
        for drawing in plan.drawing:
            if drawing.clear:
                self._clear(drawing.target, scene)
            else:
                drawing.target.use()
                self.ctx.viewport = (vp.x, vp.y, vp.w, vp.h)
            self.ctx.scissor = drawing.band
            self._draw_batches(drawing.batches, used)
            self.ctx.scissor = None
        self.backdrop.copy_to(self.fbo)
        if plan.faded:
            self.backdrop.fade_over(self.fbo, fade.alpha)
        self.fbo.use()
        self.ctx.viewport = (vp.x, vp.y, vp.w, vp.h)
        if not plan.page_kept:
            self._draw_batches(page[0], used)
        return True

    def _clear(self, target: moderngl.Framebuffer, scene: Scene) -> None:
        target.use()
        self.ctx.viewport = (0, 0, *self.size)
        target.clear(*scene.background)
        vp = self.viewport
        self.ctx.viewport = (vp.x, vp.y, vp.w, vp.h)

    def _draw_batches(self, batches: list[Batch], used: dict[Material, int]) -> None:
        read_rings = False
        for batch in batches:
            if not len(batch.rows):
                continue
            if batch.material in ("video", "panorama"):
                read_rings |= self._draw_streams(batch, used)
                continue
            for texture, rows in self._by_texture(batch):
                if texture is not None:
                    texture.use(0)
                pool, index = self._pools[batch.material], used[batch.material]
                used[batch.material] += 1
                pool.fill(index, rows)
                if batch.material == "shape" and sliced(rows):
                    self._draw_sliced(pool, index, rows)
                else:
                    pool.render(index, len(rows))
        if read_rings and self.frames is not None:
            self.frames.drawn()

    def _draw_sliced(self, pool: InstancePool, index: int, rows: npt.NDArray[np.float32]) -> None:
        """Large shapes that do not overlap (kiosk/render/slices.py): every core, flat-coloured (without
        blending when all are opaque: nothing shows through), then every edge band with its distance field."""
        opaque = bool((rows[:, 11] >= 1.0).all())
        if opaque:
            self.ctx.disable(moderngl.BLEND)
        pool.render(index, len(rows), CORES)
        if opaque:
            self.ctx.enable(moderngl.BLEND)
        pool.render(index, len(rows), BANDS)

    def _by_texture(self, batch: Batch) -> list[tuple[moderngl.Texture | None, npt.NDArray[np.float32]]]:
        """The batch's rows in runs that sample one texture each, in painter's order: the atlas, or a
        large picture's own texture (its id in the row's last float)."""
        if batch.material == "shape":
            return [(None, batch.rows)]
        atlas = self._textures[batch.material]
        if batch.material != "image" or not batch.rows[:, 15].any():
            return [(atlas, batch.rows)]
        ids = batch.rows[:, 15].astype(int)
        starts = [0, *(np.flatnonzero(np.diff(ids)) + 1).tolist(), len(ids)]
        runs: list[tuple[moderngl.Texture | None, npt.NDArray[np.float32]]] = []
        for start, end in pairwise(starts):
            texture = self.own_textures.get(int(ids[start])) if ids[start] else atlas
            if texture is not None:  # released since it was batched: drawn next frame
                runs.append((texture, np.ascontiguousarray(batch.rows[start:end])))
        return runs

    def _draw_streams(self, batch: Batch, used: dict[Material, int]) -> bool:
        """One draw per stream (each has its own texture); a stream with no frame yet draws nothing.
        True if a frame was read from a mapped ring."""
        names = self.builder.streams
        program = self._programs[batch.material]
        read_rings = False
        for index in np.unique(batch.rows[:, 15]).astype(int):
            name = names[index]
            rows = np.ascontiguousarray(batch.rows[batch.rows[:, 15] == index])
            if batch.material == "video" and self._copied(name, rows):
                continue
            texture = self.streams.get(name)
            copied = self.copies.texture(name)  # screen-ready, but not where it can be copied
            set_uniform(program, "u_bottom_up", int(copied is not None))
            if copied is not None:
                texture = copied
            if texture is not None:
                texture.use(UPLOADED_STREAM_UNIT)
                set_uniform(program, "u_mapped", 0)
                size = texture.size
            elif name in self.mapped and self.frames is not None:
                buffer_texture, size = self.mapped[name]
                self.frames.gl.bind_buffer_texture(STREAM_UNIT, buffer_texture)
                set_uniform(program, "u_mapped", 1)
                read_rings = True
            else:
                continue
            set_uniform(program, "u_frame_size", size)
            set_uniform(program, "u_exact", int(batch.material == "video" and self._pixel_for_pixel(rows, size)))
            opaque = batch.material == "video" and bool((rows[:, 11] >= 1.0).all() and (rows[:, 12] <= 0.0).all())
            if opaque:  # nothing shows through: skip the blend's read of the target (llvmpipe: a tenth of a draw)
                self.ctx.disable(moderngl.BLEND)
            self._pools[batch.material].fill(used[batch.material], rows)
            self._pools[batch.material].render(used[batch.material], len(rows))
            used[batch.material] += 1
            if opaque:
                self.ctx.enable(moderngl.BLEND)
        return read_rings

    def _copied(self, name: str, rows: npt.NDArray[np.float32]) -> bool:
        """Copy the stream's screen-ready frame into the target if it fits its place there (True);
        either way remember which size would fit, for the decoder (`wanted_size`)."""
        target = self.ctx.fbo
        vp = self.viewport
        spot = place(rows, vp.scale, (vp.x, self.size[1] - vp.y - vp.h), self.size) if target is self.fbo else None
        self.copies.note(name, spot)
        return spot is not None and self.copies.copy(name, spot, self.fbo)

    def wanted_size(self, name: str) -> tuple[int, int] | None:
        """The size of screen-ready frames the stream's place took when last drawn (None: it cannot
        be copied there): what the media deck asks its decoder for."""
        return self.copies.wanted.get(name)

    def _pixel_for_pixel(self, rows: npt.NDArray[np.float32], size: tuple[int, int]) -> bool:
        """Every video rect of `rows` covers exactly the frame's pixels on the target (within a
        quarter pixel), so reading texels unfiltered shows the same picture."""
        scale = self.viewport.scale
        return bool((np.abs(rows[:, 2] * scale - size[0]) < 0.25).all()
                    and (np.abs(rows[:, 3] * scale - size[1]) < 0.25).all())

    def _upload_atlases(self) -> None:
        upload_own_pictures(self.ctx, self.images, self.own_textures, self.spares)
        upload_atlases(self.ctx, self._atlases, self._textures)

    def present(self) -> None:
        self.presenter.present(self.fbo)

    def finish(self) -> None:
        """Wait for the GPU: for benchmarks and before reading pixels (render/present.py)."""
        self.presenter.finish()

    # -- reading back -------------------------------------------------------------------
    def read_pixels(self) -> npt.NDArray[np.uint8]:
        """The current frame as H×W×4 RGBA, top row first."""
        data = self.fbo.read(components=4, alignment=1)
        return np.frombuffer(data, np.uint8).reshape(self.size[1], self.size[0], 4)[::-1].copy()

    def still(self) -> None:
        """The screen holds still after this frame (the loop sleeps until its next change): the kept
        stage (render/backdrop.py: a full-screen buffer, 8 MB at 1080p, the process's own memory on
        llvmpipe) is freed; the next animation keeps it again from its first frame. So are the spare
        textures (render/spares.py): a scene on its way gets its texture made ahead on a frame of its own."""
        self.backdrop.release()
        self.spares.release()

    def waiting(self) -> bool:
        """Pictures the last frame showed are still being rasterised off the frame thread: the loop keeps
        drawing until they show (pictures asked for ahead of time do not count)."""
        return self.builder.pending_images > 0

    def release(self) -> None:
        self.presenter.wait_in_flight()
        self.images.vectors.close()
        for pool in self._pools.values():
            pool.release()
        for texture in [*self._textures.values(), *self.streams.values(), *self.own_textures.values()]:
            texture.release()
        self.streams.clear()
        self.own_textures.clear()
        self.spares.release()
        self.copies.release()
        self.backdrop.release()
        for name in list(self.mapped):
            self._unmap(name)
        for program in self._programs.values():
            program.release()
        self._quad.release()
        for mesh in self._shape_meshes:
            mesh.buffer.release()
        self._core_program.release()
        self.fbo.release()
