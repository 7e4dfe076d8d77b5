"""The example park: a realistic, deterministic (seeded) park folder for demos and end-to-end tests.

``greenpark example DIR [--seed N] [--year 2024] [--tenants 48]`` writes a park of about
270 ha near Long Thanh, Dong Nai, for one calendar year, in the format of
``docs/park-folder.md``:

- ``park.toml`` (targets: GHG -30 % by 2030, -100 % by 2050; 30 % renewables by 2030; baseline 2024);
- ``tenants.csv`` (48 tenants by default, eight sectors, VSIC 2018 codes; three "anchor" factories
  sized to cross the Decree 06/2022 inventory thresholds), ``roofs.csv`` (1-3 low-tilt roofs each,
  some east-west pairs);
- ``meters.csv`` and ``readings.csv``: 15-minute electricity per tenant (shifts, Sundays, public
  holidays, Tết, cooling, noise), three cumulative register meters (one rolls over), rooftop PV on
  four tenants (one exports), street lighting, admin and WWTP meters, daily (one hourly) wastewater
  meters and some water-supply meters;
- ``fuels.csv``, ``refrigerants.csv``, ``production.csv`` (monthly);
- ``wwtp.csv`` (one activated-sludge WWTP, QCVN40:2011 column A, Kq 0.9, Kf 1.0) and
  ``wastewater.csv``: 5-minute outlet analyser data (flow in m3/h, pH, temperature, COD, TSS, NH4-N)
  with four exceedance episodes, a stuck COD probe and a 2-hour gap, and monthly lab samples at
  inlet, outlet and the larger tenants' connection points (values below detection written ``<DL``);
- ``waste.csv`` (collections by code, category and route; hazardous loads with manifest ids),
  ``manifests.csv`` (one hazardous-waste manifest per hazardous load, reconciling with waste.csv) and
  ``symbiosis.csv`` (gives with matching takes);
- ``sludge.csv``: date, wwtp_id, waste_code, quantity_t (wet), dry_solids_pct, route, receiver: the WWTP's
  monthly dewatered sludge;
- ``renewables.csv``: one month of renewable certificates retired by the first anchor tenant (market-based
  Scope 2);
- ``certificates.csv``, ``recp_measures.csv``, ``exchanges.csv``, ``compliance_events.csv`` and park.toml
  ``[eip]``: the eco-industrial-park inputs (:mod:`~greenpark.example.eip`): two operating exchanges between
  ISO 14001-certified tenants, one sanction before the 3-year window, RECP measures at one enterprise fewer than
  20 % (the one Decree 35 Art. 37 criterion not met);
- ``metadata.json``: the truth the generator knows, for end-to-end tests: per-tenant kWh (load,
  import, PV, export), water, fuel, production and waste totals, the WWTP events (parameter, start,
  end exclusive, peak, limit), the deliberate faults (file, line, column, value, reason, original)
  and ``expected_check`` (every line a checker should reject, the rollover, the gap).

Timestamps are park local time without offset and label the start of their interval.
Modules by what they generate: :mod:`~greenpark.example.tenants` (tenants, roofs),
:mod:`~greenpark.example.electricity`, :mod:`~greenpark.example.wastewater`,
:mod:`~greenpark.example.fuels` (fuels, refrigerants, production), :mod:`~greenpark.example.waste`
(waste, manifests, symbiosis), :mod:`~greenpark.example.renewables`, :mod:`~greenpark.example.faults`;
:mod:`~greenpark.example.generate` writes the folder. Every size and intensity is a row of
``reference/data/example/*.csv`` with its source (mostly illustrative assumptions, confidence R).
"""

from greenpark.example.generate import DEFAULT_SEED, DEFAULT_TENANTS, GENERATOR_VERSION, STEPS, write_example_park

__all__ = ["DEFAULT_SEED", "DEFAULT_TENANTS", "GENERATOR_VERSION", "STEPS", "write_example_park"]
