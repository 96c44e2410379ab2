"""Compute efficiency: DeepSeek-V3's training figures against Llama 3.1 405B and the GPT-4 estimate, the
ratios the claims ledger also computes taken from it, and this chapter's claims as the ledger judges them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from deepseek_monday.claims import ledger as claims_ledger
from deepseek_monday.claims.catalogue import load_claims
from deepseek_monday.claims.registry import get_measure
from deepseek_monday.errors import DataValidationError
from deepseek_monday.present.tables import format_number, readable

V3_FULL = "DeepSeek-V3 (full training)"
V3_STAGES = ("DeepSeek-V3 (pre-training stage)", "DeepSeek-V3 (context extension stage)",
             "DeepSeek-V3 (post-training stage)")
# R1's whole reinforcement-learning post-training (R1-Zero, SFT-data creation, final R1 run): the
# facts' total row, never added to its stage rows.
R1_TOTAL = "DeepSeek-R1 (all RL post-training: R1-Zero + SFT-data creation + R1; Nature 2025 supplement)"
R1_SHORT = "DeepSeek-R1 (all RL post-training, total)"
R1_STAGES = ("DeepSeek-R1-Zero (RL stage; Nature 2025 supplement)",
             "DeepSeek-R1 (SFT data creation; Nature 2025 supplement)",
             "DeepSeek-R1 (final R1 RL stage; Nature 2025 supplement)")
LLAMA = "Llama 3.1 405B"
GPT4 = "GPT-4 (estimate)"
FLEET_CLAIM = "DeepSeek (claimed fleet, Scale AI CEO claim)"
FLEET_ESTIMATE = "DeepSeek (estimated Hopper fleet, SemiAnalysis)"
# Training compute of a dense or mixture-of-experts transformer: about 6 FLOPs per active
# parameter per token (Kaplan et al. 2020); a rule of thumb, not a reported figure.
FLOPS_PER_PARAMETER_TOKEN = 6.0
COMPUTE_MEASURES = ("training_cost", "training_ratio", "training_gpu_type")
# Characters of the compute table's header, written as escapes (ruff flags them as look-alikes).
TIMES, SUPERSCRIPT_24, APPROX, DOT = "\u00d7", "\u00b2\u2074", "\u2248", "\u00b7"


def compute_row(compute: pd.DataFrame, model: str) -> pd.Series:
    """Return the ``ai_compute.csv`` row of ``model``; raise DataValidationError if absent."""
    rows = compute[compute["model"] == model]
    if rows.empty:
        raise DataValidationError(f"ai_compute.csv has no row {model!r}")
    return rows.iloc[0]


def compute_ratio(compute: pd.DataFrame, numerator: str, denominator: str, field: str) -> float:
    """Return ``field`` of model ``numerator`` over that of ``denominator`` (NaN if either is missing)."""
    top, bottom = compute_row(compute, numerator)[field], compute_row(compute, denominator)[field]
    if pd.isna(top) or pd.isna(bottom):
        return float("nan")
    if bottom == 0:
        raise DataValidationError(f"{field} of {denominator!r} is zero")
    return float(top / bottom)


def approximate_training_flops(active_parameters: float, tokens: float) -> float:
    """Return the rule-of-thumb training compute 6 x active parameters x tokens (FLOPs)."""
    return FLOPS_PER_PARAMETER_TOKEN * active_parameters * tokens


# What each row of the compute table covers: a total is compared only with a total, a stage is part of its total.
SCOPES = {
    V3_FULL: "run, total",
    **{stage: "part of the V3 total" for stage in V3_STAGES},
    R1_TOTAL: "R1 post-training, total",
    **{stage: "part of the R1 total" for stage in R1_STAGES},
    LLAMA: "run, total",
    GPT4: "estimate, scope unknown",
}


def check_stage_sums(compute: pd.DataFrame) -> dict[str, float]:
    """Check that the GPU-hours of each total row equal the sum of its stage rows; return both totals.

    The stages are parts of the total: adding a total to its stages would count the run twice.
    """
    totals = {}
    for total, stages in ((V3_FULL, V3_STAGES), (R1_TOTAL, R1_STAGES)):
        whole = float(compute_row(compute, total)["gpu_hours"])
        parts = float(sum(compute_row(compute, stage)["gpu_hours"] for stage in stages))
        if not np.isclose(parts, whole):
            raise DataValidationError(f"stage GPU-hours of {total!r} sum to {parts:,.0f}, not {whole:,.0f}")
        totals[total] = whole
    return totals


def compute_models_table(compute: pd.DataFrame) -> pd.DataFrame:
    """Return the training runs and their stages: scope, GPUs, GPU-hours, tokens, active parameters, cost, FLOPs."""
    models = [V3_FULL, *V3_STAGES, R1_TOTAL, *R1_STAGES, LLAMA, GPT4]
    rows = compute.set_index("model").reindex(models)  # a model the facts lack shows as dashes
    table = rows[["gpu_type", "gpu_count", "gpu_hours", "training_tokens", "params_active", "reported_cost_usd",
                  "estimate"]].copy()
    table["approx_flops"] = approximate_training_flops(table["params_active"], table["training_tokens"])
    table.insert(0, "scope", [SCOPES[model] for model in models])
    return table


def display_compute_models(table: pd.DataFrame) -> pd.DataFrame:
    """Return the training-runs table in readable units; a dash where the facts hold no figure."""
    shown = pd.DataFrame({
        "Covers": table["scope"],
        "GPU": table["gpu_type"].replace("", np.nan), "GPUs": table["gpu_count"].astype("Int64"),
        "GPU-hours (m)": table["gpu_hours"] / 1e6, "Tokens (tn)": table["training_tokens"] / 1e12,
        "Active parameters (bn)": table["params_active"] / 1e9,
        "Reported cost (USD m)": table["reported_cost_usd"] / 1e6,
        f"Training compute ({TIMES}10{SUPERSCRIPT_24} FLOP, {APPROX} 6{DOT}N{DOT}D)": table["approx_flops"] / 1e24,
        "Estimate": table["estimate"].map({True: "yes", False: "no"}),
    }, index=table.index)
    decimals = {"GPU-hours (m)": 3, "Tokens (tn)": 1, "Active parameters (bn)": 0, "Reported cost (USD m)": 3}
    shown = readable(shown, decimals={column: decimals.get(column, 2) for column in shown.columns})
    shown.index = [R1_SHORT if model == R1_TOTAL else model.replace("; Nature 2025 supplement", "")
                   for model in shown.index]
    return shown.rename_axis("Model")


def ledger_measurement(claim_id: str) -> float:
    """Return the claims ledger's measured value (or its context value) for one claim, by id."""
    claim = next((c for c in load_claims() if c.id == claim_id), None)
    if claim is None or not claim.measure:
        raise DataValidationError(f"claim {claim_id!r} is not in data/claims.csv or has no measure")
    return float(get_measure(claim.measure)(claim).value)


def compute_ratios(compute: pd.DataFrame) -> pd.DataFrame:
    """Return the chapter's compute ratios, each with what it compares and where it comes from.

    Ratios the claims ledger also computes are taken from the ledger's measure (by claim id),
    so the chapter and the ledger cannot disagree; the others are computed here from the
    same facts file.
    """
    v3, llama, fleet = compute_row(compute, V3_FULL), compute_row(compute, LLAMA), compute_row(compute, FLEET_CLAIM)
    pretraining = compute_row(compute, V3_STAGES[0])
    v3_per_token = pretraining["gpu_hours"] / pretraining["training_tokens"]  # the tokens are pre-training tokens
    llama_per_token = llama["gpu_hours"] / llama["training_tokens"]
    v3_flops = approximate_training_flops(pretraining["params_active"], pretraining["training_tokens"])
    llama_flops = approximate_training_flops(llama["params_active"], llama["training_tokens"])
    same = "yes: whole run against whole run"
    rows = [
        ("llama_over_v3_gpu_hours", "GPU-hours: Llama 3.1 405B over DeepSeek-V3 (full training)",
         ledger_measurement("002-12"), "claims ledger (002-12, context)", same),
        ("v3_over_llama_gpus", "GPUs in the run: DeepSeek-V3 over Llama 3.1 405B", ledger_measurement("003-05"),
         "claims ledger (003-05)", same),
        ("llama_over_v3_hours_per_token", "GPU-hours per pre-training token: Llama 3.1 405B over DeepSeek-V3's "
         "pre-training stage", float(llama_per_token / v3_per_token), "this chapter",
         f"roughly: Llama's hours are its whole run's, V3's its pre-training stage's "
         f"({format_number(100 * pretraining['gpu_hours'] / v3['gpu_hours'], 0)} % of its run)"),
        ("llama_over_v3_active_params", "Active parameters per token: Llama 3.1 405B over DeepSeek-V3",
         compute_ratio(compute, LLAMA, V3_FULL, "params_active"), "this chapter", "yes: model against model"),
        ("llama_over_v3_flops", "≈ pre-training FLOPs (6·N·D): Llama 3.1 405B over DeepSeek-V3",
         float(llama_flops / v3_flops), "this chapter (rule of thumb)", "yes: pre-training tokens of both"),
        ("v3_over_llama_hours_per_flop", "GPU-hours per ≈ FLOP: DeepSeek-V3's pre-training over Llama 3.1 405B",
         float((pretraining["gpu_hours"] / v3_flops) / (llama["gpu_hours"] / llama_flops)),
         "this chapter (rule of thumb)", "roughly, as the hours per token"),
        ("r1_over_v3_gpu_hours", "GPU-hours: R1's RL post-training (total) over DeepSeek-V3 (full training)",
         compute_ratio(compute, R1_TOTAL, V3_FULL, "gpu_hours"), "this chapter",
         "total against total; R1's post-training is an addition to V3, not a rival run"),
        ("gpt4_over_v3_cost", "Cost: GPT-4 estimate over DeepSeek-V3's reported cost",
         1.0 / ledger_measurement("000-10"), "claims ledger (000-10, context), inverted",
         "no: an estimate of unknown scope against the rental price of one run's GPU-hours"),
        ("fleet_over_v3_gpus", f"Claimed fleet ({fleet['gpu_count']:,.0f} {fleet['gpu_type']}) over the GPUs of "
         "the V3 run", compute_ratio(compute, FLEET_CLAIM, V3_FULL, "gpu_count"), "this chapter (claim unverified)",
         "no: a claimed fleet against the GPUs of one run"),
    ]
    return pd.DataFrame(rows, columns=["key", "ratio", "value", "source", "like_for_like"]).set_index("key")


def check_against_ledger(ratios: pd.DataFrame, compute: pd.DataFrame) -> None:
    """Raise DataValidationError if this module's ratio function disagrees with the ledger's measure."""
    pairs = {"llama_over_v3_gpu_hours": (LLAMA, V3_FULL, "gpu_hours"),
             "v3_over_llama_gpus": (V3_FULL, LLAMA, "gpu_count"),
             "gpt4_over_v3_cost": (GPT4, V3_FULL, "reported_cost_usd")}
    for key, (numerator, denominator, field) in pairs.items():
        own = compute_ratio(compute, numerator, denominator, field)
        if not np.isclose(own, ratios.at[key, "value"], rtol=1e-12):
            raise DataValidationError(f"{key}: chapter {own} and ledger {ratios.at[key, 'value']} disagree")


def cost_breakdown(compute: pd.DataFrame) -> dict[str, float | str]:
    """Return what the reported V3 cost is made of: stage shares, the assumed rental price, R1 added."""
    v3 = compute_row(compute, V3_FULL)
    stages = {name: compute_row(compute, name)["gpu_hours"] for name in V3_STAGES}
    check_stage_sums(compute)
    r1_rows = compute[compute["model"] == R1_TOTAL]
    r1_cost = float(r1_rows["reported_cost_usd"].iloc[0]) if len(r1_rows) else float("nan")
    basis = re.search(r"cost assumes ([^;]+)", v3["source"])
    excludes = re.search(r"excludes ([^;]+)", v3["source"])
    return {
        "v3_cost_musd": float(v3["reported_cost_usd"] / 1e6),
        "v3_gpu_hours_m": float(v3["gpu_hours"] / 1e6),
        "v3_gpus": float(v3["gpu_count"]),
        "v3_gpu_type": str(v3["gpu_type"]),
        "usd_per_gpu_hour": float(v3["reported_cost_usd"] / v3["gpu_hours"]),
        "pretraining_share": float(stages[V3_STAGES[0]] / v3["gpu_hours"]),
        "r1_cost_musd": r1_cost / 1e6,
        "v3_plus_r1_musd": float((v3["reported_cost_usd"] + r1_cost) / 1e6),
        "llama_at_v3_price_musd": float(compute_row(compute, LLAMA)["gpu_hours"] * v3["reported_cost_usd"]
                                        / v3["gpu_hours"] / 1e6),
        "cost_assumes": basis.group(1).strip() if basis else "not stated in the facts",
        "cost_excludes": excludes.group(1).strip() if excludes else "not stated in the facts",
        "fleet_estimate_gpus": float(compute_row(compute, FLEET_ESTIMATE)["gpu_count"]),
        "v3_active_bn": float(v3["params_active"] / 1e9),
        "v3_total_bn": float(v3["params_total"] / 1e9),
    }


def compute_claims_table(ledger_frame: pd.DataFrame) -> pd.DataFrame:
    """Return the ledger's compute claims of this chapter with the basis or context it reports."""
    chapter = ledger_frame[ledger_frame["chapter"] == "30_sanctions"]
    about_compute = chapter["measure"].isin(COMPUTE_MEASURES) | chapter["measure"].eq("")
    causal = chapter["basis"].str.startswith("A causal claim")
    rows = chapter[about_compute & ~causal]
    shown = rows.set_index("id")[["claim", "claimed", "measured", "verdict", "basis", "context"]].copy()
    shown["verdict"] = shown["verdict"].astype(str)
    return shown


def theme_claims_table(ledger_frame: pd.DataFrame) -> pd.DataFrame:
    """Return this chapter's claims as the ledger judges them: claim, article, claimed, measured, verdict."""
    table = claims_ledger.claims_table(ledger_frame, chapter="30_sanctions")
    articles = ledger_frame.set_index("id")["article"]
    table.insert(1, "article", articles.loc[table.index])
    return table


def verdict_counts(ledger_frame: pd.DataFrame) -> dict[str, int]:
    """Return how many of this chapter's claims got each verdict (the ledger's one count)."""
    return claims_ledger.verdict_counts(ledger_frame, "30_sanctions")


def display_ratios(ratios: pd.DataFrame) -> pd.DataFrame:
    """Return the compute ratios for readers: two decimals, three below 1 (0.125, not 0.13)."""
    shown = pd.DataFrame({"Ratio": ratios["ratio"].to_numpy(),
                          "Value": [format_number(value, 3 if abs(value) < 1 else 2) for value in ratios["value"]],
                          "Like for like?": ratios["like_for_like"].to_numpy(),
                          "Computed by": ratios["source"].to_numpy()})
    return shown.set_index("Ratio")
