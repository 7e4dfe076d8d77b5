"""An empty, annotated park: a folder of CSV headers and one workbook a park can fill in.

Column names are English (the contract in docs/park-folder.md); each header cell of the
workbook carries the Vietnamese label and the description as a cell note, and a README
sheet explains the sheets in both languages. Everything comes from the schema tables.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from greenpark.errors import ParkFolderError
from greenpark.io.schema import FILES, file_schema

PARK_TOML = """# park.toml: the park's identity, clock and money (see docs/park-folder.md)
# Thông tin khu công nghiệp: mã, tên, vị trí, múi giờ, tiền tệ, diện tích
[park]
id = "my-park"                 # Mã KCN: letters, digits, _ . -
name = "My Industrial Park"    # Tên KCN
province = "Dong Nai"          # Tỉnh
latitude = 10.80               # Vĩ độ
longitude = 106.95             # Kinh độ
timezone = "Asia/Ho_Chi_Minh"  # Múi giờ (timestamps without an offset are in this zone)
currency = "VND"               # Tiền tệ
area_ha = 100                  # Diện tích (ha)
# baseline_year = 2024         # Năm cơ sở

# [targets]                    # Mục tiêu: year = value
# ghg_reduction_pct = { 2030 = 30, 2050 = 100 }
# renewable_share_pct = { 2030 = 30 }

# [eip]                        # Khu công nghiệp sinh thái (Nghị định 35/2022 Điều 37): các thông tin kê khai
# registration_date = 2025-03-31          # Ngày đăng ký chứng nhận (mặc định: ngày cuối năm đánh giá)
# basic_services = ["electricity", "water", "information", "fire_prevention", "wastewater_treatment",
#                   "symbiosis_support"]  # Dịch vụ cơ bản nhà đầu tư cung cấp
# coordination_mechanism = "Quy chế số ..." # Cơ chế phối hợp, chia sẻ thông tin (false = chưa có)
# management_entity = "Ban điều hành KCN"  # Đơn vị quản lý KCN
# management_system = ["ISO 14001"]       # Hệ thống quản lý của KCN
# master_plan = "Quyết định số ..."       # Quy hoạch phân khu
# green_space_ha = 30                     # Diện tích cây xanh, mặt nước (ha)
# shared_infrastructure_ha = 20           # Diện tích hạ tầng dùng chung (ha)
# water_reused_m3 = 0                     # Nước thải tái sử dụng trong năm (m3)
# social_management_system = "..."        # Hệ thống quản lý xã hội
# social_infrastructure = ["clinic", "canteen", "worker_housing"]  # Hạ tầng xã hội
# community_dialogue = "..."              # Đối thoại với cộng đồng
# local_business_programme = "..."        # Chương trình kết nối doanh nghiệp địa phương
# economic_value_monitored = "..."        # Theo dõi giá trị kinh tế
"""

_README = [
    ("greenpark park template", "Mẫu dữ liệu khu công nghiệp greenpark"),
    (
        "Fill one sheet per file; keep the English column names in row 1.",
        "Điền mỗi sheet một tệp; giữ nguyên tên cột tiếng Anh ở dòng 1.",
    ),
    (
        "Hover a header cell for its Vietnamese label and description.",
        "Di chuột lên ô tiêu đề để xem nhãn tiếng Việt và mô tả.",
    ),
    (
        "Sheet 'park': key/value rows (id, name, province, latitude, longitude, timezone, currency, area_ha); "
        "targets as target.<name>.<year>.",
        "Sheet 'park': các dòng khóa/giá trị; mục tiêu ghi target.<tên>.<năm>.",
    ),
    (
        "Timestamps: ISO 8601; without an offset they are park local time.",
        "Thời điểm: ISO 8601; không có múi giờ thì hiểu là giờ địa phương của KCN.",
    ),
    (
        "Periods: YYYY-MM. Units per row or per meter (kWh, MWh, m3, l, kg, t, mg/l ...).",
        "Kỳ: YYYY-MM. Đơn vị ghi theo dòng hoặc theo công tơ.",
    ),
    ("Below detection limit: write <0.05 in wastewater values.", "Dưới giới hạn phát hiện: ghi <0.05."),
    ("Check before importing: greenpark check park.xlsx", "Kiểm tra trước khi nhập: greenpark check park.xlsx"),
]
_PARK_KEYS = [
    ("id", "my-park", "Mã KCN"),
    ("name", "My Industrial Park", "Tên KCN"),
    ("province", "Dong Nai", "Tỉnh"),
    ("latitude", 10.8, "Vĩ độ"),
    ("longitude", 106.95, "Kinh độ"),
    ("timezone", "Asia/Ho_Chi_Minh", "Múi giờ"),
    ("currency", "VND", "Tiền tệ"),
    ("area_ha", 100, "Diện tích (ha)"),
]


def write_template(folder: str | Path) -> list[Path]:
    """Write an empty park folder (park.toml, CSV headers) and ``park-template.xlsx`` into ``folder``.

    Returns the paths written. Existing files are not overwritten (a ParkFolderError says which).
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    targets = [out / "park.toml", *(out / f"{n}.csv" for n in FILES), out / "park-template.xlsx"]
    existing = [p.name for p in targets if p.exists()]
    if existing:
        raise ParkFolderError(f"{out} already has {', '.join(existing)}; choose an empty folder")
    (out / "park.toml").write_text(PARK_TOML, encoding="utf-8")
    for name in FILES:
        (out / f"{name}.csv").write_text(",".join(a.name for a in file_schema(name)) + "\n", encoding="utf-8")
    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    readme.append(["English", "Tiếng Việt"])
    for en, vi in _README:
        readme.append([en, vi])
    readme.column_dimensions["A"].width = 90
    readme.column_dimensions["B"].width = 90
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBDD")
    park = wb.create_sheet("park")
    park.append(["key", "value"])
    for key, value, label in _PARK_KEYS:
        park.append([key, value])
        park.cell(row=park.max_row, column=1).comment = Comment(label, "greenpark")
    for name in FILES:
        ws = wb.create_sheet(name)
        for col, a in enumerate(file_schema(name), start=1):
            cell = ws.cell(row=1, column=col, value=a.name)
            cell.font = bold
            cell.fill = head_fill
            note = f"{a.label_vi}\n{a.description}"
            if a.unit:
                note += f"\n[{a.unit}]"
            if a.choices:
                note += "\n" + " | ".join(a.choices)
            note += "\n(bắt buộc / required)" if a.required else "\n(không bắt buộc / optional)"
            cell.comment = Comment(note, "greenpark", width=300, height=160)
            ws.column_dimensions[cell.column_letter].width = max(12, len(a.name) + 4)
        readme.append(
            [
                f"{name}: " + ", ".join(a.name for a in file_schema(name)),
                f"{name}: " + ", ".join(a.label_vi for a in file_schema(name)),
            ]
        )
    wb.save(out / "park-template.xlsx")
    return targets
