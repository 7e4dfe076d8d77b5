"""The example park's EIP inputs as written (48 tenants): recomputed with plain pandas against metadata.json.

Decree 35/2022 Art. 37(2)(c) asks >= 20 % of enterprises to apply RECP: ceil(0.20 x 48) = 10; the example has
one fewer (9 = 18.75 %), its one clear gap.
"""

from __future__ import annotations

import tomllib

import pandas as pd


def _csv(folder, name):
    return pd.read_csv(folder / name, keep_default_na=False, dtype=str)


def test_eip_files_say_what_the_metadata_says(full_park):
    folder, meta = full_park
    truth = meta["eip"]
    recp = _csv(folder, "recp_measures.csv")
    tenants = _csv(folder, "tenants.csv")
    assert len(tenants) == 48 and recp["tenant_id"].nunique() == 9 == len(truth["recp_tenants"])
    assert truth["recp_share"] == 9 / 48 and truth["recp_needed"] == 10
    assert set(recp["category"]) <= {"energy", "water", "materials", "chemicals", "waste", "emissions"}
    x = _csv(folder, "exchanges.csv")
    assert x["exchange_id"].tolist() == truth["exchanges"] == ["EX-01", "EX-02"]
    assert (x["until"] == "").all() and (x["since"] <= "2024-12-31").all()  # both operate on 31 Dec 2024
    # every participant holds ISO 14001 valid on 31 Dec 2024
    c = _csv(folder, "certificates.csv")
    iso = c[
        c["standard"].str.startswith("ISO 14001") & (c["valid_from"] <= "2024-12-31") & (c["valid_to"] >= "2024-12-31")
    ]
    participants = set(x["from_tenant_id"]) | set(x["to_tenant_id"])
    assert participants == set(truth["exchange_participants"]) and participants <= set(iso["tenant_id"])
    assert "" in set(iso["tenant_id"])  # the investor's own EMS
    # the one compliance event: a tenant's sanction dated before the window (2021-12-31, 2024-12-31]
    ev = _csv(folder, "compliance_events.csv")
    assert len(ev) == 1 and ev["date"].iloc[0] <= "2021-12-31" and ev["decision"].iloc[0] != ""
    assert ev["tenant_id"].iloc[0] == truth["sanctioned_tenant"] not in participants
    eip = tomllib.loads((folder / "park.toml").read_text(encoding="utf-8"))["eip"]
    assert len(eip["basic_services"]) == 6 and eip["green_space_ha"] == 30
    assert truth["park_status"] == "not_eligible" and truth["not_met"] == ["D35-37.2c"]
