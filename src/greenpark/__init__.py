"""greenpark: the open platform that runs a green-smart industrial park.

Data flows one way: io -> store -> engines (ghg, energy, solar, water, waste, plan)
-> assess -> report / api. See docs/ and the README.
"""

__version__ = "0.1.0"
