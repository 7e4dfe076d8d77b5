"""The example park's eco-industrial-park inputs: certificates, RECP measures, two operating exchanges, one
compliance event and park.toml [eip], chosen so that the park is close to eligible with one clear gap.

No random draw: the files follow from the tenants' order (the first tenant of each profile comes first), so the
other parts of the example park are untouched. The gap is Decree 35 Art. 37(2)(c): one enterprise fewer than
20 % applies RECP solutions (ceil(0.2 n) - 1 of n tenants: 9 of 48, 1 of 9). Everything else of Art. 37 is met:
the investor declares its services and coordination mechanism, the two exchanges run between ISO 14001-certified
tenants, and the one sanction (a tenant's, in September three years before the year) falls before the 3-year
window.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from greenpark.reference import load_table

CERTIFICATE_COLUMNS = ["tenant_id", "standard", "certificate_id", "valid_from", "valid_to", "issuer"]
RECP_COLUMNS = ["tenant_id", "measure", "category", "implemented_on", "saving", "unit", "evidence"]
EXCHANGE_COLUMNS = [
    *("exchange_id", "from_tenant_id", "to_tenant_id", "kind", "material", "quantity", "unit", "since", "until"),
]
EVENT_COLUMNS = ["date", "tenant_id", "field", "description", "decision", "resolved_on"]
#: (giver sector, taker sector, kind, material, t/yr): the first tenant of each sector takes part
EXCHANGES = [
    ("metal_fabrication", "automotive_parts", "by_product", "steel off-cuts", 60.0),
    ("electronics", "logistics", "material", "wooden pallets", 24.0),
]
#: RECP measures by sector: (measure, category, saving, unit)
RECP_BY_SECTOR = {
    "electronics": ("Compressed-air leak repair and LED retrofit", "energy", 410_000.0, "kWh"),
    "metal_fabrication": ("Cutting-fluid recycling", "chemicals", 6.0, "t"),
    "automotive_parts": ("Paint-line rinse water reuse", "water", 3_800.0, "m3"),
    "logistics": ("Pallet repair and reuse", "materials", 12.0, "t"),
    "textile_garment": ("Dyeing bath reuse", "water", 9_500.0, "m3"),
    "plastics_rubber": ("Regrind of start-up scrap", "waste", 18.0, "t"),
    "chemicals": ("Solvent recovery", "emissions", 4.0, "t"),
    "food_beverage": ("Boiler condensate return", "energy", 150_000.0, "kWh"),
    "other": ("Good housekeeping programme", "materials", 2.0, "t"),
}
ISSUER = "Vietnam Certification Centre (illustrative)"


def recp_threshold() -> float:
    """The RECP share of Decree 35 Art. 37(2)(c) (``eip/criteria`` row D35-37.2c)."""
    return float(load_table("eip/criteria").set_index("criterion_id").loc["D35-37.2c", "value"])


def _first(tenants: pd.DataFrame, sector: str) -> str:
    return str(tenants.loc[tenants["sector"] == sector, "tenant_id"].iloc[0])


def eip_frames(tenants: pd.DataFrame, year: int) -> dict[str, pd.DataFrame]:
    """The four EIP files of the example park (tenants: tenant_id, sector, in the generator's order)."""
    pairs = [(_first(tenants, g), _first(tenants, t), k, m, q) for g, t, k, m, q in EXCHANGES]
    participants = list(dict.fromkeys(x for g, t, *_ in pairs for x in (g, t)))
    exchanges = pd.DataFrame(
        [
            {"exchange_id": f"EX-{i:02d}", "from_tenant_id": g, "to_tenant_id": t, "kind": k, "material": m,
             "quantity": q, "unit": "t", "since": f"{year - 1}-{3 * i + 1:02d}-01", "until": ""}
            for i, (g, t, k, m, q) in enumerate(pairs, start=1)
        ],
        columns=EXCHANGE_COLUMNS,
    )  # fmt: skip
    certs = [{"tenant_id": "", "standard": "ISO 14001:2015", "certificate_id": f"VN-EMS-{year - 2}-0001",
              "valid_from": f"{year - 2}-06-01", "valid_to": f"{year + 1}-05-31", "issuer": ISSUER}]  # fmt: skip
    for i, t in enumerate(participants, start=1):
        number = f"VN-EMS-{year - 1}-{i + 1:04d}"
        certs.append({"tenant_id": t, "standard": "ISO 14001:2015", "certificate_id": number,
                      "valid_from": f"{year - 1}-01-15", "valid_to": f"{year + 2}-01-14",
                      "issuer": ISSUER})  # fmt: skip
    anchor = _first(tenants, "electronics")
    certs.append({"tenant_id": anchor, "standard": "ISO 50001:2018", "certificate_id": f"VN-EnMS-{year - 1}-0001",
                  "valid_from": f"{year - 1}-07-01", "valid_to": f"{year + 2}-06-30", "issuer": ISSUER})  # fmt: skip
    n = len(tenants)
    k = math.ceil(recp_threshold() * n - 1e-9) - 1  # one short of Decree 35 Art. 37(2)(c): the example's clear gap
    others = [str(t) for t in tenants["tenant_id"] if t not in participants]
    applying = ([anchor] + [p for p in participants if p != anchor] + others)[:k]
    sector = dict(zip(tenants["tenant_id"].astype(str), tenants["sector"].astype(str), strict=True))
    recp = pd.DataFrame(
        [
            {"tenant_id": t, "measure": RECP_BY_SECTOR[sector[t]][0], "category": RECP_BY_SECTOR[sector[t]][1],
             "implemented_on": f"{year - 1}-{(i % 12) + 1:02d}-15", "saving": RECP_BY_SECTOR[sector[t]][2],
             "unit": RECP_BY_SECTOR[sector[t]][3], "evidence": f"RECP audit EA-{year - 1}-{t}"}
            for i, t in enumerate(applying)
        ],
        columns=RECP_COLUMNS,
    )  # fmt: skip
    sanctioned = others[-1] if others else str(tenants["tenant_id"].iloc[-1])
    events = pd.DataFrame(
        [
            {"date": f"{year - 3}-09-15", "tenant_id": sanctioned, "field": "environment",
             "description": "Wastewater above the park's connection limit (COD)", "decision": "2650/QD-XPHC",
             "resolved_on": f"{year - 3}-11-30"}
        ],
        columns=EVENT_COLUMNS,
    )  # fmt: skip
    return {
        "certificates": pd.DataFrame(certs, columns=CERTIFICATE_COLUMNS),
        "recp_measures": recp,
        "exchanges": exchanges,
        "compliance_events": events,
    }


#: park.toml [eip] of the example park (TOML text after the [targets] table)
EIP_TOML = """
[eip]
basic_services = ["electricity", "water", "information", "fire_prevention", "wastewater_treatment", "symbiosis_support"]
coordination_mechanism = "Quy che phoi hop va chia se thong tin so 01/2023/QC-BDH"
management_entity = "Long Thanh Demo park management company"
management_system = ["ISO 14001"]
master_plan = "Zoning plan 1/2000 approved by the provincial People's Committee"
green_space_ha = 30
shared_infrastructure_ha = 25
social_management_system = "Grievance mechanism and labour monitoring procedure"
social_infrastructure = ["clinic", "canteen", "worker_housing", "bus_service"]
community_dialogue = "Quarterly dialogue with Long Duc commune"
economic_value_monitored = "Yearly investment and output report to the management board"
"""


def eip_truth(frames: dict[str, pd.DataFrame], n_tenants: int) -> dict[str, Any]:
    """What the assessment must find in the example park (metadata.json ``eip``)."""
    applying = sorted(frames["recp_measures"]["tenant_id"].unique())
    return {
        "note": "Decree 35 Art. 37: every criterion met except 37(2)(c), one enterprise short of 20 % applying RECP",
        "park_status": "not_eligible",
        "not_met": ["D35-37.2c"],
        "recp_tenants": applying,
        "recp_share": len(applying) / n_tenants,
        "recp_needed": math.ceil(recp_threshold() * n_tenants - 1e-9),
        "exchanges": frames["exchanges"]["exchange_id"].tolist(),
        "exchange_participants": sorted(
            set(frames["exchanges"]["from_tenant_id"]) | set(frames["exchanges"]["to_tenant_id"])
        ),
        "sanctioned_tenant": str(frames["compliance_events"]["tenant_id"].iloc[0]),
        "eco_enterprises": sorted(
            set(applying) & (set(frames["exchanges"]["from_tenant_id"]) | set(frames["exchanges"]["to_tenant_id"]))
        ),
    }
