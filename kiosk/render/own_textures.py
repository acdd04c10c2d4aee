"""Pictures into textures: large ones in textures of their own (images.OwnPicture), filled a strip per
frame; small ones and glyphs into their atlases' textures."""

from __future__ import annotations

from collections.abc import Mapping

import moderngl
import numpy as np

from kiosk.render.atlas import Atlas
from kiosk.render.images import ImageLibrary, OwnPicture
from kiosk.render.spares import SpareTextures


def upload_own_pictures(ctx: moderngl.Context, images: ImageLibrary, own_textures: dict[int, moderngl.Texture],
                        spares: SpareTextures) -> None:
    """Large pictures' own textures: one strip each per frame (images.STRIP_BYTES), so a new
    full-screen scene never stalls a frame; their textures made on a frame of their own before
    the pixels arrive, and an evicted one's kept for the next (render/spares.py)."""
    for released in images.released:
        texture = own_textures.pop(released, None)
        if texture is not None:
            spares.keep(texture)
    images.released.clear()
    uploads = images.uploads()
    made = False
    for picture in uploads:
        texture = own_textures.get(picture.id)
        if texture is None:
            size = (picture.width, picture.height)
            texture = spares.take(size)
            if texture is None:  # made now (llvmpipe clears its memory): one a frame, filled from the next
                if not made:
                    made = True
                    _own_texture(own_textures, picture, ctx.texture(size, 4))
                continue
            _own_texture(own_textures, picture, texture)
        top, rows = picture.next_strip()
        texture.write(np.ascontiguousarray(rows), viewport=(0, top, picture.width, len(rows)))  # no copy
    if not uploads:
        spares.make_ahead(images.coming)

def _own_texture(own_textures: dict[int, moderngl.Texture], picture: OwnPicture, texture: moderngl.Texture) -> None:
    own_textures[picture.id] = texture
    texture.repeat_x = texture.repeat_y = False  # sampled 0..1: no bleeding from the far edge
    # one texel a pixel: bilinear filtering adds nothing but costs (on llvmpipe a full-screen 1:1
    # picture fills in ~98 ms bilinear, ~68 ms nearest; the bare quad ~66 ms)
    texture.filter = (moderngl.NEAREST,) * 2 if picture.exact else (moderngl.LINEAR,) * 2


def upload_atlases(ctx: moderngl.Context, atlases: Mapping[str, Atlas],
                   textures: dict[str, moderngl.Texture]) -> None:
    """The atlases' new pictures (glyphs, small pictures) written into their textures; a grown atlas gets
    a new, blank texture, a reset one is cleared first (no old picture shows through the padding)."""
    for material, atlas in atlases.items():
        cleared, uploads = atlas.take_uploads()
        texture = textures[material]
        if texture.size != (atlas.width, atlas.height):
            texture.release()
            texture = textures[material] = ctx.texture((atlas.width, atlas.height), atlas.channels)
        elif cleared:
            target = ctx.framebuffer(color_attachments=[texture])
            target.clear()
            target.release()
        for upload in uploads:
            # Atlas rows are stored top-down and sampled with v from the top, so row r of
            # a picture is row region.y + r of the texture: written as it is.
            region = upload.region
            texture.write(upload.pixels, viewport=(region.x, region.y, region.w, region.h))
