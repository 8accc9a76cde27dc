"""What each KPI of :func:`sim.metrics.kpis_per_replication` means: a label, a unit and a
description, for people (the dashboard's cards, tables and help texts).

:func:`kpi_info` also knows the KPI families ``final_clv_<channel>`` and
``week_<k>_customers``. Units:

============  ==========================================================================
``money``     an amount in the scenario's currency (``product.currency``)
``count``     a number of consumers or events (whole numbers)
``percent``   a ratio shown in percent (ROI 6.9 is 690%)
``ratio``     a ratio of two like quantities, shown as "x times"
``score``     the net promoter score, from -100 to 100
``rating``    a mean review rating, 1 to 5 stars
``step``      a step of the run
============  ==========================================================================
"""

from __future__ import annotations

import re
from typing import NamedTuple

UNITS = ("money", "count", "percent", "ratio", "score", "rating", "step")


class KpiInfo(NamedTuple):
    """A KPI's short label, its unit (one of :data:`UNITS`) and what it measures."""

    label: str
    unit: str
    description: str


#: The KPIs of a commerce table and of a classic preset table, in report order.
KPIS: dict[str, KpiInfo] = {
    "final_adopted": KpiInfo(
        "Ever customers", "count",
        "Consumers who bought at least once by the last week (adopters, for the classic "
        "presets)."),
    "final_customers": KpiInfo(
        "Customers", "count", "Active customers (customer or loyal) at the last week."),
    "total_revenue": KpiInfo(
        "Revenue", "money", "Revenue from every purchase, summed over the run."),
    "total_cost": KpiInfo(
        "Marketing spend", "money",
        "Marketing cost (ads, promotions, influencers, community) summed over the run."),
    "total_profit": KpiInfo(
        "Profit", "money",
        "Revenue minus cost of goods minus marketing, summed over the run."),
    "total_profit_npv": KpiInfo(
        "Profit (NPV)", "money",
        "The same profit discounted week by week to the start of the run at the yearly "
        "rate budget.clv_discount, as lifetime value is discounted."),
    "roi": KpiInfo(
        "ROI", "percent", "Return on marketing: profit over marketing spend (n/a without "
                          "marketing spend)."),
    "cost_per_acquisition": KpiInfo(
        "Cost per acquisition", "money",
        "Marketing spend over the customers acquired during the run (n/a if none)."),
    "total_churned": KpiInfo(
        "Churned", "count", "Customers lost over the run."),
    "final_clv": KpiInfo(
        "CLV", "money",
        "Mean 52-week lifetime value of matured customers at the last week, discounted "
        "(n/a before any customer is a year old)."),
    "final_nps": KpiInfo(
        "NPS", "score",
        "Net promoter score of active customers at the last week: promoters minus "
        "detractors, in percent of customers (-100 to 100)."),
    "final_mean_rating": KpiInfo(
        "Mean rating", "rating", "Mean review rating (1 to 5 stars) at the last week."),
    "total_shares": KpiInfo(
        "Word-of-mouth shares", "count", "Word-of-mouth shares over the run."),
    "total_reviews": KpiInfo(
        "Reviews", "count", "Reviews written over the run."),
    "final_community_members": KpiInfo(
        "Community members", "count", "Members of the brand community at the last week."),
    "member_conversion_ratio": KpiInfo(
        "Member conversion ratio", "ratio",
        "Share of community members who are customers over the same share of non-members, "
        "at the last week."),
    "member_spend_ratio": KpiInfo(
        "Member spend ratio", "ratio",
        "Mean spend of member customers over that of non-member customers, at the last "
        "week."),
    "top1_spend_ratio": KpiInfo(
        "Top-1% spend ratio", "ratio",
        "Mean spend of the top 1% of customers over the mean spend of customers, at the "
        "last week."),
    "adopted_share": KpiInfo(
        "Adopted share", "percent", "Adopters at the last step over the population."),
    "peak_step": KpiInfo(
        "Peak step", "step",
        "The step with the most new adopters (n/a if nobody adopted after the start)."),
}

_CLV_CHANNEL = re.compile(r"final_clv_(\w+)")
_WEEK = re.compile(r"week_(\d+)_customers")


def kpi_info(kpi: str) -> KpiInfo:
    """The label, unit and description of a KPI (also ``final_clv_<channel>`` and
    ``week_<k>_customers``); an unknown name gets itself as label and unit ``ratio``."""
    if kpi in KPIS:
        return KPIS[kpi]
    if match := _CLV_CHANNEL.fullmatch(kpi):
        channel = match.group(1)
        return KpiInfo(f"CLV ({channel})", "money",
                       f"CLV of matured customers acquired through the {channel} channel, "
                       "at the last week (n/a if none).")
    if match := _WEEK.fullmatch(kpi):
        week = match.group(1)
        return KpiInfo(f"Customers, week {week}", "count",
                       f"Active customers (customer or loyal) at week {week}.")
    return KpiInfo(kpi, "ratio", kpi)
