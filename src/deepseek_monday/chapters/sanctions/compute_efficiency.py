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


def compute_models_table(compute: pd.DataFrame) -> pd.DataFrame:
    """Return the training runs compared: GPUs, GPU-hours, tokens, active parameters, cost, approximate FLOPs."""
    models = [V3_FULL, *V3_STAGES, R1_TOTAL, LLAMA, GPT4]
    rows = compute.set_index("model").reindex(models)  # a model the facts lack shows as dashes
    table = rows[["gpu_type", "gpu_count", "gpu_hours", "training_tokens", "params_active", "reported_cost_usd",
                  "estimate"]].copy()
    table["approx_flops"] = approximate_training_flops(table["params_active"], table["training_tokens"])
    return table


def display_compute_models(table: pd.DataFrame) -> pd.DataFrame:
    """Return the training-runs table in readable units; a dash where the facts hold no figure."""
    shown = pd.DataFrame({
        "GPU": table["gpu_type"].replace("", np.nan), "GPUs": table["gpu_count"].astype("Int64"),
        "GPU-hours (m)": table["gpu_hours"] / 1e6, "Tokens (tn)": table["training_tokens"] / 1e12,
        "Active parameters (bn)": table["params_active"] / 1e9,
        "Reported cost (USD m)": table["reported_cost_usd"] / 1e6,
        f"Training compute ({TIMES}10{SUPERSCRIPT_24} FLOP, {APPROX} 6{DOT}N{DOT}D)": table["approx_flops"] / 1e24,
        "Estimate": table["estimate"].map({True: "yes", False: "no"}),
    }, index=table.index)
    decimals = {"GPU-hours (m)": 3, "Tokens (tn)": 1, "Active parameters (bn)": 0, "Reported cost (USD m)": 3}
    shown = readable(shown, decimals={column: decimals.get(column, 2) for column in shown.columns})
    shown.index = [R1_SHORT if model == R1_TOTAL else model for model in shown.index]
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
    v3_per_token = v3["gpu_hours"] / v3["training_tokens"]
    llama_per_token = llama["gpu_hours"] / llama["training_tokens"]
    v3_flops = approximate_training_flops(v3["params_active"], v3["training_tokens"])
    llama_flops = approximate_training_flops(llama["params_active"], llama["training_tokens"])
    rows = [
        ("llama_over_v3_gpu_hours", "GPU-hours: Llama 3.1 405B over DeepSeek-V3", ledger_measurement("002-12"),
         "claims ledger (002-12, context)"),
        ("v3_over_llama_gpus", "GPUs in the run: DeepSeek-V3 over Llama 3.1 405B", ledger_measurement("003-05"),
         "claims ledger (003-05)"),
        ("gpt4_over_v3_cost", "Cost: GPT-4 estimate over DeepSeek-V3's reported cost",
         1.0 / ledger_measurement("000-10"), "claims ledger (000-10, context), inverted"),
        ("llama_over_v3_hours_per_token", "GPU-hours per training token: Llama 3.1 405B over DeepSeek-V3",
         float(llama_per_token / v3_per_token), "this chapter"),
        ("llama_over_v3_active_params", "Active parameters per token: Llama 3.1 405B over DeepSeek-V3",
         compute_ratio(compute, LLAMA, V3_FULL, "params_active"), "this chapter"),
        ("llama_over_v3_flops", "≈ training FLOPs (6·N·D): Llama 3.1 405B over DeepSeek-V3",
         float(llama_flops / v3_flops), "this chapter (rule of thumb)"),
        ("v3_over_llama_hours_per_flop", "GPU-hours per ≈ FLOP: DeepSeek-V3 over Llama 3.1 405B",
         float((v3["gpu_hours"] / v3_flops) / (llama["gpu_hours"] / llama_flops)), "this chapter (rule of thumb)"),
        ("fleet_over_v3_gpus", f"Claimed fleet ({fleet['gpu_count']:,.0f} {fleet['gpu_type']}) over the GPUs of "
         "the V3 run", compute_ratio(compute, FLEET_CLAIM, V3_FULL, "gpu_count"), "this chapter (claim unverified)"),
    ]
    return pd.DataFrame(rows, columns=["key", "ratio", "value", "source"]).set_index("key")


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
    stage_sum = float(sum(stages.values()))
    if not np.isclose(stage_sum, v3["gpu_hours"]):
        raise DataValidationError(f"V3 stage GPU-hours sum to {stage_sum:,.0f}, not {v3['gpu_hours']:,.0f}")
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
                          "Computed by": ratios["source"].to_numpy()})
    return shown.set_index("Ratio")
