"""The schema tables (io/schema/*.csv) match the domain model (greenpark.model)."""

from __future__ import annotations

import pytest
from pydantic_core import PydanticUndefined

from greenpark.io.records import OBJECT_MODELS
from greenpark.io.schema import FILES, canonical_parameter, file_schema, wastewater_parameters
from greenpark.model import MeterKind, Sector, Treatment, VoltageLevel
from greenpark.units import known_units


@pytest.mark.parametrize("name", list(OBJECT_MODELS))
def test_object_schema_matches_model(name):
    model = OBJECT_MODELS[name]
    attrs = {a.name: a for a in file_schema(name)}
    # every schema attribute is a model field, and every model field is in the schema
    assert set(attrs) == set(model.model_fields)
    for field_name, info in model.model_fields.items():
        model_required = info.default is PydanticUndefined and info.default_factory is None
        a = attrs[field_name]
        if model_required:  # the file must give it, or the schema fills in its default
            assert a.required or a.default is not None, field_name
        if a.required:
            assert model_required, field_name


@pytest.mark.parametrize(
    ("name", "attr", "enum"),
    [
        ("tenants", "sector", Sector),
        ("tenants", "voltage_level", VoltageLevel),
        ("meters", "kind", MeterKind),
        ("wwtp", "treatment", Treatment),
    ],
)
def test_choices_match_enums(name, attr, enum):
    a = {x.name: x for x in file_schema(name)}[attr]
    assert set(a.choices) == {e.value for e in enum}


def test_every_file_has_a_schema_with_docs():
    for name in FILES:
        attrs = file_schema(name)
        assert attrs, name
        assert all(a.description and a.label_vi for a in attrs), name
        assert all(a.type in {"str", "float", "int", "bool", "date", "period", "timestamp", "unit"} for a in attrs)


def test_docs_columns_match_schema():
    # the fixed column names of docs/park-folder.md are in the schema tables, in order
    fixed = {
        "tenants": "tenant_id, name, sector, vsic, floor_area_m2, employees, voltage_level",
        "roofs": "roof_id, tenant_id, area_m2, tilt_deg, azimuth_deg, usable_fraction",
        "meters": "meter_id, tenant_id, kind, unit, cumulative",
        "readings": "meter_id, timestamp, value",
        "fuels": "tenant_id, period, fuel, quantity, unit",
        "refrigerants": "tenant_id, period, gas, charge_kg, leaked_kg",
        "production": "tenant_id, period, quantity, unit",
        "wwtp": "wwtp_id, name, capacity_m3_per_day, treatment, standard, column, kq, kf",
        "wastewater": "wwtp_id, timestamp, point, parameter, value, unit",
        "waste": "date, tenant_id, waste_code, description, category, quantity, unit, route, receiver",
        "manifests": "manifest_id, date, tenant_id, waste_code, quantity, unit",
        "renewables": "tenant_id, period, instrument, energy_kwh, source",
    }
    for name, cols in fixed.items():
        names = [a.name for a in file_schema(name)]
        want = cols.split(", ")
        assert names[: len(want)] == want, name


def test_wastewater_parameters_have_known_dimensions():
    params, aliases = wastewater_parameters()
    dims = {d for d in ("flow", "temperature", "ph", "colour", "concentration", "bacteria", "activity")}
    assert {p.dimension for p in params.values()} <= dims
    assert all(known_units(p.dimension) for p in params.values())
    assert aliases["nh4-n"] == "ammonium_n" and aliases["cod"] == "cod"


def test_importer_and_water_engine_accept_the_same_parameter_spellings():
    # one table (reference/data/water/parameters.csv): every listed alias means the same parameter to both
    from greenpark.reference import load_table
    from greenpark.water.parameters import canonical_parameter as engine_name

    table = load_table("water/parameters")
    for row in table.itertuples():
        for spelling in [row.parameter, *str(row.aliases).split("|")]:
            assert canonical_parameter(spelling) == engine_name(spelling) == row.parameter, spelling
    params, _ = wastewater_parameters()
    assert {p: params[p].unit for p in ("cod", "flow", "ph", "coliform")} == {
        "cod": "mg/l",
        "flow": "m3/day",
        "ph": "pH",
        "coliform": "MPN/100ml",
    }
    # the canonical name with _ written as a space or a hyphen, as the importer always accepted
    assert canonical_parameter("Total N") == canonical_parameter("total-n") == "total_n"
    assert canonical_parameter("DOC") is None
    assert (params["ph"].min, params["ph"].max) == (0.0, 14.0)  # pH 0-14 by definition


def test_no_second_parameter_table_in_the_io_schema():
    from greenpark.io.schema import SCHEMA_DIR

    assert not (SCHEMA_DIR / "wastewater_parameters.csv").exists()
