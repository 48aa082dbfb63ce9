"""Greetings and thanks: a resident who says こんにちは or ありがとう gets a kind word back,
not an FAQ answer that happens to share a syllable."""

from __future__ import annotations

import re

# Whole messages only: 「ありがとう、ところで暗証番号を忘れた」 is a question, not small talk.
_KINDS = {
    "thanks": r"(ありがと[うお]?|有難う|有り難う|あざす|サンキュ|thanks?|thank you|助かり(ました|ます)|たすかりました|わかりました|分かりました|了解|りょうかい|おおきに|解決しました)",
    "greeting": r"(こんにち[はわ]|今日は|こんばん[はわ]|今晩は|おはよう|お早う|はじめまして|初めまして|よろしく|宜しく|もしもし|どうも|やあ|ハロー|hello|hi|おつかれさま|お疲れ様|おやすみ|さようなら|さよなら|バイバイ|テスト|test)",
}
_FILLER = r"(ございます|ございました|ございます|ございました|です|でした|ます|ました|お願いします|おねがいします|お願いいたします|ね|よ|な|ー|さん|さま|様|ちゃん|ぼっと|ボット|bot|どうも|本当に|ほんとうに|ほんとに|とても|大変|たいへん|[、。,.!?！？〜~\s☺-➿\U0001F300-\U0001FAFF])*"
_PATTERNS = {kind: re.compile(rf"^{_FILLER}(?:{words}{_FILLER})+$", re.IGNORECASE) for kind, words in _KINDS.items()}


def smalltalk_kind(normalized: str) -> str | None:
    """'thanks' or 'greeting' when the whole message is only that, else None."""
    for kind, pattern in _PATTERNS.items():
        if pattern.match(normalized):
            return kind
    return None
