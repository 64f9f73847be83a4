#!/usr/bin/env python3
"""Derive Sources/TopologyCoverage/Resources/target-profiles.json from
shared/targets/broadband_targets.json (schema_version 1).

Every value, unit, comparator, year, scope, source key and confidence is copied
from the source row; this script only decides (1) which rows go in which profile
and (2) how a row is scored from a topology ("kind"), or why it cannot be
("why_context").  Run:  python3 derive_target_profiles.py ../../../shared/targets/broadband_targets.json \
    ../../Sources/TopologyCoverage/Resources/target-profiles.json
"""
import json
import sys

src_path, out_path = sys.argv[1], sys.argv[2]
d = json.load(open(src_path, encoding="utf-8"))
rows = {t["id"]: t for t in d["targets"]}

# How a scorable row is computed from a topology.  Kinds (see TargetProfile.swift):
#   village_broadband_share  % of villages with broadband (bottleneck capacity > 0)
#   village_fiber_share      % of villages whose widest path is fiber all the way
#   household_speed          per-household capacity (Mbps, contention applied) reached by
#                            required_percent of village households; value unit Mbps
#   household_speed_share    % of village households with per-household capacity >= threshold_mbps
#   ipv6_household_share     % of broadband households whose path is IPv6 end to end (proxy)
#   broadband_household_share % of village households with broadband (proxy for user penetration)
#   settlement_broadband_share % of villages with >= min_households households that have broadband
#   village_5g_share         % of villages reached by a cellular link marked generation=5g
#   gigabit_fibre_household_share % of households on a fibre path of >= threshold_mbps (homes passed)
# "population": "urban" scores urban access nodes (tier building / urban_access) instead of
# villages; on a topology without them the check is n/a.
BORDER_PROXY = "the topology does not mark border areas: every village of the topology is taken as a border-area administrative village"
SCORING = {
    "cn-bbc-admin-villages-broadband-2015": {"kind": "village_broadband_share"},
    "cn-bbc-admin-villages-broadband-2020": {"kind": "village_broadband_share"},
    "cn-2015guide-admin-villages-bb-2015": {"kind": "village_broadband_share"},
    "cn-2015guide-fibre-to-village-2017": {"kind": "village_fiber_share"},
    "cn-bbc-rural-access-capability-2015": {"kind": "household_speed", "required_percent": 100},
    "cn-bbc-rural-access-capability-2020": {"kind": "household_speed", "required_percent": 100},
    "cn-ipv6-2017-user-share-2018": {"kind": "ipv6_household_share",
        "proxy": "IPv6 users / Internet users approximated by households whose path to the backbone is IPv6 end to end / households with broadband (an upper bound: capability, not active use)"},
    "cn-ipv6-2017-user-share-2020": {"kind": "ipv6_household_share",
        "proxy": "IPv6 users / Internet users approximated by households whose path to the backbone is IPv6 end to end / households with broadband (an upper bound: capability, not active use)"},
    "eu-ddpp-gigabit-2030": {"kind": "household_speed_share", "threshold_mbps": 1000,
        "proxy": "'covered by a gigabit network' read as per-household capacity >= 1000 Mbps under the contention ratio"},
    "eu-gigsoc-100m-2025": {"kind": "household_speed_share", "threshold_mbps": 100},
    "us-fcc706-fixed-benchmark-2024": {"kind": "household_speed", "required_percent": 100, "value_key": "down",
        "proxy": "link capacities are symmetric in the model, so the 20 Mbps upload is met whenever the 100 Mbps download is"},
    "us-fcc706-long-term-goal": {"kind": "household_speed", "required_percent": 100, "value_key": "down",
        "proxy": "link capacities are symmetric in the model, so the 500 Mbps upload is met whenever the 1000 Mbps download is"},
    "bbcom-2025-t3-users-world": {"kind": "broadband_household_share",
        "proxy": "population using broadband approximated by households of villages with broadband (an upper bound)"},
    "bbcom-2025-t3-users-developing": {"kind": "broadband_household_share",
        "proxy": "population using broadband approximated by households of villages with broadband (an upper bound)"},
    "bbcom-2025-t3-users-ldc": {"kind": "broadband_household_share",
        "proxy": "population using broadband approximated by households of villages with broadband (an upper bound)"},
    # Urban access (scored over tier building / urban_access nodes).
    "cn-bbc-urban-access-capability-2015": {"kind": "household_speed", "required_percent": 100, "population": "urban"},
    "cn-bbc-urban-access-capability-2020": {"kind": "household_speed", "required_percent": 100, "population": "urban"},
    "cn-bbc-developed-city-access-2015": {"kind": "household_speed", "required_percent": 100, "population": "urban",
        "proxy": "every urban access node of the topology is taken as being in a developed city"},
    "cn-bbc-developed-city-access-2020": {"kind": "household_speed", "required_percent": 100, "population": "urban",
        "proxy": "every urban access node of the topology is taken as being in a developed city"},
    "cn-dualgig-urban-household-gigabit-fibre-coverage-2023": {"kind": "gigabit_fibre_household_share", "threshold_mbps": 1000,
        "population": "urban",
        "proxy": "'gigabit fibre coverage' read as: the household's urban access node is fibre all the way with a widest-path capacity >= 1000 Mbps (homes passed by a gigabit-capable path, not capacity per household)"},
    # Broadband Border (2024): border areas are not marked in topologies.
    "cn-border-admin-villages-broadband-2025": {"kind": "village_broadband_share", "proxy": BORDER_PROXY},
    "cn-border-settlements-20hh-broadband-2025": {"kind": "settlement_broadband_share", "min_households": 20,
        "proxy": BORDER_PROXY + "; each village node is one settlement, counted when it has >= 20 households"},
    "cn-border-admin-villages-5g-2027": {"kind": "village_5g_share",
        "proxy": BORDER_PROXY + "; border posts are not modelled; 5G reach = a cellular link marked generation=5g ends at the village"},
    # Universal-service pilots: a standing specification.
    "cn-uso-pilot-access-capability": {"kind": "household_speed", "required_percent": 100,
        "proxy": "every village is taken as a pilot village; coverage of the village committee, school and clinic is not modelled"},
    # 14th Five-Year ICT plan.
    "cn-ict14-admin-village-5g-2025": {"kind": "village_5g_share",
        "proxy": "5G reach = a cellular link marked generation=5g ends at the village and the village is connected to the backbone"},
}

# How a row is computed from a capture (TargetProfile.swift, CaptureCheckKind; docs/targets.md).
# Every capture figure is a proxy for a national measurement, so each carries its proxy text.
#   ipv6_traffic_share       % of the capture's bytes carried over native IPv6 (transition
#                            analysis adoption.bytes.ipv6_share); "network" says which network's
#                            row it is (fixed / mobile / metro): scored only when the capture was
#                            declared from that network (--network)
#   ipv6_user_share          % of local devices using IPv6 (devices.using_ipv6 / devices that are
#                            not local-only)
#   ipv6_only_device_share   % of local devices that are IPv6-only (devices.ipv6_only / same)
#   aaaa_name_share          % of looked-up names with a non-synthesized AAAA answer
#                            (destinations.names_with_aaaa_share)
TRAFFIC_PROXY = ("IPv6 share of this capture's bytes (IPv6, native and tunnelled / IPv6 + NAT64-translated + IPv4), "
                 "standing in for the national monitoring platform's share of the %s network's traffic")
USERS_PROXY = ("local devices of the capture using IPv6 (at least one native or translated non-link-local IPv6 "
               "connection) / local devices, standing in for active IPv6 users / Internet users")
NAMES_PROXY = ("looked-up names with a non-synthesized AAAA answer / names looked up (A or AAAA), standing in for "
               "the share of major websites and apps that support IPv6: the names this capture's users resolved, "
               "not the official list of sites")
OMB_PROXY = ("local devices that used only IPv6 (no IPv4 connection) / local devices, standing in for IP-enabled "
             "assets operating IPv6-only")
CAPTURE_SCORING = {
    "cn-ipv6-2017-user-share-2018": {"kind": "ipv6_user_share", "proxy": USERS_PROXY},
    "cn-ipv6-2017-user-share-2020": {"kind": "ipv6_user_share", "proxy": USERS_PROXY},
    "cn-ipv6-2021-mobile-network-ipv6-traffic-share-2023": {"kind": "ipv6_traffic_share", "network": "mobile"},
    "cn-ipv6-2021-mobile-network-ipv6-traffic-share-2025": {"kind": "ipv6_traffic_share", "network": "mobile"},
    "cn-ipv6-2021-metropolitan-area-network-ipv6-traffic-share-2023": {"kind": "ipv6_traffic_share", "network": "metro"},
    "cn-ipv6-2021-metropolitan-area-network-ipv6-traffic-share-2025": {"kind": "ipv6_traffic_share", "network": "metro"},
    "cn-ipv6-2021-major-commercial-websites-and-mobile-apps-supporting-ipv6-2025": {"kind": "aaaa_name_share", "proxy": NAMES_PROXY},
    "cn-ipv6-wp2022-fixed-network-ipv6-traffic-share": {"kind": "ipv6_traffic_share", "network": "fixed"},
    "cn-ipv6-wp2022-mobile-network-ipv6-traffic-share": {"kind": "ipv6_traffic_share", "network": "mobile"},
    "cn-ipv6-wp2022-major-domestic-commercial-websites-and-mobile-apps-supporting-ipv6": {"kind": "aaaa_name_share", "proxy": NAMES_PROXY},
    "cn-ipv6-wp2023-fixed-network-ipv6-traffic-share": {"kind": "ipv6_traffic_share", "network": "fixed"},
    "cn-ipv6-wp2023-mobile-network-ipv6-traffic-share": {"kind": "ipv6_traffic_share", "network": "mobile"},
    "cn-ipv6-wp2023-major-domestic-commercial-websites-and-mobile-apps-supporting-ipv6": {"kind": "aaaa_name_share", "proxy": NAMES_PROXY},
    "cn-ipv6-wp2025-fixed-network-ipv6-traffic-share": {"kind": "ipv6_traffic_share", "network": "fixed"},
    "cn-ipv6-wp2025-mobile-network-ipv6-traffic-share": {"kind": "ipv6_traffic_share", "network": "mobile"},
    "cn-ipv6-traffic-mobile-share-2021": {"kind": "ipv6_traffic_share", "network": "mobile"},
    "cn-ipv6-traffic-mobile-share-2023": {"kind": "ipv6_traffic_share", "network": "mobile"},
    "us-omb-ipv6-only-assets-2023": {"kind": "ipv6_only_device_share", "proxy": OMB_PROXY},
    "us-omb-ipv6-only-assets-2024": {"kind": "ipv6_only_device_share", "proxy": OMB_PROXY},
    "us-omb-ipv6-only-assets-2025": {"kind": "ipv6_only_device_share", "proxy": OMB_PROXY},
}
for _k, _v in CAPTURE_SCORING.items():
    if _v["kind"] == "ipv6_traffic_share":
        _v["proxy"] = TRAFFIC_PROXY % _v["network"]

CAPTURE_WHY = {
    "cn-ipv6-wp2022-county-level-and-above-government-portals-supporting-ipv6":
        "share of a fixed list of government portals: the capture's looked-up names are not that list",
    "cn-ipv6-traffic-fixed-volume-2021": "ratio to the network's end-2020 IPv6 volume: needs that baseline, which a capture does not hold",
    "cn-ipv6-traffic-fixed-volume-2023": "ratio to the network's end-2020 IPv6 volume: needs that baseline, which a capture does not hold",
}


def unscorable_why(t, named):
    """The reason shared by both sides: a row named in `named`, a qualitative goal, a placeholder."""
    if t["id"] in named:
        return named[t["id"]]
    if t["comparator"] == "qualitative":
        return "qualitative goal: no number to score"
    if t["comparator"] == "not_found":
        return "no figure found in the sources (placeholder)"
    return None


def capture_why(t):
    why = unscorable_why(t, CAPTURE_WHY)
    if why:
        return why
    u = (t.get("unit") or "").lower()
    if "million" in u:
        return "national count: a capture sample cannot be compared with it"
    m = t["metric"].lower()
    if "router" in m:
        return "installed base of home routers: a capture does not enumerate routers"
    return "not derivable from a capture"


PROFILES = [
    ("broadband-china-2015", "Broadband China, 2015 stage (State Council 2013 plan + 2015 speed-up guidance)",
     ["CN-BBC-2013", "CN-SPEEDUP-2015"], lambda t: t["source"] in ("CN-BBC-2013", "CN-SPEEDUP-2015") and t["target_year"] in (2015, 2017)),
    ("broadband-china-2020", "Broadband China, 2020 stage (State Council 2013 plan)",
     ["CN-BBC-2013"], lambda t: t["source"] == "CN-BBC-2013" and t["target_year"] == 2020),
    ("ipv6-plan", "IPv6 large-scale deployment action plan (2017), 2018/2020/2025 objectives",
     ["CN-IPV6-2017"], lambda t: t["source"] == "CN-IPV6-2017"),
    ("eu-digital-decade-2030", "EU Digital Decade policy programme 2030 (for comparison)",
     ["EU-DDPP-2030"], lambda t: t["source"] == "EU-DDPP-2030"),
    ("eu-gigabit-society-2025", "EU Gigabit Society 2025 (for comparison)",
     ["EU-GIGABIT-SOCIETY-2025"], lambda t: t["source"] == "EU-GIGABIT-SOCIETY-2025"),
    ("fcc-100-20", "US FCC Section 706 fixed benchmark 100/20 Mbps (2024), with BEAD definitions as context",
     ["US-FCC-706-2024", "US-BEAD-NOFO-2022", "US-BEAD-ALT-TECH-2025"],
     lambda t: t["source"] in ("US-FCC-706-2024", "US-BEAD-NOFO-2022", "US-BEAD-ALT-TECH-2025")),
    ("itu-bbcom-2025", "ITU/UNESCO Broadband Commission 2025 targets (for comparison)",
     ["ITU-BBCOM-2025"], lambda t: t["source"] == "ITU-BBCOM-2025"),
    ("broadband-border-2025", "Broadband Border (2024): broadband to administrative villages and settlements of >= 20 households in border areas by 2025",
     ["CN-BORDER-2024"], lambda t: t["source"] == "CN-BORDER-2024" and t["target_year"] == 2025),
    ("broadband-border-2027", "Broadband Border (2024): 5G to administrative villages and border posts in border areas by 2027",
     ["CN-BORDER-2024"], lambda t: t["source"] == "CN-BORDER-2024" and t["target_year"] == 2027),
    ("universal-service-pilot", "Telecommunications universal-service pilot specification (>= 12 Mbps access)",
     ["CN-USO-PILOT"], lambda t: t["source"] == "CN-USO-PILOT"),
    ("gigabit-plan", "Dual-gigabit network coordinated development action plan (2021-2023)",
     ["CN-GIGABIT-2021"], lambda t: t["source"] == "CN-GIGABIT-2021"),
    ("ict-14th-fyp", "14th Five-Year plan for information and communication industry development (2021), 2025 objectives",
     ["CN-ICT-14FYP"], lambda t: t["source"] == "CN-ICT-14FYP"),
    # IPv6 profiles scored from captures (their rows are capture checks; a topology scores none).
    ("ipv6-notice-2021", "Notice on accelerating large-scale IPv6 deployment and application (2021), 2023/2025 objectives",
     ["CN-IPV6-NOTICE-2021"], lambda t: t["source"] == "CN-IPV6-NOTICE-2021"),
    ("ipv6-work-plan-2022", "IPv6 work arrangements 2022", ["CN-IPV6-WP-2022"], lambda t: t["source"] == "CN-IPV6-WP-2022"),
    ("ipv6-work-plan-2023", "IPv6 work arrangements 2023", ["CN-IPV6-WP-2023"], lambda t: t["source"] == "CN-IPV6-WP-2023"),
    ("ipv6-work-plan-2025", "IPv6 key points 2025", ["CN-IPV6-WP-2025"], lambda t: t["source"] == "CN-IPV6-WP-2025"),
    ("ipv6-traffic-2021", "Three-year special action plan for raising IPv6 traffic (2021-2023)",
     ["CN-IPV6-TRAFFIC-2021"], lambda t: t["source"] == "CN-IPV6-TRAFFIC-2021"),
    ("us-omb-m-21-07", "US OMB M-21-07: federal IP-enabled assets operating IPv6-only (FY2023-2025)",
     ["US-OMB-M-21-07"], lambda t: t["source"] == "US-OMB-M-21-07"),
]
ALIASES = {"broadband-china-2015": ["bbc2015", "cn2015"], "broadband-china-2020": ["bbc2020", "cn2020", "broadband-china"],
           "ipv6-plan": ["cn-ipv6", "ipv6"], "broadband-border-2025": ["border2025", "border"],
           "broadband-border-2027": ["border2027"], "universal-service-pilot": ["uso", "uso-pilot"],
           "gigabit-plan": ["dual-gigabit", "gigabit"], "ict-14th-fyp": ["ict14", "14th-fyp"], "eu-digital-decade-2030": ["eu2030", "digital-decade"],
           "eu-gigabit-society-2025": ["eu2025"], "fcc-100-20": ["fcc", "us"], "itu-bbcom-2025": ["itu", "broadband-commission"],
           "ipv6-notice-2021": ["ipv6-2021"], "ipv6-work-plan-2022": ["ipv6-wp2022"], "ipv6-work-plan-2023": ["ipv6-wp2023"],
           "ipv6-work-plan-2025": ["ipv6-wp2025"], "ipv6-traffic-2021": ["ipv6-traffic"], "us-omb-m-21-07": ["omb", "m-21-07"]}


WHY = {  # rows the generic rules below would misdescribe
    "us-bead-alt-tech": "eligibility rule for funding alternative technologies (FWA, LEO), not a coverage target",
    "us-bead-min-service": "service obligation of funded projects (100/20 Mbps, <= 100 ms latency), not a coverage target; see us-fcc706-fixed-benchmark-2024",
    "bbcom-2025-t2-affordability": "price (share of GNI per capita): not in a topology",
    "bbcom-2025-t6-msme": "enterprise connectivity by sector: not in a topology",
    "cn-bbc-intl-egress-2015": "international egress bandwidth: national figure, not an access metric",
    "cn-bbc-cabletv-platform-2015": "cable-TV platform coverage: not in a topology",
    "cn-bbc-cabletv-platform-2020": "cable-TV platform coverage: not in a topology",
    "cn-2015guide-main-city-avg-speed-2015": "average measured user rate in major cities: not access capability, not villages",
    "cn-2015guide-main-city-avg-speed-2017": "average measured user rate in major cities: not access capability, not villages",
    "us-fcc706-schools-short-term": "per-student school bandwidth: schools are not modelled",
    "us-bead-outages": "outage hours: not in a topology",
    "eu-gigsoc-sed-1g-2025": "socio-economic drivers (schools, hospitals...) are not modelled",
    "bbcom-2025-t1-national-plans": "count of countries with plans: not in a topology",
    "bbcom-2025-t4-digital-skills": "digital skills: not in a topology",
    "bbcom-2025-t5-dfs": "digital financial services: not in a topology",
}


def why_context(t):
    why = unscorable_why(t, WHY)
    if why:
        return why
    u = (t.get("unit") or "").lower()
    if "million" in u or u in ("subscribers", "villages", "cities", "ports", "people", "users", "connections", "per 10k people"):
        return "national count: a topology sample cannot be compared with it"
    m = t["metric"].lower()
    if "traffic" in m:
        return "traffic share: measured from captures, not from a topology"
    if "5g" in m or "3g" in m or "lte" in m:
        return "mobile coverage/penetration: not modelled by link topology"
    if "urban" in m or "cities" in m or "city" in (t.get("scope") or "") or "enterprise" in m:
        return "scope is urban households / cities / institutions, not the access villages scored here"
    if "penetration" in m or "subscribers" in m:
        return "take-up (subscriptions), not availability: not in a topology"
    if t["comparator"] == "<":
        return "classification threshold (a location below it is unserved/underserved), not a target"
    return "not derivable from nodes and links"


profiles = []
for name, title, sources, pick in PROFILES:
    checks, context, capture_checks, capture_context = [], [], [], []
    for t in d["targets"]:
        if not pick(t):
            continue
        base = {k: t.get(k) for k in ("id", "source", "metric", "value", "unit", "comparator", "target_year",
                                      "scope", "confidence", "value_text_original", "note")}
        # The capture side of the row: a capture check, or context with the capture's reason.
        cap = dict(base)
        if t["id"] in CAPTURE_SCORING:
            cap.update(CAPTURE_SCORING[t["id"]])
            capture_checks.append(cap)
        else:
            cap["value_text"] = json.dumps(t["value"], ensure_ascii=False) if isinstance(t["value"], dict) else (None if t["value"] is None else str(t["value"]))
            cap["value"] = None
            cap["why_context"] = capture_why(t)
            capture_context.append(cap)
        if t["id"] in SCORING:
            s = dict(SCORING[t["id"]])
            if isinstance(t["value"], dict):
                base["value_object"] = t["value"]
                base["value"] = t["value"][s.pop("value_key")]
            base.update(s)
            checks.append(base)
        else:
            base["value_text"] = json.dumps(t["value"], ensure_ascii=False) if isinstance(t["value"], dict) else (None if t["value"] is None else str(t["value"]))
            base["value"] = None
            base["why_context"] = why_context(t)
            context.append(base)
    profiles.append({"name": name, "aliases": ALIASES.get(name, []), "title": title, "sources": sources,
                     "checks": checks, "context": context,
                     # A profile with no capture check is not offered for captures at all.
                     "capture_checks": capture_checks, "capture_context": capture_context if capture_checks else []})

out = {
    "derived_from": "shared/targets/broadband_targets.json (schema_version %s) by Topologies/tools/derive_target_profiles.py" % d["schema_version"],
    "sources": {k: {f: v.get(f) for f in ("title", "title_en", "issuing_body", "document_number", "date", "section", "section_confidence")}
                for k, v in d["sources"].items() if any(k in p["sources"] for p in profiles)},
    "profiles": profiles,
}
with open(out_path, "w", encoding="utf-8") as fh:
    json.dump(out, fh, ensure_ascii=False, indent=1)
    fh.write("\n")
for p in profiles:
    print(p["name"], len(p["checks"]), "checks", len(p["context"]), "context",
          len(p["capture_checks"]), "capture checks", len(p["capture_context"]), "capture context")
