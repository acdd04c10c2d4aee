"""A small staged pack written for the staging tests: two characters with their faces as SVG, two
scenes, a dialogue that changes scene, a choice with a reaction. Tests break copies of it."""

from __future__ import annotations

from pathlib import Path

SCENARIO = """\
format: nova-scenario/1
id: staged
title: {fr: Une scène, en: A scene, ar: مشهد, uk: Сцена}
languages: [fr, en, ar, uk]
start: brief
observables:
  ecoute:
    skills: [T4.1]
    describe: {fr: vous écoutez, en: you listen, ar: تستمع, uk: ви слухаєте}
cast:
  karim:
    name: {fr: Chef Karim, en: Chef Karim, ar: الشيف كريم, uk: Шеф Карім}
    expressions:
      neutral: media/cast/karim-neutral.svg
      happy: media/cast/karim-happy.svg
  lina:
    name: {fr: Lina, en: Lina, ar: لينا, uk: Ліна}
    expressions:
      neutral: media/cast/lina-neutral.svg
      worried: media/cast/lina-worried.svg
      happy: media/cast/lina-happy.svg
scenes:
  cuisine:
    picture: media/scenes/cuisine.svg
    ambient: media/sounds/cuisine.ogg
  salle:
    picture: media/scenes/salle.svg
steps:
  - id: brief
    type: dialogue
    stage:
      scene: cuisine
      transition: {kind: dissolve, seconds: 0.6}
      characters:
        - {who: karim, at: left, expression: neutral}
        - {who: lina, at: right, expression: worried}
    lines:
      - who: karim
        expression: happy
        says: {fr: Bonjour !, en: Morning!, ar: صباح الخير!, uk: Доброго ранку!}
      - who: lina
        says: {fr: On s'organise., en: Let's get organised., ar: لننظّم عملنا., uk: Організуймося.}
    next: question
  - id: question
    type: choice
    text: {fr: "Que faites-vous ?", en: "What do you do?", ar: ماذا تفعل؟, uk: "Що ви робите?"}
    options:
      - id: a
        text: {fr: J'écoute, en: I listen, ar: أستمع, uk: Слухаю}
        evidence: {ecoute: 2}
        reaction: {who: lina, expression: happy, says: {fr: Merci !, en: Thanks!, ar: شكرًا!, uk: Дякую!}}
      - id: b
        text: {fr: Je pars, en: I leave, ar: أغادر, uk: Іду}
        feedback: {fr: Dommage., en: Too bad., ar: للأسف., uk: Шкода.}
      - id: c
        text: {fr: J'attends, en: I wait, ar: أنتظر, uk: Чекаю}
    next: salle
  - id: salle
    type: dialogue
    stage:
      scene: salle
      transition: {kind: slide}
      characters:
        - {who: karim, at: centre}
    lines:
      - who: karim
        says: {fr: Au service !, en: Service!, ar: إلى الخدمة!, uk: До роботи!}
    next: fin
  - id: fin
    type: end
    text: {fr: Fini., en: Done., ar: انتهى., uk: Кінець.}
"""

PACK = """\
format: nova-pack/1
id: staged
version: 1.0.0
scenario: scenario.yaml
trade:
  rome: G1602
  title: {fr: Commis, en: Assistant, ar: مساعد, uk: Помічник}
  pitch: {fr: Vous cuisinez., en: You cook., ar: تطبخ., uk: Ви готуєте.}
  sector: hotellerie-restauration
  shortage: {level: 4, source: test}
  card_image: media/card.png
"""


def face(colour: str, mouth: str) -> str:
    """A flat character: head, body, a mouth whose shape is the expression."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 400" width="200" height="400">'
            f'<rect x="30" y="170" width="140" height="230" rx="40" fill="{colour}"/>'
            f'<circle cx="100" cy="100" r="70" fill="#c68642"/>'
            f'<circle cx="75" cy="90" r="8" fill="#222"/><circle cx="125" cy="90" r="8" fill="#222"/>'
            f'<path d="{mouth}" stroke="#222" stroke-width="8" fill="none"/></svg>')


SMILE, FLAT, FROWN = "M65 125 Q100 160 135 125", "M65 135 L135 135", "M65 145 Q100 115 135 145"


def backdrop(sky: str, floor: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1600 900" width="1600" height="900">'
            f'<rect width="1600" height="600" fill="{sky}"/><rect y="600" width="1600" height="300" fill="{floor}"/>'
            f'<rect x="200" y="250" width="400" height="220" fill="#ffffff" opacity="0.5"/></svg>')


def write_staged_pack(root: Path) -> Path:
    pack = root / "staged"
    for folder in ("media/cast", "media/scenes", "media/sounds"):
        (pack / folder).mkdir(parents=True, exist_ok=True)
    (pack / "pack.yaml").write_text(PACK, encoding="utf-8")
    (pack / "scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    faces = {"karim-neutral": ("#e63946", FLAT), "karim-happy": ("#e63946", SMILE),
             "lina-neutral": ("#2a9d8f", FLAT), "lina-worried": ("#2a9d8f", FROWN), "lina-happy": ("#2a9d8f", SMILE)}
    for name, (colour, mouth) in faces.items():
        (pack / "media" / "cast" / f"{name}.svg").write_text(face(colour, mouth), encoding="utf-8")
    (pack / "media" / "scenes" / "cuisine.svg").write_text(backdrop("#a8dadc", "#457b9d"), encoding="utf-8")
    (pack / "media" / "scenes" / "salle.svg").write_text(backdrop("#f4a261", "#6d4c41"), encoding="utf-8")
    (pack / "media" / "card.png").write_bytes(b"\x89PNG")  # lint checks it exists
    (pack / "media" / "sounds" / "cuisine.ogg").write_bytes(b"OggS")  # lint checks it exists, nothing plays it
    return pack


def edit(path: Path, old: str, new: str) -> tuple[int, int]:
    """Replace the first `old` by `new`; the (line, col) where it was."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1
