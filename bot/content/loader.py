"""Reading the FAQ folder that staff edit, and saying exactly what is wrong with it.

Staff are used to Excel, not YAML. Every fault is collected (not just the first), with the file,
the line and a sentence in plain Japanese that says what to change. Nothing here raises on a
bad file except :class:`FaqError` at the end, so one typo never hides another. Warnings about
a sound folder (:func:`faq_warnings`, rules in :mod:`bot.content.advice`) get their lines here too.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from . import advice
from .schedule import CLASSES_FILE, SmartphoneClass, parse_classes
from ..clock import now
from ..errors import FaqError, Problem
from .faq import DEFAULT_RETENTION_DAYS, Category, Contact, Entry, Faq, Link, Settings
from ..line_limits import LABEL_LIMIT, TEXT_LIMIT, utf16_length

RESERVED_FILES = ("synonyms.yaml", "settings.yaml")
ENTRY_KEYS = ("id", "question", "label", "alternates", "keywords", "answer", "links", "related", "updated")
CATEGORY_KEYS = ("category", "entries")
LINK_KEYS = ("label", "url")
SETTINGS_KEYS = ("municipality", "contact", "messages", "retention_days")
CONTACT_KEYS = ("name", "phone", "hours")
MESSAGE_KEYS = ("greeting", "fallback", "thanks", "choices", "contact", "menu", "unknown_entry", "unsupported", "my_number", "solved", "unsolved")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Far above any town's FAQ (the shipped categories are about 30 KB each), far below what would
# stall `check` or grow every worker on a reload: a file over this is refused unread.
FILE_LIMIT = 2 * 1024 * 1024
_TABS_IN_INDENT = re.compile(r"^[ ]*\t")


def category_files(faq_dir: Path) -> list[Path]:
    """The category files in the order they are shown: by file name."""
    return sorted(p for p in faq_dir.glob("*.yaml") if p.name not in RESERVED_FILES)


def load_faq(faq_dir: str | Path) -> Faq:
    """Load and check the folder; raise :class:`FaqError` listing every problem found."""
    faq, problems = read_faq(faq_dir)
    if problems:
        raise FaqError(problems)
    return faq


def check_faq(faq_dir: str | Path) -> list[Problem]:
    """Every problem in the folder, in file order; empty when the FAQ is sound."""
    return read_faq(faq_dir)[1]


def faq_warnings(faq_dir: str | Path, today: dt.date | None = None) -> list[Problem]:
    """What staff would want to know about a folder that loads (``bot check`` shows them as
    注意 and still exits 0): answers without a next step, long sentences, answers not checked
    for a year, class dates on a weekday the FAQ does not name. Empty while the folder has faults."""
    faq, reader = _read(Path(faq_dir))
    if reader.problems:
        return []
    today = today or now().date()
    found = [w for place in reader.answers for w in advice.answer_warnings(place, today)]
    named = advice.named_weekdays([e.answer for e in faq.entries])
    found += advice.class_day_warnings(faq.classes, named, str(Path(faq_dir) / CLASSES_FILE))
    return [Problem(file, line, message) for file, line, message in found]


def read_faq(faq_dir: str | Path) -> tuple[Faq, list[Problem]]:
    faq, reader = _read(Path(faq_dir))
    return faq, reader.problems


def _read(faq_dir: Path) -> tuple[Faq, _Reader]:
    reader = _Reader(faq_dir)
    if not faq_dir.is_dir():
        reader.report(faq_dir, 0, "FAQフォルダが見つかりません — --faq でフォルダを指定するか、FAQ_DIR を設定してください")
        return Faq((), {}, Settings()), reader
    categories = [c for c in (reader.category(p) for p in category_files(faq_dir)) if c is not None]
    if not categories and not reader.problems:
        reader.report(faq_dir, 0, "カテゴリのファイル（*.yaml）が1つもありません — 例: 10-mynumber.yaml を作ってください")
    reader.check_related(categories)
    synonyms = reader.synonyms(faq_dir / "synonyms.yaml")
    settings = reader.settings(faq_dir / "settings.yaml")
    classes = reader.classes(faq_dir / CLASSES_FILE)
    return Faq(tuple(categories), synonyms, settings, classes), reader


def _suggest(word: str, allowed: tuple[str, ...] | list[str]) -> str:
    best = process.extractOne(word, allowed, scorer=Levenshtein.normalized_similarity)
    if best and best[1] >= 0.5:
        return f"「{best[0]}」のまちがいではありませんか"
    return "使える項目は " + "、".join(allowed) + " です"


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar_text(node: yaml.Node) -> str | None:
    """The node as text when it is a plain value (dates and numbers included), else None."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    value = yaml.SafeLoader("").construct_object(node)
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


class _Reader:
    """Collects problems while it turns files into the FAQ model."""

    def __init__(self, faq_dir: Path):
        self.faq_dir = faq_dir
        self.problems: list[Problem] = []
        self.seen_ids: dict[str, tuple[str, int]] = {}
        self.related_refs: list[tuple[str, int, str]] = []
        self.answers: list[advice.AnswerPlace] = []

    def report(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(str(path), line, message))

    # -- reading a file -------------------------------------------------------------------
    def text(self, path: Path) -> str | None:
        """The file as text (UTF-8, with or without Excel's BOM), or None after saying why not."""
        with path.open("rb") as handle:
            raw = handle.read(FILE_LIMIT + 1)
            if len(raw) > FILE_LIMIT:
                handle.seek(0, 2)
                self.report(path, 1, f"ファイルが大きすぎます（{handle.tell() / 1024 / 1024:.1f} MB）— 1つのファイルは "
                                     f"{FILE_LIMIT // 1024 // 1024} MB までです。"
                                     + ("終わった教室の行を消してください" if path.name == CLASSES_FILE else "質問をいくつかのカテゴリのファイルに分けてください"))
                return None
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            try:
                raw.decode("cp932")
                self.report(path, line, "文字コードが Shift_JIS になっています（Excel やメモ帳の保存形式） — 「名前を付けて保存」で文字コードに「UTF-8」を選んで保存し直してください")
            except UnicodeDecodeError:
                self.report(path, line, "UTF-8 として読めない文字があります — 文字コード「UTF-8」で保存し直してください")
            return None

    def document(self, path: Path) -> yaml.Node | None:
        text = self.text(path)
        if text is None:
            return None
        tabbed = [n for n, line in enumerate(text.splitlines(), 1) if _TABS_IN_INDENT.match(line)]
        for number in tabbed:
            self.report(path, number, "行の先頭にタブ文字があります — 字下げはタブではなく半角スペースで入れてください")
        if tabbed:
            return None
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except RecursionError:  # PyYAML's composer recurses once per level of [ ] or indentation
            self.report(path, 1, "[ ] や字下げの入れ子が深すぎて読めません — FAQ の形（category と entries）に書き直してください")
            return None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            if error.context_mark is not None and "end of stream" in (error.problem or ""):
                # An unclosed quote is found only at the end: point where it was opened.
                mark = error.context_mark
            line = min(mark.line + 1, max(1, len(text.splitlines()))) if mark else 1
            what = error.problem or "書き方の誤り"
            self.report(path, line, f"YAMLの書き方に誤りがあります（{what}） — この行と1つ前の行の字下げ（スペースの数）、「:」の後ろのスペース、「\"」の閉じ忘れを確認してください")
            return None
        if node is None:
            self.report(path, 1, "ファイルが空です — 内容を書くか、使わないならファイルを削除してください")
        return node

    def mapping(self, path: Path, node: yaml.Node, what: str, allowed: tuple[str, ...]) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.report(path, _line(node), f"{what}は「項目名: 値」の形で書いてください — 行の先頭の字下げと「:」を確認してください")
            return None
        fields: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = _scalar_text(key_node) or ""
            if key in fields:
                self.report(path, _line(key_node), f"「{key}」が同じ{what}の中に2回あります — 1つにまとめてください")
            elif key not in allowed:
                self.report(path, _line(key_node), f"「{key}」という項目名は使えません — {_suggest(key, allowed)}")
            fields[key] = value_node
        return fields

    def text_list(self, path: Path, node: yaml.Node, key: str) -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode) and _scalar_text(node):
            self.report(path, _line(node), f"{key} は「- 」で始まる行のリストか [ ] で書いてください — 例: {key}: [ことば1, ことば2]")
            return ()
        if not isinstance(node, yaml.SequenceNode):
            return ()
        items = []
        for item in node.value:
            text = _scalar_text(item)
            if not text or not text.strip():
                self.report(path, _line(item), f"{key} に空の項目か、文字でない項目があります — 文字を書くか、その行を消してください")
            else:
                items.append(text.strip())
        return tuple(items)

    def required_text(self, path: Path, fields: dict[str, yaml.Node], key: str, where: int, hint: str) -> str:
        node = fields.get(key)
        text = _scalar_text(node) if node is not None else None
        if not text or not text.strip():
            line = _line(node) if node is not None else where
            self.report(path, line, f"{key} がありません — {hint}")
            return ""
        return text.strip()

    def label(self, path: Path, node: yaml.Node | None, key: str) -> str:
        text = (_scalar_text(node) or "").strip() if node is not None else ""
        if len(text) > LABEL_LIMIT:
            self.report(path, _line(node), f"{key}「{text}」が{len(text)}文字です — LINEのボタンに入るよう{LABEL_LIMIT}文字以内にしてください")
        return text

    # -- category files -------------------------------------------------------------------
    def category(self, path: Path) -> Category | None:
        node = self.document(path)
        if node is None:
            return None
        fields = self.mapping(path, node, "ファイル", CATEGORY_KEYS)
        if fields is None:
            return None
        name = self.required_text(path, fields, "category", 1, "ファイルの先頭に「category: カテゴリ名」を書いてください")
        self.label(path, fields.get("category"), "category")
        entries_node = fields.get("entries")
        if entries_node is None:
            self.report(path, 1, "entries がありません — 「entries:」の下に質問と答えを書いてください")
            return None
        if not isinstance(entries_node, yaml.SequenceNode) or not entries_node.value:
            self.report(path, _line(entries_node), "entries に質問が1つもありません — 「- id: …」で始まる質問を書いてください")
            return None
        entries = [e for e in (self.entry(path, n, name) for n in entries_node.value) if e is not None]
        return Category(name, path.name, tuple(entries))

    def entry(self, path: Path, node: yaml.Node, category: str) -> Entry | None:
        fields = self.mapping(path, node, "質問", ENTRY_KEYS)
        if fields is None:
            return None
        start = _line(node)
        entry_id = self.entry_id(path, fields, start)
        question = self.required_text(path, fields, "question", start, "「question: 代表的な質問文」を書いてください")
        answer = self.required_text(path, fields, "answer", start, "「answer: |」の次の行から、字下げして答えを書いてください")
        if utf16_length(answer) > TEXT_LIMIT:
            self.report(path, _line(fields["answer"]), f"answer が長すぎます（{utf16_length(answer)}文字分） — LINEで送れるのは{TEXT_LIMIT}文字までです。短くするか、質問を分けてください")
        label = self.label(path, fields.get("label"), "label")
        alternates = self.text_list(path, fields["alternates"], "alternates") if "alternates" in fields else ()
        keywords = self.text_list(path, fields["keywords"], "keywords") if "keywords" in fields else ()
        related = self.text_list(path, fields["related"], "related") if "related" in fields else ()
        if "related" in fields and isinstance(fields["related"], yaml.SequenceNode):
            for item, ref in zip(fields["related"].value, related):
                self.related_refs.append((str(path), _line(item), ref))
        links = self.links(path, fields["links"]) if "links" in fields else ()
        updated = self.updated(path, fields.get("updated"))
        if not (entry_id and question and answer):
            return None
        self.answers.append(self.answer_place(path, entry_id, fields, bool(links), updated))
        return Entry(entry_id, question, answer, category, label, alternates, keywords, links, related, updated, path.name)

    def answer_place(self, path: Path, entry_id: str, fields: dict[str, yaml.Node], has_links: bool, updated: str | None) -> advice.AnswerPlace:
        node = fields["answer"]
        # A literal block (answer: |) keeps the file's lines, starting on the line after the |;
        # folded or one-line answers do not, so their sentences all point at the answer's line.
        literal = isinstance(node, yaml.ScalarNode) and node.style == "|"
        first = _line(node) + 1 if literal else _line(node)
        text = node.value if literal else (_scalar_text(node) or "")
        updated_node = fields.get("updated")
        return advice.AnswerPlace(
            str(path), entry_id, advice.sentences(text.rstrip("\n"), first, one_line=not literal), has_links,
            updated, _line(updated_node) if updated_node is not None else None,
        )

    def entry_id(self, path: Path, fields: dict[str, yaml.Node], start: int) -> str:
        entry_id = self.required_text(path, fields, "id", start, "「id: 英小文字・数字・ハイフンの名前」を書いてください（例: mynumber-apply）")
        if not entry_id:
            return ""
        line = _line(fields["id"])
        if not ID_PATTERN.match(entry_id):
            self.report(path, line, f"id「{entry_id}」に使えない文字があります — 英小文字・数字・ハイフンだけで書いてください（例: mynumber-apply）")
        first = self.seen_ids.get(entry_id)
        if first is not None:
            self.report(path, line, f"id「{entry_id}」が2回使われています（もう1つは {first[0]}:{first[1]}） — どちらかの id を別の名前にしてください")
        else:
            self.seen_ids[entry_id] = (str(path), line)
        return entry_id

    def links(self, path: Path, node: yaml.Node) -> tuple[Link, ...]:
        if not isinstance(node, yaml.SequenceNode):
            self.report(path, _line(node), "links は「- label: …」「url: …」の組のリストで書いてください")
            return ()
        links = []
        for item in node.value:
            fields = self.mapping(path, item, "リンク", LINK_KEYS)
            if fields is None:
                continue
            label = self.required_text(path, fields, "label", _line(item), "リンクのボタンに出す名前を「label: …」で書いてください")
            self.label(path, fields.get("label"), "リンクの label")
            url = self.required_text(path, fields, "url", _line(item), "「url: https://…」を書いてください")
            if url and not url.startswith("https://"):
                self.report(path, _line(fields["url"]), f"リンク「{url}」が https:// で始まっていません — LINEでは https のリンクだけが開けます")
            if label and url:
                links.append(Link(label, url))
        return tuple(links)

    def updated(self, path: Path, node: yaml.Node | None) -> str | None:
        if node is None:
            return None
        text = _scalar_text(node) or ""
        try:
            return dt.date.fromisoformat(text.replace("/", "-")).isoformat()
        except ValueError:
            self.report(path, _line(node), f"updated「{text}」が日付として読めません — 2026-04-01 のように 年-月-日 で書いてください")
            return None

    def check_related(self, categories: list[Category]) -> None:
        known = list(self.seen_ids)
        for file, line, ref in self.related_refs:
            if ref not in self.seen_ids:
                hint = _suggest(ref, known) if known else ""
                if not hint.startswith("「"):
                    hint = "ほかの質問の id を書いてください"
                self.problems.append(Problem(file, line, f"related の「{ref}」という id の質問がありません — {hint}"))

    # -- reserved files -------------------------------------------------------------------
    def synonyms(self, path: Path) -> dict[str, list[str]]:
        if not path.exists():
            return {}
        node = self.document(path)
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.report(path, _line(node), "「もとのことば: [言いかえ1, 言いかえ2]」の形で書いてください")
            return {}
        groups: dict[str, list[str]] = {}
        for key_node, value_node in node.value:
            word = (_scalar_text(key_node) or "").strip()
            if not word:
                self.report(path, _line(key_node), "ことばが空です — 「もとのことば: [言いかえ1, 言いかえ2]」の形で書いてください")
                continue
            single = _scalar_text(value_node)
            variants = [single] if single else list(self.text_list(path, value_node, word))
            if not variants:
                self.report(path, _line(key_node), f"「{word}」の言いかえがありません — 「{word}: [言いかえ1, 言いかえ2]」のように書いてください")
            groups[word] = variants
        return groups

    def classes(self, path: Path) -> tuple[SmartphoneClass, ...]:
        if not path.exists():
            return ()
        text = self.text(path)
        if text is None:
            return ()
        classes, problems = parse_classes(text, str(path))
        self.problems.extend(problems)
        return tuple(classes)

    def settings(self, path: Path) -> Settings:
        if not path.exists():
            return Settings()
        node = self.document(path)
        if node is None:
            return Settings()
        fields = self.mapping(path, node, "settings.yaml", SETTINGS_KEYS)
        if fields is None:
            return Settings()
        municipality = (_scalar_text(fields["municipality"]) or "") if "municipality" in fields else ""
        contact = Contact()
        if "contact" in fields:
            contact_fields = self.mapping(path, fields["contact"], "contact", CONTACT_KEYS) or {}
            values = {k: (_scalar_text(v) or "").strip() for k, v in contact_fields.items() if k in CONTACT_KEYS}
            if not values.get("name"):
                self.report(path, _line(fields["contact"]), "contact に name（問い合わせ先の名前）がありません — 例: name: ○○町役場 デジタル推進課")
            contact = Contact(**{k: v for k, v in values.items() if v})
        messages: dict[str, str] = {}
        if "messages" in fields:
            message_fields = self.mapping(path, fields["messages"], "messages", MESSAGE_KEYS) or {}
            messages = {k: (_scalar_text(v) or "").strip() for k, v in message_fields.items() if k in MESSAGE_KEYS and _scalar_text(v)}
        retention_days = DEFAULT_RETENTION_DAYS
        if "retention_days" in fields:
            text = _scalar_text(fields["retention_days"]) or ""
            if text.isdigit() and int(text) >= 1:
                retention_days = int(text)
            else:
                self.report(path, _line(fields["retention_days"]), f"retention_days は日数（1以上の整数）で書いてください — 例: retention_days: {DEFAULT_RETENTION_DAYS}")
        return Settings(municipality, contact, messages, retention_days)
