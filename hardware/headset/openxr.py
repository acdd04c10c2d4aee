"""The OpenXR headset, through pyopenxr (which bundles the Khronos loader).

`start()` never raises for a missing headset: with no OpenXR runtime installed the loader
raises `RuntimeUnavailableError`, which becomes the status NO_RUNTIME with a hint; a runtime
without a head-mounted display gives NO_DEVICE. With both, a session is opened on an EGL
offscreen context (pyopenxr's `ContextObject`), `poll()` waits for the next frame and reads the
head pose, and `submit()` copies the two eye images into the runtime's swapchains.

Only the first two paths can run on the project's machines (no OpenXR runtime is packaged for
Debian bookworm); the session path follows pyopenxr's own `ContextObject` frame loop.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from hardware.headset.base import EyeView, HeadsetSample, HeadsetStatus, Pose, eye_views

log = logging.getLogger(__name__)
NO_RUNTIME_HINT = ("install and start an OpenXR runtime (Monado, SteamVR, or the headset vendor's), or set "
                   "XR_RUNTIME_JSON to its manifest; the kiosk carries on without the headset")


class OpenXRHeadset:
    name = "OpenXR headset"

    def __init__(self, application: str = "Nova Kiosk") -> None:
        self.application = application
        self.status = HeadsetStatus.STOPPED
        self.reason = "not started"
        self.system_name = ""
        self._xr: Any = None
        self._instance: Any = None
        self._context: Any = None
        self._frames: Iterator[Any] | None = None
        self._frame_state: Any = None
        self._worn = False

    def start(self, now: float = 0.0) -> HeadsetStatus:
        # The loader prints its own multi-line errors when there is no runtime; our status says it in
        # one line. XR_LOADER_DEBUG=error (or all) in the environment brings them back for debugging.
        os.environ.setdefault("XR_LOADER_DEBUG", "none")
        try:
            import xr  # pyopenxr: the loader comes with it
        except ImportError:
            return self._set(HeadsetStatus.NO_RUNTIME, "pyopenxr is not installed (pip install pyopenxr)")
        self._xr = xr
        try:
            self._instance = xr.create_instance(xr.InstanceCreateInfo(
                application_info=xr.ApplicationInfo(application_name=self.application, engine_name="nova-kiosk")))
        except xr.exception.RuntimeUnavailableError:
            return self._set(HeadsetStatus.NO_RUNTIME, f"no headset runtime: {NO_RUNTIME_HINT}")
        except xr.exception.XrException as exc:
            return self._set(HeadsetStatus.NO_RUNTIME, f"the OpenXR runtime failed to start ({exc}): "
                                                       f"{NO_RUNTIME_HINT}")
        try:
            system = xr.get_system(self._instance, xr.SystemGetInfo(form_factor=xr.FormFactor.HEAD_MOUNTED_DISPLAY))
            properties = xr.get_system_properties(self._instance, system)
            self.system_name = bytes(properties.system_name).split(b"\0")[0].decode(errors="replace")
        except xr.exception.FormFactorUnavailableError:
            return self._set(HeadsetStatus.NO_DEVICE, "no headset connected: plug it in and switch it on")
        except xr.exception.XrException as exc:
            return self._set(HeadsetStatus.NO_DEVICE, f"the OpenXR runtime has no usable headset ({exc})")
        finally:
            xr.destroy_instance(self._instance)  # the probe's instance; the session makes its own
            self._instance = None
        return self._set(HeadsetStatus.READY, f"{self.system_name} via OpenXR")

    def poll(self, now: float) -> HeadsetSample:
        if self.status != HeadsetStatus.READY:
            return HeadsetSample(now, self.status, None, False, None, self.reason)
        try:
            pose = self._next_frame()
        except self._xr.exception.XrException as exc:
            self._close_session()
            self._set(HeadsetStatus.NO_DEVICE, f"headset session lost ({exc})")
            return HeadsetSample(now, self.status, None, False, None, self.reason)
        status = HeadsetStatus.READY if self._worn else HeadsetStatus.NOT_WORN
        # OpenXR reports no battery level in its core API.
        return HeadsetSample(now, status, pose, self._worn, None, self.reason)

    def eye_views(self, pose: Pose) -> tuple[EyeView, EyeView]:
        return eye_views(pose)

    def submit(self, eyes: Sequence[npt.NDArray[np.uint8]]) -> None:
        if self._context is None or self._frame_state is None:
            return  # no session (no runtime, no device, or not focused): nothing is shown, nothing breaks
        from OpenGL import GL

        for index, _view in enumerate(self._context.view_loop(self._frame_state)):
            image = np.ascontiguousarray(eyes[index][::-1])  # GL rows start at the bottom
            swapchain = self._context.swapchains[index]
            GL.glTexSubImage2D(GL.GL_TEXTURE_2D, 0, 0, 0, min(image.shape[1], swapchain.width),
                               min(image.shape[0], swapchain.height), GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, image)
        self._frame_state = None
        if self._frames is not None:
            next(self._frames, None)  # ends the frame (xrEndFrame) and waits for the next one

    def stop(self) -> None:
        self._close_session()
        self._set(HeadsetStatus.STOPPED, "stopped")

    def _next_frame(self) -> Pose | None:
        xr = self._xr
        if self._context is None:
            from xr.utils.gl.context_object import ContextObject
            from xr.utils.gl.egl_util import EGLOffscreenContextProvider

            self._context = ContextObject(EGLOffscreenContextProvider(), instance_create_info=xr.InstanceCreateInfo(
                application_info=xr.ApplicationInfo(application_name=self.application, engine_name="nova-kiosk"),
                enabled_extension_names=[xr.KHR_OPENGL_ENABLE_EXTENSION_NAME]))
            self._context.__enter__()
            self._frames = self._context.frame_loop()
        assert self._frames is not None
        self._frame_state = next(self._frames, None)
        # The runtime shows the session only while someone wears the headset (FOCUSED/VISIBLE).
        self._worn = self._context.session_state in (xr.SessionState.FOCUSED, xr.SessionState.VISIBLE)
        if self._frame_state is None:
            return None
        view_space = xr.create_reference_space(self._context.session, xr.ReferenceSpaceCreateInfo(
            reference_space_type=xr.ReferenceSpaceType.VIEW))
        try:
            location = xr.locate_space(view_space, self._context.space, self._frame_state.predicted_display_time)
        finally:
            xr.destroy_space(view_space)
        p, o = location.pose.position, location.pose.orientation
        return Pose((p.x, p.y, p.z), (o.x, o.y, o.z, o.w))

    def _close_session(self) -> None:
        if self._context is not None:
            try:
                self._context.__exit__(None, None, None)
            except Exception as exc:  # a dying runtime must not take the kiosk down
                log.warning("closing the OpenXR session: %s", exc)
        self._context = self._frames = self._frame_state = None

    def _set(self, status: HeadsetStatus, reason: str) -> HeadsetStatus:
        if status != self.status:
            log.info("headset: %s (%s)", status, reason)
        self.status, self.reason = status, reason
        return status
