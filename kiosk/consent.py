"""What the visitor agreed to on the consent screen: one frozen value, carried from the screen
(kiosk.runtime.consent) to the visit host, the store (the session row, the offers shared) and the
statements, and read by the hand-off (kiosk.credentials.handoff). Both choices are off until the
visitor turns them on; sharing with employers is separate and can be taken back (`revoked`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Consent:
    results_to_phone: bool = False
    share_with_employers: bool = False  # opt-in, separate, revocable
    decided: bool = False  # the visitor confirmed the screen (Continue); before that nothing is agreed
    revoked: bool = False

    def allows_handoff(self) -> bool:
        return self.results_to_phone and not self.revoked

    def allows_sharing(self) -> bool:
        return self.decided and self.share_with_employers and not self.revoked
