from bot.line_limits import LABEL_LIMIT, fit_label, utf16_length


def test_utf16_length_counts_surrogate_pairs_twice():
    assert utf16_length("あ😀") == 3


def test_a_short_label_is_kept_with_its_spaces_folded():
    assert fit_label("カードの  申請\n") == "カードの 申請"


def test_a_long_label_is_cut_to_the_limit_with_an_ellipsis():
    label = fit_label("あ" * 30)
    assert label == "あ" * (LABEL_LIMIT - 1) + "…"
