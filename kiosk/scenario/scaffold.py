"""`kiosk new pack`: the files of a new pack that lints clean and plays, with one step of each
kind and a comment on each key, so a trainer starts from something that works. Pure: the
texts and the media to draw."""

from __future__ import annotations

from kiosk.scenario.twine_grammar import Media

PACK_TEMPLATE = """\
# yaml-language-server: $schema=../../docs/schema/pack.schema.json
# The trade this pack presents. Every key is described in docs/authoring.md ("pack.yaml").
format: nova-pack/1              # always this value
id: {pack_id}                    # = the folder name
version: "0.1.0"                 # three numbers; raise it at each publication
scenario: scenario.yaml          # the scenario file, in this folder
trade:
  rome: {rome}                   # ROME 4.0 code (France Travail): a letter and four digits
  title: {{fr: "Métier {rome}", en: "Trade {rome}"}}   # TODO: the trade's name
  pitch:                         # TODO: one sentence on the catalogue card
    fr: "À écrire : ce que fait ce métier, en une phrase."
    en: "To write: what this trade does, in one sentence."
  sector: a-definir              # TODO: sector id, lowercase (e.g. sante, logistique)
  shortage:
    level: 1                     # TODO: DARES tension level, 1 (low) to 5 (very high)
    source: "TODO: DARES / France Travail, indicateurs de tension"
  card_image: media/card.png     # catalogue picture (.png or .jpg)
"""

SCENARIO_TEMPLATE = """\
# yaml-language-server: $schema=../../docs/schema/scenario.schema.json
# One step of each kind, each commented. Replace the texts by your situation; keep each
# skill observed in 3 different steps. Check with `kiosk lint`, play with `kiosk preview`.
format: nova-scenario/1
id: {pack_id}
title: {{fr: "Premier jour", en: "First day"}}
languages: [fr, en]              # every text needs each of these
start: presentation              # the first step

observables:                     # behaviours the scenario can see
  signale-probleme:
    skills: [T4.1]               # ESCO transversal skill (assets/esco/transversal_skills.csv)
    describe:                    # "you did ...": used to explain the result
      fr: vous avez signalé les problèmes au bon moment
      en: you reported problems at the right moment
  organise-travail:
    skills: [T2.2]
    max: 2                       # credits go from 1 to max (default 2)
    describe:
      fr: vous avez organisé votre travail dans le bon ordre
      en: you organised your work in the right order

steps:
  - id: presentation             # a short clip of the trade (H.264 .mp4)
    type: video
    clip: media/presentation.mp4
    captions: {{fr: media/presentation.fr.vtt, en: media/presentation.en.vtt}}
    text: {{fr: "Voici votre lieu de travail.", en: "This is where you will work."}}
    next: visite

  - id: visite                   # an immersive 360° clip (twice as wide as high)
    type: video360
    clip: media/visite-360.mp4
    captions: {{fr: media/visite-360.fr.vtt, en: media/visite-360.en.vtt}}
    next: accueil

  - id: accueil                  # people speaking
    type: dialogue
    lines:
      - speaker: {{fr: Nadia, en: Nadia}}
        says:
          fr: "Bienvenue ! Je vous montre votre poste."
          en: "Welcome! Let me show you your workstation."
    next: machine

  - id: machine                  # one answer; answers can branch with their own `next`
    type: choice
    text:
      fr: "La machine fait un bruit bizarre. Que faites-vous ?"
      en: "The machine makes a strange noise. What do you do?"
      falc: {{fr: "La machine fait un bruit. Que faites-vous ?"}}   # easy-read version
    options:
      - id: prevenir
        text: {{fr: "Je préviens Nadia.", en: "I tell Nadia."}}
        evidence: {{signale-probleme: 2}}      # credits 1..max; a weak answer gets 0 by itself
      - id: continuer
        text: {{fr: "Je continue.", en: "I carry on."}}
        feedback: {{fr: "Une machine qui fait du bruit peut casser.", en: "A noisy machine can break."}}
    next: materiel
    debrief:                     # replayed after the scenario: the situation, the professional's way, why
      moment: {{fr: "La machine fait un bruit bizarre.", en: "The machine makes a strange noise."}}
      best: prevenir             # the answer a professional gives (or `professional:` in your own words)
      why:
        fr: "Prévenir tôt évite la panne et protège l'équipe."
        en: "Warning early avoids a breakdown and keeps the team safe."

  - id: materiel                 # "tick all that apply": answers do not branch
    type: multiple_choice
    text: {{fr: "Que préparez-vous avant de commencer ?", en: "What do you get ready before starting?"}}
    options:
      - id: gants
        text: {{fr: "Les gants", en: "The gloves"}}
        evidence: {{organise-travail: 1}}
      - id: fiche
        text: {{fr: "La fiche du jour", en: "Today's sheet"}}
        evidence: {{organise-travail: 1}}
      - id: telephone
        text: {{fr: "Mon téléphone", en: "My phone"}}
    next: urgence
    debrief:
      moment: {{fr: "Avant de commencer, il faut se préparer.", en: "Before starting, you get ready."}}
      professional: {{fr: "Les gants et la fiche du jour.", en: "The gloves and today's sheet."}}
      why:
        fr: "Tout est prêt : le travail avance sans interruption."
        en: "Everything is ready: the work goes on without a break."

  - id: urgence                  # one answer under time pressure
    type: timed_choice
    seconds: 20                  # long enough to read slowly (lint checks it)
    timeout: trop-tard           # the step when time is up
    text: {{fr: "Un client tombe. Vite !", en: "A customer falls. Quick!"}}
    options:
      - id: alerter
        text: {{fr: "J'alerte un collègue.", en: "I alert a colleague."}}
        evidence: {{signale-probleme: 2}}
      - id: partir
        text: {{fr: "Je pars.", en: "I leave."}}
    next: ordre

  - id: trop-tard
    type: dialogue
    lines:
      - speaker: {{fr: Nadia, en: Nadia}}
        says: {{fr: "Il faut réagir plus vite.", en: "You need to react faster."}}
    next: ordre

  - id: ordre                    # put actions in order (shown shuffled)
    type: ordering
    text: {{fr: "Remettez dans l'ordre.", en: "Put in order."}}
    items:
      - {{id: laver, text: {{fr: "Se laver les mains", en: "Wash your hands"}}}}
      - {{id: lire, text: {{fr: "Lire la fiche", en: "Read the sheet"}}}}
      - {{id: ranger, text: {{fr: "Ranger le poste", en: "Tidy the workstation"}}}}
    correct: [laver, lire, ranger]
    evidence:
      organise-travail: {{exact: 2, near: 1}}   # near: one swap of neighbours away
    next: regard

  - id: regard                   # find things in a 360° picture (yaw: degrees right, pitch: up)
    type: hotspot
    image: media/poste-360.jpg
    multiple: true
    text: {{fr: "Touchez ce qui pose problème.", en: "Touch what is wrong."}}
    spots:
      - id: cable
        yaw: -40
        pitch: -20
        text: {{fr: "Un câble par terre", en: "A cable on the floor"}}
        evidence: {{signale-probleme: 1, organise-travail: 1}}
      - id: carton
        yaw: 60
        pitch: -10
        text: {{fr: "Un carton devant la sortie", en: "A box in front of the exit"}}
        evidence: {{signale-probleme: 1}}
    next: fin

  - id: fin                      # the closing screen
    type: end
    text: {{fr: "Bravo, votre journée est finie !", en: "Well done, your day is over!"}}
"""


def scaffold(pack_id: str, rome: str) -> tuple[dict[str, str], list[Media]]:
    """The pack's YAML files and the media they name (the command draws placeholders)."""
    files = {"pack.yaml": PACK_TEMPLATE.format(pack_id=pack_id, rome=rome),
             "scenario.yaml": SCENARIO_TEMPLATE.format(pack_id=pack_id)}
    media = [Media("media/card.png", "image", "trade"), Media("media/presentation.mp4", "clip", "presentation"),
             Media("media/presentation.fr.vtt", "captions", "presentation"),
             Media("media/presentation.en.vtt", "captions", "presentation"),
             Media("media/visite-360.mp4", "clip360", "visite"),
             Media("media/visite-360.fr.vtt", "captions", "visite"),
             Media("media/visite-360.en.vtt", "captions", "visite"), Media("media/poste-360.jpg", "image360", "regard")]
    return files, media
