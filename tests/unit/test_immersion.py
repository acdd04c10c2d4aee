"""What an eye of a monitor-driven headset sees of a flat 360° screen (pure geometry)."""

from __future__ import annotations

import pytest

from kiosk.media.sphere import Look, project
from kiosk.runtime.immersion import immersive_eye
from kiosk.view.nodes import Button, Group, Panorama, Rect, Scene, Text

AREA = Rect(160, 230, 1600, 560)
EYE = (960.0, 1080.0)


def _flat_screen(look: Look, spot: tuple[float, float]) -> Scene:
    seen = project(*spot, look, AREA.w / AREA.h)
    assert seen is not None
    x, y = AREA.x + (seen[0] + 1) / 2 * AREA.w, AREA.y + (seen[1] + 1) / 2 * AREA.h
    return Scene(Group((
        Text(960, 60, "Trouvez les risques", 44),  # the prompt, above the view
        Panorama(AREA, "pack/media/cuisine.jpg", look.yaw, look.pitch, look.fov),
        Group((Button(Rect(x - 40, y - 40, 80, 80), "1", (0, 0, 0, 255)),), dx=0.0),  # the hotspot's number
        Text(960, AREA.y + AREA.h - 70, "Le four est allumé.", 32, align="center"),  # a caption over the view
        Button(Rect(AREA.x, AREA.y + AREA.h + 14, 88, 72), "1", (0, 0, 0, 255)),  # the row underneath
    )))


@pytest.mark.parametrize("spot", [(20.0, 5.0), (-25.0, -10.0), (10.0, 12.0)])
def test_hotspot_numbers_stay_at_their_angles_in_the_eye(spot: tuple[float, float]) -> None:
    look = Look(yaw=5.0, pitch=0.0, fov=75.0)
    eye = immersive_eye(_flat_screen(look, spot), _flat_screen(look, spot).root.children[1],  # type: ignore[arg-type]
                        eye_fov=90.0, size=EYE)
    marker = next(n for n in eye.root.children if isinstance(n, Button))
    expected = project(*spot, Look(look.yaw, look.pitch, 90.0), EYE[0] / EYE[1])
    assert expected is not None
    centre = (marker.rect.x + marker.rect.w / 2, marker.rect.y + marker.rect.h / 2)
    assert centre[0] == pytest.approx((expected[0] + 1) / 2 * EYE[0], abs=0.5)
    assert centre[1] == pytest.approx((expected[1] + 1) / 2 * EYE[1], abs=0.5)


def test_the_sphere_fills_the_eye_and_only_what_lies_over_the_view_follows() -> None:
    look = Look(yaw=0.0, pitch=0.0, fov=75.0)
    flat = _flat_screen(look, (10.0, 0.0))
    eye = immersive_eye(flat, flat.root.children[1], eye_fov=90.0, size=EYE)  # type: ignore[arg-type]
    sphere = eye.root.children[0]
    assert isinstance(sphere, Panorama)
    assert (sphere.rect, sphere.fov, sphere.stream) == (Rect(0, 0, *EYE), 90.0, "pack/media/cuisine.jpg")
    texts = [n for n in eye.root.children if isinstance(n, Text)]
    assert [t.text for t in texts] == ["Le four est allumé."]  # the caption, not the prompt above the view
    assert 0 < texts[0].y < EYE[1] and texts[0].size > 32  # still inside the eye, scaled like the view
    assert sum(isinstance(n, Button) for n in eye.root.children) == 1  # the row underneath stays flat-only
