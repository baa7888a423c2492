#!/usr/bin/env python3
"""Fit the decision model (bot/data/decision.json) on the tuning writers' questions.

For every question part of the tuning set (and the shared dev set, when it is
there) the resolver's best intent gives one row of signals (bot/policy.py
FEATURES); its label is whether that intent's answer is right for the item
(answerable, and every must_contain group in the answer). Questions the
narrowing and number guards already decline are left out: the model need not
learn what the guards decide. A logistic regression (scikit-learn, a dev
dependency only) turns the signals into P(right); the threshold is the one
that maximises right answers minus WRONG_COST × wrong answers on the tuning
rows. The frozen writers are never read here.

Usage: python eval/fit.py [--dry-run]   (prints leave-one-writer-out figures)
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from run import load_sets, norm  # noqa: E402

from bot.policy import FEATURES, MODEL_FILE, signals  # noqa: E402
from bot.reading import read  # noqa: E402
from bot.service import QABot  # noqa: E402
from bot.settings import Settings  # noqa: E402

WRONG_COST = 1.5  # a wrong cited answer costs one and a half right ones
COST = [WRONG_COST]  # set from --wrong-cost
COVERAGE_FLOORS = (0.4, 0.45, 0.5)  # a hard floor: most of a question unexplained never answers
COV = FEATURES.index("coverage")
SKIP_KINDS = {"smalltalk", "multi_part", "list", "comparison", "garbage"}


def rows(bot: QABot, items: list[dict]) -> tuple[list[list[float]], list[int], list[str]]:
    """Signals, labels and writer of every question part the model has to judge."""
    snap = bot.store.current
    policy = snap.policy
    xs, ys, groups = [], [], []
    for item in items:
        if item.get("kind") in SKIP_KINDS:
            continue
        parts = read(item["q"]).questions
        if len(parts) != 1:
            continue
        res = snap.resolver.resolve(parts[0])
        ranked = policy.ranked(res)
        if not ranked or snap.intents[ranked[0].key].kind == "smalltalk":
            continue
        top = ranked[0]
        if policy.narrowing(parts[0], top, res) or any(
            float(n) >= 10 for n in top.extra_numbers if n.replace(".", "").isdigit()
        ):
            continue  # the guards decide these
        intent = snap.intents[top.key]
        answer = norm(intent.answer.get(res.lang))
        if intent.kind == "gap":  # a known gap: right when the article has no answer
            right = item["expect"] == "abstain"
        else:
            right = item["expect"] == "answer" and all(
                any(norm(str(alt)) in answer for alt in group) for group in item["must_contain"]
            )
        feats = signals(top, policy.rival(ranked), res, snap.resolver)
        xs.append([feats[name] for name in FEATURES])
        ys.append(int(right))
        groups.append(str(item["id"]).split("-")[0] if "-" in str(item["id"]) else "dev")
    return xs, ys, groups


def gain(probs: list[float], ys: list[int], covs: list[float], cut: float, floor: float) -> float:
    """Right minus `cost` × wrong among the answers the pair (cut, floor) accepts."""
    return sum(
        (1 if y else -COST[0])
        for p, y, c in zip(probs, ys, covs, strict=True)
        if p >= cut and c >= floor
    )


def best_cut(probs: list[float], ys: list[int], covs: list[float]) -> tuple[float, float]:
    """The probability threshold and coverage floor with the best gain (ties: stricter)."""
    best, best_gain = (0.5, 0.0), float("-inf")
    for floor in COVERAGE_FLOORS:
        for cut in sorted(set(round(p, 3) for p in probs)):
            g = gain(probs, ys, covs, cut, floor)
            if g >= best_gain:
                best, best_gain = (cut, floor), g
    return best


def main() -> int:
    from sklearn.linear_model import LogisticRegression

    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--dry-run", action="store_true", help="report, do not write the model")
    ap.add_argument("--C", type=float, default=0.3, help="inverse regularisation strength")
    ap.add_argument(
        "--wrong-cost",
        type=float,
        default=WRONG_COST,
        help="how many right answers one wrong answer costs",
    )
    args = ap.parse_args()
    COST[0] = args.wrong_cost

    sets = {k: v for k, v in load_sets(["tuning", "dev"]).items() if "dialogs" not in k}
    items = [it for name in sets for it in sets[name]]  # questions, not conversation turns
    bot = QABot.from_settings(Settings.load(None))
    xs, ys, groups = rows(bot, items)
    print(f"{len(xs)} rows, {sum(ys)} right, writers {sorted(set(groups))}")

    # Leave one writer out: how well the fitted decision carries to a writer not seen.
    for held in sorted(set(groups)):
        train = [i for i, g in enumerate(groups) if g != held]
        test = [i for i, g in enumerate(groups) if g == held]
        model = LogisticRegression(C=args.C, max_iter=2000)
        model.fit([xs[i] for i in train], [ys[i] for i in train])
        cut, floor = best_cut(
            list(model.predict_proba([xs[i] for i in train])[:, 1]),
            [ys[i] for i in train],
            [xs[i][COV] for i in train],
        )
        probs = model.predict_proba([xs[i] for i in test])[:, 1]
        acc = sum(
            (p >= cut and xs[i][COV] >= floor) == bool(ys[i])
            for p, i in zip(probs, test, strict=True)
        )
        print(f"  held out {held}: {acc}/{len(test)} decisions right")

    model = LogisticRegression(C=args.C, max_iter=2000)
    model.fit(xs, ys)
    probs = list(model.predict_proba(xs)[:, 1])
    cut, floor = best_cut(probs, ys, [x[COV] for x in xs])
    weights = {name: round(float(w), 4) for name, w in zip(FEATURES, model.coef_[0], strict=True)}
    out = {
        "weights": weights,
        "bias": round(float(model.intercept_[0]), 4),
        "threshold": cut,
        "min_coverage": floor,
        "margin": 0.02,
        "meta": {
            "fitted": datetime.now(UTC).isoformat(timespec="seconds"),
            "by": "eval/fit.py",
            "rows": len(xs),
            "right_rows": sum(ys),
            "sets": sorted(sets),
            "C": args.C,
            "wrong_cost": args.wrong_cost,
        },
    }
    print(json.dumps(out, indent=1))
    if not args.dry_run:
        MODEL_FILE.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
