"""質問を試す: a question typed as a resident would, the reply exactly as LINE shows it, and why."""

from __future__ import annotations

from flask import render_template, request

from .blueprint import blueprint
from .live import resident_view, responder

MAX_QUESTION = 600


def explain(text: str):
    """The engine's explanation of its decision (``bot ask --explain``)."""
    return responder().matcher.explain(text)


@blueprint.route("/try")
def try_question():
    question = request.args.get("q", "").strip()[:MAX_QUESTION]
    view = None
    if question:
        reply, messages = resident_view(question)
        faq = responder().faq
        explanation = explain(question) if hasattr(responder().matcher, "explain") else None
        candidates = reply.match.candidates if reply.match else ()
        view = {
            "reply": reply,
            "messages": messages,
            "explanation": explanation,
            "candidates": [(c, faq.entry(c.id)) for c in candidates],
        }
    return render_template("try.html", active="try", question=question, view=view)
