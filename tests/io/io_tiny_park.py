"""The tiny park the io tests share (a module, so property tests can import it)."""

PARK_TOML = """[park]
id = "tiny"
name = "Tiny Park"
province = "Dong Nai"
latitude = 10.80
longitude = 106.95
timezone = "Asia/Ho_Chi_Minh"
currency = "VND"
area_ha = 12

[targets]
ghg_reduction_pct = { 2030 = 30 }
"""

TENANTS = """tenant_id,name,sector,vsic,floor_area_m2,employees,voltage_level
T1,Alpha Electronics,electronics,2610,12000,300,22-110kV
T2,Beta Foods,food_beverage,1079,5000,120,6-22kV
"""

METERS = """meter_id,tenant_id,kind,unit,cumulative,register_max,wwtp_id
E1,T1,electricity_import,kWh,false,,
E2,T2,electricity_import,MWh,false,,
C1,T1,electricity_import,kWh,true,1000,
C2,T2,electricity_import,kWh,true,,
W1,,water_supply,m3,false,,
"""

WWTP = """wwtp_id,name,capacity_m3_per_day,treatment,standard,column,kq,kf
WW1,Central WWTP,4000,aerobic_well_managed,QCVN40:2011,A,0.9,1.0
"""
