"""Objects and record tables: schema typing, foreign keys, units, censored values, ranges."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from greenpark.errors import ParkFolderError
from greenpark.io import read_park_folder
from greenpark.model import Sector, VoltageLevel


def _rej(read, file: str) -> list[tuple[str, str, str]]:
    r = read.rejects[read.rejects.file == file]
    return [(str(x.line), str(x.field), str(x.reason)) for x in r.itertuples()]


def test_park_and_objects(make_park):
    read = read_park_folder(make_park())
    assert read.data.park.park_id == "tiny"
    assert read.data.park.targets == {"ghg_reduction_pct": {2030: 30.0}}
    t1 = read.data.tenants[0]
    assert (t1.sector, t1.voltage_level, t1.employees) == (Sector.electronics, VoltageLevel.kv_22_110, 300)
    assert [m.meter_id for m in read.data.meters] == ["E1", "E2", "C1", "C2", "W1"]
    assert read.data.meters[2].register_max == 1000.0
    assert read.data.meters[4].tenant_id is None
    assert read.ok


def test_object_rows_rejected_with_field_and_reason(make_park):
    tenants = (
        "tenant_id,name,sector,vsic,floor_area_m2,employees,voltage_level\n"
        "T1,Alpha,Electronics,2610,12000,300,22-110KV\n"  # case-insensitive choices: accepted
        "T2,Beta,bakery,1079,5000,120,6-22kV\n"  # unknown sector
        "T3,Gamma,logistics,5210,-5,10,<6kV\n"  # floor area must be > 0 (model)
        "T1,Again,logistics,5210,100,10,<6kV\n"  # duplicate id
        "T4,Delta,logistics,5210,100,2.5,<6kV\n"  # employees not whole
    )
    roofs = (
        "roof_id,tenant_id,area_m2,tilt_deg,azimuth_deg,usable_fraction\nR1,T1,1000,95,180,0.8\nR2,TX,10,5,180,0.5\n"
    )
    read = read_park_folder(make_park(tenants=tenants, roofs=roofs, meters="meter_id,tenant_id,kind,unit,cumulative\n"))
    assert [t.tenant_id for t in read.data.tenants] == ["T1"]
    rej = _rej(read, "tenants.csv")
    assert rej[0] == (
        "3",
        "sector",
        "sector must be one of: electronics, automotive_parts, food_beverage, "
        "textile_garment, plastics_rubber, metal_fabrication, chemicals, logistics, other",
    )
    assert rej[1][:2] == ("4", "floor_area_m2")
    assert rej[2] == ("5", "tenant_id", "duplicate tenant_id; first given on line 2")
    assert rej[3] == ("6", "employees", "employees must be a whole number")
    roof = _rej(read, "roofs.csv")
    assert roof[0] == ("2", "tilt_deg", "tilt_deg out of range [0, 90] deg")  # out of physical range
    assert roof[1][:2] == ("3", "tenant_id") and "not in tenants.csv" in roof[1][2]
    c = read.counts["tenants.csv"]
    assert (c.read, c.accepted, c.rejected) == (5, 1, 4)


def test_missing_required_file_and_bad_park_toml(make_park, tmp_path):
    with pytest.raises(ParkFolderError, match="lacks meters.csv"):
        folder = make_park("a")
        (folder / "meters.csv").unlink()
        read_park_folder(folder)
    with pytest.raises(ParkFolderError, match="latitude"):
        read_park_folder(make_park("b", park_toml='[park]\nid="x"\nname="x"\nlatitude=100\nlongitude=1\narea_ha=1\n'))
    with pytest.raises(ParkFolderError, match="no park.toml"):
        read_park_folder(tmp_path)


def test_missing_required_column_rejects_every_row(make_park):
    read = read_park_folder(make_park(fuels="tenant_id,period,fuel,quantity\nT1,2024-01,diesel,100\n"))
    assert _rej(read, "fuels.csv")[0][:2] == ("2", "unit")
    assert "file has no column 'unit'" in _rej(read, "fuels.csv")[0][2]
    assert read.counts["fuels.csv"].rejected == 1


def test_fuels_units_and_periods(make_park):
    fuels = (
        "tenant_id,period,fuel,quantity,unit\n"
        "T1,2024-01,diesel,1200,litre\n"  # alias -> l
        "T1,2024-13,diesel,10,l\n"  # bad period
        "T2,2024-02,lpg,3,tấn\n"  # Vietnamese alias -> t
        "T2,2024-02,lpg,3,kWhh\n"  # unknown unit
        "T2,2024-02,lpg,3,mg/l\n"  # a unit, but not of a fuel quantity
        "T9,2024-02,lpg,3,kg\n"  # unknown tenant
        "T2,2024-02,peat,3,kg\n"  # unknown fuel
    )
    read = read_park_folder(make_park(fuels=fuels))
    f = read.data.table("fuels")
    assert f[["tenant_id", "period", "fuel", "quantity", "unit"]].values.tolist() == [
        ["T1", "2024-01", "diesel", 1200.0, "l"],
        ["T2", "2024-02", "lpg", 3.0, "t"],
    ]
    fields = [(line, field) for line, field, _ in _rej(read, "fuels.csv")]
    assert fields == [("3", "period"), ("5", "unit"), ("6", "unit"), ("7", "tenant_id"), ("8", "fuel")]
    assert read.counts["fuels.csv"].rejected == 5


def test_wastewater_aliases_units_censored_and_range(make_park):
    ww = (
        "wwtp_id,timestamp,point,parameter,value,unit,method\n"
        "WW1,2024-03-01 08:00,outlet,COD,42,mg/L,analyser\n"
        "WW1,2024-03-01 08:00,outlet,NH4-N,<0.05,mg/l,lab\n"  # alias + censored: value = the limit
        "WW1,2024-03-01 08:00,inlet,Pb,20,ug/l,\n"  # 20 ug/l = 0.02 mg/l; method default lab
        "WW1,2024-03-01 08:00,outlet,pH,7.2,,analyser\n"  # pH needs no unit
        "WW1,2024-03-01 08:00,tenant:T2,BOD5,300,mg/l,lab\n"
        "WW1,2024-03-01 08:00,outlet,pH,15,,analyser\n"  # out of physical range 0-14
        "WW1,2024-03-01 08:00,outlet,unobtainium,1,mg/l,lab\n"  # unknown parameter
        "WW1,2024-03-01 08:00,outlet,COD,1,degC,lab\n"  # unit does not fit
        "WW1,2024-03-01 08:00,tenant:T9,COD,1,mg/l,lab\n"  # unknown tenant point
        "WX,2024-03-01 08:00,outlet,COD,1,mg/l,lab\n"  # unknown WWTP
    )
    read = read_park_folder(make_park(wastewater=ww))
    t = read.data.table("wastewater")
    assert t["parameter"].tolist() == ["cod", "ammonium_n", "lead", "ph", "bod5"]
    assert t["value"].tolist() == pytest.approx([42.0, 0.05, 0.02, 7.2, 300.0])
    assert t["unit"].tolist() == ["mg/l", "mg/l", "mg/l", "pH", "mg/l"]
    assert t["censored"].tolist() == [False, True, False, False, False]
    assert t["method"].tolist() == ["analyser", "lab", "lab", "analyser", "lab"]
    assert t["point"].tolist() == ["outlet", "outlet", "inlet", "outlet", "tenant:T2"]
    # 08:00 local (UTC+7) = 01:00 UTC
    assert t["timestamp"].iloc[0] == pd.Timestamp("2024-03-01T01:00Z")
    rej = _rej(read, "wastewater.csv")
    assert [(line, field) for line, field, _ in rej] == [
        ("7", "value"),
        ("8", "parameter"),
        ("9", "unit"),
        ("10", "point"),
        ("11", "wwtp_id"),
    ]
    assert rej[0][2] == "value out of physical range [0, 14] pH"


def test_waste_in_m3_needs_density(make_park):
    waste = (
        "date,tenant_id,waste_code,description,category,quantity,unit,route,receiver,density_t_per_m3\n"
        "2024-01-05,T1,18 02 06,sludge,hazardous,2,m3,incineration,Co A,1.2\n"  # 2 m3 x 1.2 t/m3 = 2.4 t
        "2024-01-06,T2,,food,domestic,500,kg,composting,Co B,\n"  # 500 kg = 0.5 t
        "2024-01-07,T2,,food,domestic,5,m3,composting,Co B,\n"  # m3 without density
    )
    read = read_park_folder(make_park(waste=waste))
    w = read.data.table("waste")
    assert w["quantity_t"].tolist() == pytest.approx([2.4, 0.5])
    assert w["date"].tolist() == [dt.date(2024, 1, 5), dt.date(2024, 1, 6)]
    assert _rej(read, "waste.csv")[0][:2] == ("4", "density_t_per_m3")


def test_symbiosis_and_refrigerants(make_park):
    sym = "tenant_id,direction,material,quantity,unit,quality,price_vnd_per_t\nT1,give,scrap steel,1500,kg,clean,\n"
    ref = "tenant_id,period,gas,charge_kg,leaked_kg\nT1,2024-01,R-410A,,1.5\n"
    read = read_park_folder(make_park(symbiosis=sym, refrigerants=ref))
    assert read.data.table("symbiosis")["quantity_t_per_month"].tolist() == [1.5]
    r = read.data.table("refrigerants")
    assert r[["gas", "charge_kg", "leaked_kg"]].values.tolist() == [["R-410A", 0.0, 1.5]]  # default charge 0


def test_sludge_optional_file(make_park):
    sludge = (
        "date,wwtp_id,waste_code,quantity_t,dry_solids_pct,route,receiver\n"
        "2024-01-31,WW1,12 06 06,74.78,21.0,co_processing,Cement Co\n"
        "2024-02-29,WX,12 06 06,49.36,21.2,co_processing,Cement Co\n"  # unknown WWTP
        "2024-03-31,WW1,12 06 06,50,120,co_processing,Cement Co\n"  # dry solids above 100 %
    )
    read = read_park_folder(make_park(sludge=sludge))
    s = read.data.table("sludge")
    assert s[["wwtp_id", "quantity_t", "dry_solids_pct"]].values.tolist() == [["WW1", 74.78, 21.0]]
    assert [(line, field) for line, field, _ in _rej(read, "sludge.csv")] == [("3", "wwtp_id"), ("4", "dry_solids_pct")]
