from ehelsenord.core.text import norwegian_key


def test_norwegian_key_puts_ae_oe_aa_after_z() -> None:
    names = ["Årdal", "Øksnes", "Ævre", "Zeta", "Alta", "Bodø", "Vågan", "Vadsø", "Værøy"]
    assert sorted(names, key=norwegian_key) == [
        "Alta",
        "Bodø",
        "Vadsø",
        "Værøy",
        "Vågan",
        "Zeta",
        "Ævre",
        "Øksnes",
        "Årdal",
    ]


def test_norwegian_key_sorts_sami_letters_with_their_base_letter() -> None:
    names = ["Kárášjohka - Karasjok", "Kautokeino", "Karlsøy", "Deatnu - Tana", "Dønna"]
    assert sorted(names, key=norwegian_key) == [
        "Deatnu - Tana",
        "Dønna",
        "Kárášjohka - Karasjok",
        "Karlsøy",
        "Kautokeino",
    ]


def test_norwegian_key_ignores_case() -> None:
    assert sorted(["bodø", "Alta", "ørland"], key=norwegian_key) == ["Alta", "bodø", "ørland"]
