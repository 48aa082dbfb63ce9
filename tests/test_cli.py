"""The command line as DESIGN.md fixes it: exact output and exit codes."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT, SHIPPED_FAQ

import bot.content.loader
from bot.cli import cli
from bot.clock import JST


def run(runner, *args, input=None):
    return runner.invoke(cli, list(args), input=input)


def test_ask_prints_the_answer_and_buttons(runner):
    result = run(runner, "ask", "--faq", str(SHIPPED_FAQ), "マイナンバーカードをなくしました")
    assert result.exit_code == 0
    assert "0120-95-0178" in result.output
    assert "[1] カードが見つかった" in result.output
    assert result.output.rstrip().endswith("職員に聞きたい")


def test_ask_answers_a_typed_booking_check_as_line_does(runner, responder):
    result = run(runner, "ask", "--faq", str(SHIPPED_FAQ), "予約の確認")
    assert result.exit_code == 0
    assert result.output == "申し込んでいる教室はありません。\n\n[1] 教室を見る\n[2] メニュー\n"


def test_chat_answers_a_typed_booking_check_as_ask_does(runner):
    result = run(runner, "chat", "--faq", str(SHIPPED_FAQ), input="予約の確認\n")
    assert "あなた> \n申し込んでいる教室はありません。\n\n[1] 教室を見る\n[2] メニュー\n" in result.output


def test_ask_json_has_the_contract_keys(runner):
    result = run(runner, "ask", "--json", "--faq", str(SHIPPED_FAQ), "マイナンバーカードをなくしました")
    data = json.loads(result.output)
    assert list(data) == ["query", "status", "id", "score", "candidates", "text"]
    assert (data["status"], data["id"]) == ("answer", "mynumber-lost")
    assert data["candidates"][0] == {"id": "mynumber-lost", "question": "マイナンバーカードをなくしたときは？", "score": data["score"]}


def test_ask_json_none_has_null_id_and_offers_the_contact(runner):
    data = json.loads(run(runner, "ask", "--json", "--faq", str(SHIPPED_FAQ), "今日の天気は").output)
    assert (data["status"], data["id"]) == ("none", None)
    assert "0000-00-0000" in data["text"]


def test_ask_json_reads_stdin_one_object_per_line_in_order(runner):
    questions = ["スマホ教室はいつ？", "", "こんにちは", "マイナンバーカードをなくした"]
    result = run(runner, "ask", "--json", "--faq", str(SHIPPED_FAQ), input="\n".join(questions) + "\n")
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["query"] for line in lines] == questions
    assert [line["status"] for line in lines] == ["answer", "none", "none", "answer"]


def test_ask_json_top_lists_that_many_candidates(runner):
    result = run(runner, "ask", "--json", "--top", "10", "--faq", str(SHIPPED_FAQ), input="マイナンバーカードをなくしました\n")
    data = json.loads(result.output)
    assert len(data["candidates"]) == 10
    assert data["candidates"][0]["id"] == data["id"] == "mynumber-lost"


def test_ask_json_top_keeps_the_first_five_in_order(runner):
    five = json.loads(run(runner, "ask", "--json", "--faq", str(SHIPPED_FAQ), "暗証番号").output)
    ten = json.loads(run(runner, "ask", "--json", "--top", "10", "--faq", str(SHIPPED_FAQ), "暗証番号").output)
    assert ten["candidates"][:5] == five["candidates"]


def test_ask_explain_shows_words_weights_candidates_and_rule(runner):
    result = run(runner, "ask", "--explain", "--faq", str(SHIPPED_FAQ), "マイナカードを財布ごと落とした")
    assert result.exit_code == 0
    why = result.output.split("── なぜこの返事か ──\n")[1].splitlines()
    assert why[0] == "読んだことば（重み）:"
    assert why[1].startswith("  マイナンバーカード  ") and why[1].endswith("FAQ のことば")
    assert any(line.startswith("  財布  ") and "FAQ にないことば" in line for line in why)
    assert any(line.startswith("  1. mynumber-lost  点数 ") for line in why)
    assert any(line.startswith("     いちばん近い言い方: 「") for line in why)
    assert any(line.startswith("決め方: answer: score ") for line in why)
    assert why[-1].startswith("この FAQ の基準（1件あたりの言い方 ")


def test_ask_explain_says_where_the_bm25_order_begins(runner):
    result = run(runner, "ask", "--explain", "--top", "8", "--faq", str(SHIPPED_FAQ), "マイナンバーカードの手続き")
    why = result.output.split("── なぜこの返事か ──\n")[1].splitlines()
    marker = next(n for n, line in enumerate(why) if "6 件目からは点数ではなく BM25 の順" in line)
    assert why[marker - 2].startswith("  5. ") and why[marker + 1].startswith("  6. ")


def test_ask_explain_works_on_another_towns_faq(runner):
    result = run(runner, "ask", "--explain", "--faq", str(ROOT / "tests" / "data" / "kaede" / "faq"), "パスポートを作りたい")
    assert result.exit_code == 0
    assert "決め方: none: coverage " in result.output


def test_ask_without_a_question_is_a_usage_error(runner):
    result = run(runner, "ask", "--faq", str(SHIPPED_FAQ))
    assert result.exit_code == 2


def test_faq_dir_comes_from_the_environment(runner, small_faq):
    result = runner.invoke(cli, ["ask", "--json", "カードを落とした"], env={"FAQ_DIR": str(small_faq)})
    assert json.loads(result.output)["id"] == "card-lost"


@pytest.fixture
def checked_on_2026_12_01(monkeypatch):
    """`updated` is judged against today; the shipped answers were checked on 2026-12-01."""
    monkeypatch.setattr(bot.content.loader, "now", lambda: dt.datetime(2026, 12, 1, 9, tzinfo=JST))


def test_check_sound_folder(runner, faq, checked_on_2026_12_01):
    result = run(runner, "check", "--faq", str(SHIPPED_FAQ))
    assert (result.exit_code, result.output) == (0, (
        f"OK: {len(faq.categories)}カテゴリ、{len(faq.entries)}件の質問に問題はありません。\n"
        f"OK: スマホ教室の予定 {len(faq.classes)}件（classes.csv）に問題はありません。\n"))


def test_check_prints_warnings_and_still_exits_0(runner, small_faq, checked_on_2026_12_01):
    path = small_faq / "20-x.yaml"
    path.write_text("category: X\nentries:\n  - id: w\n    question: q\n    answer: |\n      1か月かかります。\n    updated: 2025-01-05\n", encoding="utf-8")
    result = run(runner, "check", "--faq", str(small_faq))
    assert (result.exit_code, result.output) == (0,
        f"{path}:6: 注意: id「w」の答えが、次にすることで終わっていません — 最後の文に、どこに電話するか・どこに行くか・何を持っていくか（「…してください」）を書くか、links に公式のページを足してください\n"
        f"{path}:7: 注意: id「w」の updated が 2025-01-05 で、1年以上前です — 答えが今も正しいか公式のページで確かめて、確かめた日を updated に書いてください\n"
        "OK: 2カテゴリ、2件の質問に問題はありません。\n"
        "注意が2件あります。ボットはこのまま答えますが、住民にわかりやすくなるよう見直してください。\n")


def test_check_broken_folder_lists_problems_and_exits_1(runner, small_faq):
    (small_faq / "20-x.yaml").write_text("category: X\nentries:\n  - id: x\n    question: q\n    anwser: a\n", encoding="utf-8")
    result = run(runner, "check", "--faq", str(small_faq))
    path = small_faq / "20-x.yaml"
    assert result.exit_code == 1
    assert result.output == (
        f"{path}:5: 「anwser」という項目名は使えません — 「answer」のまちがいではありませんか\n"
        f"{path}:3: answer がありません — 「answer: |」の次の行から、字下げして答えを書いてください\n"
        "2件のまちがいがあります。直してから、もう一度 bot check を実行してください。\n"
    )


def test_ask_on_a_broken_folder_explains_and_exits_1(runner, small_faq):
    (small_faq / "20-x.yaml").write_text("", encoding="utf-8")
    result = run(runner, "ask", "--faq", str(small_faq), "しつもん")
    assert result.exit_code == 1
    assert "ファイルが空です" in result.output


def test_chat_numbers_the_buttons_and_follows_them(runner):
    # 1: the first category; then its first question; then quit.
    result = run(runner, "chat", "--faq", str(SHIPPED_FAQ), input="1\n1\nおわり\n")
    assert result.exit_code == 0
    assert "[1] マイナンバーカード" in result.output
    assert "「マイナンバーカード」の質問です" in result.output
    assert "申請は、次の4つの方法からえらべます" in result.output


def test_chat_answers_typed_questions_and_ends_on_eof(runner):
    result = run(runner, "chat", "--faq", str(SHIPPED_FAQ), input="スマホ教室に持っていくものは？\n")
    assert result.exit_code == 0
    assert "メモ帳とえんぴつ" in result.output


def test_python_dash_m_bot_runs():
    result = subprocess.run([sys.executable, "-m", "bot", "check", "--faq", str(SHIPPED_FAQ)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0


def test_ask_shows_the_my_number_warning_as_line_would(runner):
    result = run(runner, "ask", "--faq", str(SHIPPED_FAQ), "番号は1234-5678-9012です")
    assert result.output.startswith("マイナンバー（12けたの番号）は、ここに送らないでください。")


def test_serve_refuses_to_start_without_the_channel_secret(runner):
    result = runner.invoke(cli, ["serve"], env={"LINE_CHANNEL_SECRET": "", "LINE_CHANNEL_ACCESS_TOKEN": "t"})
    assert result.exit_code == 1
    assert result.output == (
        "LINE_CHANNEL_SECRET が設定されていません — LINE Developers のチャネル設定にある値を"
        "環境変数 LINE_CHANNEL_SECRET に入れてから起動してください\n"
    )


def test_serve_refuses_to_answer_real_residents_without_a_secret_key(runner):
    env = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "LINE_API_ENDPOINT": "", "BOT_SECRET_KEY": "",
           "BOT_ALLOW_DERIVED_KEY": ""}
    result = runner.invoke(cli, ["serve", "--faq", str(SHIPPED_FAQ)], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("BOT_SECRET_KEY が設定されていません — 住民の記録と予約は、この鍵から作る記号で結びついています。")


def test_a_broken_folder_is_reported_once_on_stderr_in_japanese(runner, small_faq):
    (small_faq / "20-x.yaml").write_text("", encoding="utf-8")
    result = run(runner, "ask", "--faq", str(small_faq), "しつもん")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "FAQ にまちがいがあるため、読みこめませんでした:\n"
        f"{small_faq / '20-x.yaml'}:1: ファイルが空です — 内容を書くか、使わないならファイルを削除してください\n"
    )


def test_an_unknown_class_no_is_named(runner, tmp_path):
    result = run(runner, "classes", "roster", "--faq", str(SHIPPED_FAQ), "--database", f"sqlite:///{tmp_path}/b.sqlite3", "NO-SUCH")
    assert (result.exit_code, result.stderr) == (1, "NO「NO-SUCH」の教室は classes.csv にありません — bot classes list で NO を確かめてください\n")


def test_the_cli_has_no_catch_all_handler():
    source = (ROOT / "bot" / "cli.py").read_text(encoding="utf-8")
    assert "except Exception" not in source and "except:" not in source


# -- bot staff add ---------------------------------------------------------------------------------
def test_staff_add_creates_an_account_with_a_hash_only(runner, tmp_path):
    from bot.storage import Storage

    url = f"sqlite:///{tmp_path}/bot.sqlite3"
    result = runner.invoke(cli, ["staff", "add", "sato", "--database", url], input="sakura-desk-2026\n")
    assert (result.exit_code, result.output) == (0, "職員アカウント「sato」を作りました。\n")
    stored = Storage(url).staff_account("sato").password_hash
    assert stored.startswith("$argon2id$")
    assert b"sakura-desk-2026" not in (tmp_path / "bot.sqlite3").read_bytes()


def test_staff_add_again_sets_a_new_password(runner, tmp_path):
    url = f"sqlite:///{tmp_path}/bot.sqlite3"
    runner.invoke(cli, ["staff", "add", "sato", "--database", url], input="sakura-desk-2026\n")
    result = runner.invoke(cli, ["staff", "add", "sato", "--database", url], input="a-new-password-1\n")
    assert (result.exit_code, result.output) == (0, "職員アカウント「sato」を新しいパスワードにしました。\n")


def test_staff_add_refuses_a_short_password(runner, tmp_path):
    result = runner.invoke(cli, ["staff", "add", "sato", "--database", f"sqlite:///{tmp_path}/bot.sqlite3"], input="short\n")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "パスワードが短すぎます — 10文字以上にしてください\n"


def test_staff_add_refuses_a_name_with_spaces(runner, tmp_path):
    result = runner.invoke(cli, ["staff", "add", "sato taro", "--database", f"sqlite:///{tmp_path}/bot.sqlite3"],
                           input="sakura-desk-2026\n")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("名前は英数字で始まり")


SERVER_AND_RICHMENU = "flask,werkzeug,gunicorn,linebot,urllib3,cryptography,argon2,PIL,psycopg,noto_cjk_sans_jp_bold"


def without(modules: str, tmp_path, *args, input=None, cwd=ROOT):
    """Run ``python -m bot`` as on a base install: importing any of ``modules`` fails."""
    (tmp_path / "sitecustomize.py").write_text(
        "import os, sys\n"
        "BLOCKED = set(os.environ['BOT_TEST_BLOCKED'].split(','))\n"
        "class Blocker:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in BLOCKED:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Blocker())\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "BOT_TEST_BLOCKED": modules}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=cwd, env=env, input=input)


def test_the_base_install_is_enough_for_the_desk_commands(tmp_path):
    assert without(SERVER_AND_RICHMENU, tmp_path, "check", "--faq", str(SHIPPED_FAQ)).returncode == 0
    asked = without(SERVER_AND_RICHMENU, tmp_path, "ask", "--faq", str(SHIPPED_FAQ), "予約の確認")
    assert (asked.returncode, asked.stdout.splitlines()[0]) == (0, "申し込んでいる教室はありません。")
    chat = without(SERVER_AND_RICHMENU, tmp_path, "chat", "--faq", str(SHIPPED_FAQ), input="メニュー\nおわり\n")
    assert chat.returncode == 0 and "聞きたいことをえらんでください。" in chat.stdout
    database = f"sqlite:///{tmp_path}/b.sqlite3"
    assert without(SERVER_AND_RICHMENU, tmp_path, "report", "--faq", str(SHIPPED_FAQ), "--database", database).returncode == 0
    assert without(SERVER_AND_RICHMENU, tmp_path, "faq", "export", "--faq", str(SHIPPED_FAQ), str(tmp_path / "f.xlsx")).returncode == 0


def test_a_command_whose_extra_is_missing_names_the_pip_command(tmp_path):
    served = without("flask,werkzeug", tmp_path, "serve", "--faq", str(SHIPPED_FAQ))
    assert (served.returncode, served.stderr) == (1, "このコマンドには追加のパッケージ（flask）が必要です — pip install -e '.[server]' を実行してください"
                                                     "（this command needs the 'server' extra: pip install -e '.[server]'）\n")
    drawn = without("PIL", tmp_path, "richmenu", "--faq", str(SHIPPED_FAQ), "--save", str(tmp_path / "m.png"))
    assert (drawn.returncode, drawn.stdout) == (1, "")
    assert drawn.stderr == ("このコマンドには追加のパッケージ（PIL）が必要です — pip install -e '.[richmenu]' を実行してください"
                            "（this command needs the 'richmenu' extra: pip install -e '.[richmenu]'）\n")


def test_every_typed_command_gets_one_reply_from_ask_chat_and_line(runner, app, client, fake_api, faq, monkeypatch):
    import functools

    import line_events as ev

    import bot.cli
    from bot.dialogue.router import CONTACT_WORDS, MENU_WORDS, MY_BOOKINGS_WORDS

    monkeypatch.setattr(bot.cli, "_responder", functools.cache(bot.cli._responder))  # one FAQ load
    typed = sorted(MENU_WORDS | CONTACT_WORDS | MY_BOOKINGS_WORDS) + [c.name for c in faq.categories]
    asked = [run(runner, "ask", "--faq", str(SHIPPED_FAQ), word).output.rstrip("\n") for word in typed]
    chatted = run(runner, "chat", "--faq", str(SHIPPED_FAQ), input="\n".join(typed) + "\n").output
    # greeting, then one reply per line typed, then the prompt that met the end of input
    assert [part.rstrip("\n") for part in chatted.split("\nあなた> \n")[1:-1]] == asked
    events = [ev.text(word) for word in typed]
    body = ev.body_of(*events)
    assert client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body)}).status_code == 200
    app.extensions["dispatcher"].shutdown()  # waits for the replies
    sent = {r["body"]["replyToken"]: r["body"]["messages"] for r in fake_api.replies()}
    on_line = []
    for event in events:
        messages = sent[event["replyToken"]]
        lines = ["\n\n".join(m["text"] for m in messages)]
        buttons = [item["action"]["label"] for item in messages[-1].get("quickReply", {}).get("items", [])]
        if buttons:
            lines += [""] + [f"[{n}] {label}" for n, label in enumerate(buttons, 1)]
        on_line.append("\n".join(lines))
    assert on_line == asked
