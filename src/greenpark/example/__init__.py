"""The example park: a realistic, deterministic (seeded) park folder for demos and end-to-end tests.

``greenpark example DIR`` writes a park of about 270 ha near Long Thanh, Dong Nai, for
one calendar year: tenants across eight sectors, roofs, 15-minute electricity,
rooftop PV, fuels, refrigerants, production, a central WWTP with 5-minute analyser
and monthly lab data (with designed exceedance episodes), waste records and
symbiosis offers, a few deliberate data faults, and ``metadata.json`` with the truth.

Modules by what they generate: :mod:`tenants` (tenants, roofs), :mod:`electricity`,
:mod:`wastewater`, :mod:`fuels` (fuels, refrigerants, production), :mod:`waste`
(waste, symbiosis), :mod:`faults`; :mod:`generate` writes the folder. Parameters live
in ``reference/data/example/*.csv`` with their sources.
"""

from greenpark.example.generate import DEFAULT_SEED, DEFAULT_TENANTS, GENERATOR_VERSION, STEPS, write_example_park

__all__ = ["DEFAULT_SEED", "DEFAULT_TENANTS", "GENERATOR_VERSION", "STEPS", "write_example_park"]
