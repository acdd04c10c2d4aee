"""The JSON Schemas of `pack.yaml` and `scenario.yaml`: the loader validates against them,
and `kiosk schema` publishes them (docs/schema/) so editors can complete and check.

Built in Python so each shape (a text, an evidence map, a step) is written once.
"""

from __future__ import annotations

from typing import Any

PACK_FORMAT = "nova-pack/1"
SCENARIO_FORMAT = "nova-scenario/1"
SCHEMA_BASE = "https://nova-kiosk.invalid/schema"

ID_PATTERN = "^[a-z0-9][a-z0-9_-]*$"
LANGUAGE_PATTERN = "^[a-z]{2,3}$"
ESCO_CODE_PATTERN = r"^T[1-6](\.[1-9])?$"
MEDIA_PATTERN = r"^(?!/)(?!.*\.\.)[^\\]+$"  # a relative path inside the pack, '/' separated

Schema = dict[str, Any]


def _id(description: str) -> Schema:
    return {"type": "string", "pattern": ID_PATTERN, "description": description}


def _media(description: str) -> Schema:
    return {"type": "string", "pattern": MEDIA_PATTERN, "description": description}


TEXT: Schema = {
    "type": "object",
    "description": "A text per language (`fr`, `en`, ...), and easy-read variants under `falc`.",
    "minProperties": 1,
    "patternProperties": {LANGUAGE_PATTERN: {"type": "string", "minLength": 1}},
    "properties": {
        "falc": {
            "type": "object",
            "description": "Easy-read (FALC) version of the text, per language.",
            "patternProperties": {LANGUAGE_PATTERN: {"type": "string", "minLength": 1}},
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}
TEXT_REF = {"$ref": "#/$defs/text"}

EVIDENCE: Schema = {
    "type": "object",
    "description": "Credits this answer gives to observables: `observable-id: credit` (1 or more).",
    "patternProperties": {ID_PATTERN: {"type": "integer", "minimum": 1, "maximum": 5}},
    "additionalProperties": False,
}


PICTURE = r"^(?!/)(?!.*\.\.)[^\\]+\.(svg|png|jpe?g|webp|SVG|PNG|JPE?G|WEBP)$"
SOUND = r"^(?!/)(?!.*\.\.)[^\\]+\.(ogg|wav|OGG|WAV)$"
EXPRESSION = _id("An expression of the character, e.g. `neutral`, `happy`, `worried`, `annoyed`.")
CAST: Schema = {
    "type": "object", "minProperties": 1,
    "description": "The characters of the pack, declared once: a name per language, a picture per expression.",
    "patternProperties": {ID_PATTERN: {
        "type": "object",
        "properties": {
            "name": TEXT_REF,
            "expressions": {
                "type": "object", "required": ["neutral"], "minProperties": 1,
                "description": "A picture (SVG, PNG, JPEG or WebP) per expression; `neutral` at least.",
                "patternProperties": {ID_PATTERN: {"type": "string", "pattern": PICTURE,
                                                   "description": "Picture of the face, relative to the pack."}},
                "additionalProperties": False},
        },
        "required": ["name", "expressions"], "additionalProperties": False}},
    "additionalProperties": False,
}
SCENES: Schema = {
    "type": "object", "minProperties": 1,
    "description": "Places a step can be staged in: a background picture, an optional ambient loop.",
    "patternProperties": {ID_PATTERN: {
        "type": "object",
        "properties": {
            "picture": {"type": "string", "pattern": MEDIA_PATTERN,
                        "description": "Background: SVG, PNG, JPEG or WebP; or a 360° picture/clip "
                                       "(.jpg/.mp4) shown flat."},
            "ambient": {"type": "string", "pattern": SOUND, "description": "Ambient loop (.ogg or .wav)."},
        },
        "required": ["picture"], "additionalProperties": False}},
    "additionalProperties": False,
}
STAGE: Schema = {
    "type": "object",
    "description": "The scene and the characters behind this step; it stays for the following steps until "
                   "a step sets another.",
    "properties": {
        "scene": _id("A scene from `scenes:`."),
        "transition": {
            "type": "object",
            "properties": {"kind": {"enum": ["cut", "dissolve", "slide"]},
                           "seconds": {"type": "number", "minimum": 0, "maximum": 5,
                                       "description": "Duration (default 0.5 s)."}},
            "required": ["kind"], "additionalProperties": False},
        "characters": {
            "type": "array", "maxItems": 3, "description": "Left to right; one per position.",
            "items": {"type": "object",
                      "properties": {"who": _id("A character from `cast:`."),
                                     "at": {"enum": ["left", "centre", "right"]},
                                     "expression": EXPRESSION},
                      "required": ["who", "at"], "additionalProperties": False}},
    },
    "required": ["scene"], "additionalProperties": False,
}
REACTION: Schema = {
    "type": "object",
    "description": "A character's reaction to this answer, shown before the feedback.",
    "properties": {"who": _id("A character from `cast:`, on stage."), "expression": EXPRESSION,
                   "says": TEXT_REF},
    "required": ["who"], "additionalProperties": False,
}


def _option(*, hotspot: bool) -> Schema:
    properties: Schema = {
        "id": _id("Short id of the answer, unique in the step (e.g. `a`, `ask-colleague`)."),
        "text": TEXT_REF,
        "feedback": TEXT_REF,
        "evidence": {"$ref": "#/$defs/evidence"},
        "next": _id("Step to go to when this is picked (default: the step's `next`)."),
        "reaction": {"$ref": "#/$defs/reaction"},
    }
    required = ["id", "text"]
    if hotspot:
        properties |= {
            "yaw": {"type": "number", "minimum": -180, "maximum": 180,
                    "description": "Degrees to the right of straight ahead (-180..180)."},
            "pitch": {"type": "number", "minimum": -90, "maximum": 90, "description": "Degrees up (-90..90)."},
            "radius": {"type": "number", "exclusiveMinimum": 0, "maximum": 45,
                       "description": "How many degrees around the spot count as a hit (default 10)."},
        }
        required += ["yaw", "pitch"]
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def _debrief() -> Schema:
    """The replay of a key moment after the scenario: the situation, what a professional would do, and why."""
    return {
        "type": "object",
        "description": "Shown after the scenario when this moment is replayed: the situation in one line, what a "
                       "professional would do (`professional`, or `best`: the id of the answer they would give) "
                       "and why. Never shaming: the visitor reads it whatever they chose.",
        "properties": {
            "moment": TEXT_REF | {"description": "The situation, in one line."},
            "professional": TEXT_REF | {"description": "What a professional would do."},
            "best": _id("Id of the answer a professional would give (its text is shown)."),
            "why": TEXT_REF | {"description": "Why: safety, teamwork, the customer..."},
        },
        "required": ["moment", "why"],
        "anyOf": [{"required": ["professional"]}, {"required": ["best"]}],
        "additionalProperties": False,
    }


COMMON_STEP: Schema = {
    "id": _id("Unique id of the step; other steps point to it with `next`."),
    "type": {"enum": ["video", "video360", "dialogue", "choice", "multiple_choice", "timed_choice",
                      "ordering", "hotspot", "end"]},
    "text": TEXT_REF,
    "stage": {"$ref": "#/$defs/stage"},
    "order": {"enum": ["fixed", "shuffled"],
              "description": "`fixed` keeps the options in the written order; by default they are shuffled "
                             "per visit."},
    "debrief": {"$ref": "#/$defs/debrief"},
}
NEXT = _id("The step that follows.")
CAPTIONS: Schema = {
    "type": "object", "description": "WebVTT caption file per language.",
    "patternProperties": {LANGUAGE_PATTERN: _media("A .vtt file in the pack.")}, "additionalProperties": False,
}

STEP_TYPES: dict[str, tuple[Schema, list[str]]] = {
    "video": ({"clip": _media("H.264 .mp4 clip in the pack."), "captions": CAPTIONS, "next": NEXT},
              ["clip", "next"]),
    "video360": ({"clip": _media("Equirectangular H.264 .mp4 clip in the pack."), "captions": CAPTIONS,
                  "next": NEXT}, ["clip", "next"]),
    "dialogue": ({"lines": {"type": "array", "minItems": 1, "items": {
                     "type": "object",
                     "properties": {"speaker": TEXT_REF, "who": _id("A character from `cast:`, on stage."),
                                    "expression": EXPRESSION, "says": TEXT_REF},
                     "required": ["says"], "oneOf": [{"required": ["speaker"]}, {"required": ["who"]}],
                     "additionalProperties": False}},
                  "image": _media("Picture shown beside the dialogue."), "next": NEXT}, ["lines", "next"]),
    "choice": ({"options": {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/option"}},
                "image": _media("Picture shown with the question."), "next": NEXT}, ["text", "options"]),
    "multiple_choice": ({"options": {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/option"}},
                         "image": _media("Picture shown with the question."), "next": NEXT},
                        ["text", "options", "next"]),
    "timed_choice": ({"options": {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/option"}},
                      "seconds": {"type": "number", "minimum": 3, "maximum": 600,
                                  "description": "Time to answer; long enough to read everything slowly."},
                      "timeout": _id("Step to go to when the time is up."),
                      "image": _media("Picture shown with the question."), "next": NEXT},
                     ["text", "options", "seconds", "timeout"]),
    "ordering": ({"items": {"type": "array", "minItems": 3, "items": {
                     "type": "object", "properties": {"id": _id("Item id."), "text": TEXT_REF},
                     "required": ["id", "text"], "additionalProperties": False}},
                  "correct": {"type": "array", "minItems": 3, "items": _id("An item id."),
                              "description": "Item ids in the right order."},
                  "evidence": {"type": "object", "description": "Per observable: `{exact: N, near: M}`.",
                               "patternProperties": {ID_PATTERN: {
                                   "type": "object",
                                   "properties": {"exact": {"type": "integer", "minimum": 1, "maximum": 5},
                                                  "near": {"type": "integer", "minimum": 0, "maximum": 5}},
                                   "required": ["exact"], "additionalProperties": False}},
                               "additionalProperties": False, "minProperties": 1},
                  "next": NEXT}, ["text", "items", "correct", "evidence", "next"]),
    "hotspot": ({"image": _media("Equirectangular (2:1) picture in the pack."),
                 "spots": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/hotspot"}},
                 "multiple": {"type": "boolean", "description": "Let the player find several spots."},
                 "next": NEXT}, ["text", "image", "spots", "next"]),
    "end": ({}, ["text"]),
}


def _step() -> Schema:
    branches = []
    for name, (properties, required) in STEP_TYPES.items():
        branches.append({
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"properties": COMMON_STEP | properties, "required": ["id", "type", *required],
                     "additionalProperties": False},
        })
    return {"type": "object", "properties": COMMON_STEP, "required": ["id", "type"], "allOf": branches}


def _document(name: str, title: str, description: str, properties: Schema, required: list[str],
              defs: Schema) -> Schema:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{SCHEMA_BASE}/{name}.schema.json",
            "title": title, "description": description, "type": "object", "properties": properties,
            "required": required, "additionalProperties": False, "$defs": defs}


def scenario_schema() -> Schema:
    return _document(
        "scenario", "Nova Kiosk scenario",
        "A work scenario: steps, branches, and the evidence each answer gives. See docs/authoring.md.",
        {
            "format": {"const": SCENARIO_FORMAT},
            "id": _id("Scenario id."),
            "title": TEXT_REF,
            "languages": {"type": "array", "items": {"type": "string", "pattern": LANGUAGE_PATTERN},
                          "minItems": 2, "uniqueItems": True,
                          "description": "Languages every text is written in (at least fr and en)."},
            "start": _id("Id of the first step."),
            "observables": {
                "type": "object", "minProperties": 1,
                "description": "Behaviours the scenario can observe, and the ESCO skills they bear on.",
                "patternProperties": {ID_PATTERN: {
                    "type": "object",
                    "properties": {
                        "skills": {"type": "array", "minItems": 1, "uniqueItems": True,
                                   "items": {"type": "string", "pattern": ESCO_CODE_PATTERN},
                                   "description": "ESCO transversal skill codes, e.g. T4.3."},
                        "max": {"type": "integer", "minimum": 1, "maximum": 5,
                                "description": "Highest credit an answer can give (default 2)."},
                        "describe": TEXT_REF,
                    },
                    "required": ["skills", "describe"], "additionalProperties": False}},
                "additionalProperties": False,
            },
            "cast": CAST,
            "scenes": SCENES,
            "steps": {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/step"}},
        },
        ["format", "id", "title", "languages", "start", "observables", "steps"],
        {"text": TEXT, "evidence": EVIDENCE, "option": _option(hotspot=False), "hotspot": _option(hotspot=True),
         "stage": STAGE, "reaction": REACTION, "step": _step(), "debrief": _debrief()})


def pack_schema() -> Schema:
    return _document(
        "pack", "Nova Kiosk scenario pack", "A trade and its scenario. See docs/authoring.md.",
        {
            "format": {"const": PACK_FORMAT},
            "id": _id("Pack id: the folder name."),
            "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$", "description": "Semantic version."},
            "scenario": _media("The scenario file, e.g. scenario.yaml."),
            "trade": {
                "type": "object",
                "properties": {
                    "rome": {"type": "string", "pattern": "^[A-N][0-9]{4}$", "description": "ROME 4.0 code."},
                    "title": TEXT_REF,
                    "pitch": TEXT_REF,
                    "sector": _id("Sector, used to filter the catalogue."),
                    "shortage": {"type": "object", "properties": {
                        "level": {"type": "integer", "minimum": 1, "maximum": 5,
                                  "description": "DARES tension level, 1 (low) to 5 (very high)."},
                        "source": {"type": "string", "minLength": 1}},
                        "required": ["level", "source"], "additionalProperties": False},
                    "card_image": _media("Picture for the catalogue card."),
                    "video": _media("Short presentation clip of the trade (.mp4)."),
                    "attract": _media("The trade's scene for the idle attract screen, shown full screen behind the "
                                      "poster (16:9 SVG, PNG or JPEG), e.g. media/scenes/attract.svg."),
                },
                "required": ["rome", "title", "pitch", "sector", "shortage", "card_image"],
                "additionalProperties": False,
            },
        },
        ["format", "id", "version", "scenario", "trade"],
        {"text": TEXT})
