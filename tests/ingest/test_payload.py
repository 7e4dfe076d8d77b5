"""Reading batches as sent over HTTP/MQTT become raw text rows; nothing is dropped on the way."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenpark.errors import InputError
from greenpark.ingest.payload import rows_from_csv_bytes, rows_from_json, rows_from_json_bytes


def test_json_list_and_envelope_give_the_same_rows() -> None:
    items = [
        {"meter_id": "M1", "timestamp": "2024-03-01T08:00:00+07:00", "value": 1.5},
        {"meter_id": "M2", "ts": "2024-03-01T08:15:00", "value": 2},
    ]
    a = rows_from_json(items)
    b = rows_from_json({"readings": items})
    assert a.equals(b)
    assert a.to_dict(orient="list") == {
        "meter_id": ["M1", "M2"],
        "timestamp": ["2024-03-01T08:00:00+07:00", "2024-03-01T08:15:00"],
        "value": ["1.5", "2"],
    }


def test_mqtt_single_object_takes_the_meter_from_the_topic() -> None:
    df = rows_from_json_bytes(b'{"ts": "2024-03-01T08:00:00Z", "value": 3.25}', meter_id="M9")
    assert df.iloc[0].to_dict() == {"meter_id": "M9", "timestamp": "2024-03-01T08:00:00Z", "value": "3.25"}


def test_malformed_elements_stay_as_rows() -> None:
    df = rows_from_json([{"meter_id": "M1"}, 42, "x"])
    assert len(df) == 3
    assert df["timestamp"].isna().all()


def test_not_a_batch_is_an_input_error_that_says_what_to_send() -> None:
    with pytest.raises(InputError, match="JSON list"):
        rows_from_json({"meter": "M1"})
    with pytest.raises(InputError, match="not valid JSON"):
        rows_from_json_bytes(b"{nope")


def test_csv_batch_needs_the_readings_header() -> None:
    df = rows_from_csv_bytes(b"meter_id,timestamp,value\nM1,2024-03-01T08:00:00,1.0\n")
    assert df.to_dict(orient="list") == {"meter_id": ["M1"], "timestamp": ["2024-03-01T08:00:00"], "value": ["1.0"]}
    with pytest.raises(InputError, match="lacks column"):
        rows_from_csv_bytes(b"meter,ts,v\nM1,2024,1\n")


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.integers(),
            st.text(max_size=5),
            st.dictionaries(
                st.sampled_from(["meter_id", "timestamp", "ts", "value", "x"]),
                st.one_of(st.none(), st.floats(allow_nan=True), st.text(max_size=5), st.booleans()),
            ),
        )
    )
)
def test_random_elements_never_crash_and_never_vanish(items: list) -> None:
    df = rows_from_json_bytes(json.dumps(items).encode())
    assert len(df) == len(items)
