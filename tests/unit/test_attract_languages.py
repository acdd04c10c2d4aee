"""The attract poster speaks the kiosk's language and invites visitors in every other language offered."""

from kiosk.i18n import NATIVE_NAMES, Catalogs
from kiosk.runtime.attract import attract_texts

CATALOGS = Catalogs.load(NATIVE_NAMES)


def test_the_poster_is_in_the_kiosk_language_with_the_call_in_every_other_language() -> None:
    words = [CATALOGS.words(language) for language in CATALOGS.languages]
    french = attract_texts(CATALOGS.words("fr"), words)
    assert french.call == "Touchez l'écran pour commencer"
    assert french.other_languages.split(" · ") == ["Touch the screen to start", "المس الشاشة للبدء",
                                                   "Торкніться екрана, щоб почати"]
    assert french.rome_code.format(code="G1602") == "Code ROME G1602"
    ukrainian = attract_texts(CATALOGS.words("uk"), words)
    assert "10 хвилин" in ukrainian.subtitle  # 10 takes the "many" plural form
    assert "Touchez l'écran pour commencer" in ukrainian.other_languages
    arabic = attract_texts(CATALOGS.words("ar"), words)
    assert "10 دقائق" in arabic.subtitle  # 3..10: the "few" form


def test_the_out_of_order_screen_speaks_the_kiosks_language() -> None:
    from kiosk.runtime.out_of_order import OutOfOrderScreen
    from kiosk.view.nodes import Text

    texts = [node.text for node in OutOfOrderScreen("no valid scenario pack", "uk").view(0.0).root.children
             if isinstance(node, Text)]
    assert texts == ["Цей кіоск тимчасово не працює", "Консультант на рецепції може вам допомогти.",
                     "для оператора: no valid scenario pack"]  # the reason itself is the operator's log line
