"""Queries several search tests share: each with the code it must find, and input meant to break things."""

import hashlib

# (query, a code that must be among the first three hits, what kind of matching it proves)
TOP3 = [
    ("AU118", "AU118", "code exactly"),
    ("au118", "AU118", "code in lower case"),
    ("Du 011", "DU011", "code with a space"),
    ("du11", "DU011", "code without its leading zero"),
    ("DA02", "DA024", "code prefix"),
    ("zv5", "ZV502", "code prefix, lower case"),
    ("ux29", "UX293", "regional code prefix"),
    ("xv020", "XV020", "a code only the SoB guide lists"),
    ("suicidriskbedömning", "AU118", "title word"),
    ("krisplan", "AU123", "title word"),
    ("kvarhållning", "XU047", "title word"),
    ("rehabiliteringskoordinering", "GC001", "title word"),
    ("kroppskännedom", "DV086", "first part of a title compound"),
    ("sprutor kanyler", "AU115", "words in a Beskrivning"),
    ("ögonrörelser", "DU014", "word in a Beskrivning"),
    ("nedtrappningsschema", "UX501", "word in a Beskrivning"),
    ("HSLF-FS 2017:37", "XV015", "reference in a Beskrivning"),
    ("Katedrala föreläsningar", "GB009", "words in an Anvisning"),
    ("ADL-Taxonomin", "AV133", "word in an Anvisning"),
    ("surfplatta", "QT018", "word in an Anvisning"),
    ("Cool Kids", "DU011", "section instruction naming the code"),
    ("Att hantera en depression", "DU011", "section instruction naming the code"),
    ("behandlingar", "DU009", "stemming: plural to singular"),
    ("krisplanen", "AU123", "stemming: definite form"),
    ("suicidriskbedömningen", "AU118", "stemming: definite form of a compound"),
    ("läkemedelsgenomgångar", "XV015", "stemming a compound"),
    ("genomgång", "XV015", "part of a compound"),
    ("riskbedömning", "AU118", "part of a compound"),
    ("hembesök", "UX273", "part of a compound"),
    ("magnetstimulering", "DU050", "part of a compound"),
    ("lakemedelsgenomgang", "XV015", "typed without å/ä/ö"),
    ("atträning", "DU012", "typed without ä"),
    ("narstaende", "ZV504", "typed without ä"),
    ("sjalvbildstraning", "QA015", "typed without å/ä/ö"),
    ("suicd", "AU118", "typo: one letter missing"),
    ("krisplna", "AU123", "typo: two letters swapped"),
    ("mindfullness", "DU032", "typo: one letter too many"),
    ("farlighetsbedömnig", "AU122", "typo in a long word"),
    ("psykodynamsk", "DU008", "typo"),
    ("läkemedelsgenomgåmg", "XV015", "typo next to å"),
    ("KBT", "DU011", "abbreviation in the source"),
    ("DBT", "DU021", "abbreviation"),
    ("MBT", "DU013", "abbreviation"),
    ("IPT", "DU022", "abbreviation"),
    ("PDT", "DU008", "abbreviation"),
    ("MI", "DU118", "abbreviation"),
    ("ÅFP", "DU119", "abbreviation with Å"),
    ("afp", "DU119", "abbreviation typed without Å"),
    ("MET", "DU120", "abbreviation"),
    ("ECT", "DA024", "abbreviation"),
    ("rTMS", "DU050", "abbreviation"),
    ("EMDR", "DU014", "abbreviation"),
    ("ERGT", "DU015", "abbreviation"),
    ("FFT", "DU024", "abbreviation"),
    ("BOF", "DU025", "abbreviation"),
    ("ERP", "UV125", "abbreviation"),
    ("SIP", "AU124", "abbreviation"),
    ("FaR", "DV200", "abbreviation"),
    ("LPT", "XU047", "abbreviation (law)"),
    ("LRV", "XU042", "abbreviation (law)"),
    ("LVM", "GD007", "abbreviation (law)"),
    ("SoL", "GD008", "abbreviation (law)"),
    ("AUDIT", "AU119", "instrument"),
    ("DUDIT", "AU119", "instrument"),
    ("MINI", "AU006", "instrument"),
    ("SCID", "AU006", "instrument"),
    ("HCR-20", "AU122", "instrument with a hyphen"),
    ("WAIS", "AA085", "instrument"),
    ("UKU-SERS", "AV127", "instrument"),
    ("video", "ZV051", "everyday word"),
    ("chatt", "ZV051", "everyday word"),
    ("1177", "ZV051", "everyday word"),
    ("självmord", "AU118", "everyday word"),
    ("självmordsrisk", "AU118", "everyday word"),
    ("tolk", "ZV020", "everyday word in a title"),
    ("anhörig", "ZV504", "everyday word"),
    ("psykoedukation", "DU023", "everyday word"),
    ("medicingenomgång", "XV015", "everyday word"),
    ("biverkningar", "AV127", "everyday word"),
    ("stödsamtal", "DU113", "everyday word"),
    ("orosanmälan", "GD008", "everyday word"),
    ("försäkringskassan", "ZV503", "title word"),
    ("polis", "ZV516", "title word"),
    ("tackat nej", "UX284", "two title words"),
    ("avbrutit hembesöksprogram", "UX294", "two title words"),
    ("ZV229", "DA024", "a code outside the lists, found through the texts naming it"),
    ("Min vårdplan", "XV019", "phrase from the SoB guide"),
]

HOSTILE = [
    "",
    " ",
    "a",
    "x" * 1000,
    '" * ( ) : - ^ & | !',
    "'; DROP TABLE catalog_code; --",
    "😀🙂",
    "\x00AU118",
    "%",
    "\\",
    "AU" * 300,
]


def half_of(query: str) -> str:
    """The fixed rule that splits tests/data/search-heldout.tsv: the query's SHA-256, as a number, even or odd."""
    return "tuning" if int(hashlib.sha256(query.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "held-out"


def heldout_rows(path) -> list[tuple[str, set[str], str, str, str]]:
    """(query, acceptable codes, kind, half, source words) for each row of a held-out table."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, expected, kind, half, why = line.split("\t")
        rows.append((query, set(expected.split()), kind, half, why))
    return rows
