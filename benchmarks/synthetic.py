"""A deterministic synthetic news corpus with a gold claim list per article, for the extraction
benchmark.

Every article is 2-4 KB (UTF-8) of number-free news filler about host-nation support talks, with
3-8 embedded claims drawn from varied templates (money in every supported style, restatements,
personnel, percentages, multiples, agreement terms) and 1-4 distractor sentences whose numbers are
not claims (dates, years, case counts, phone numbers, ordinals, "two-day talks", ages, populations,
model numbers). The gold value of each claim is computed from the numbers the template chose, not
by running the extractor.

Same seed, same corpus: only ``random.Random(seed)`` is used (no wall clock, no hash ordering).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from costshare.corpus import Article
from costshare.textnorm import normalize

D = Decimal
WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


@dataclass(frozen=True)
class Gold:
    value: Decimal  # base units: 201.7 billion yen -> 201700000000
    unit: str  # USD, JPY, KRW, personnel, percent, ratio, years
    surface: str  # the claim as printed
    template: str  # which template printed it (for the per-style breakdown)


# --- numbers -------------------------------------------------------------------------------------


def _dec(rng: random.Random, lo: float, hi: float, places: int) -> Decimal:
    """A random decimal in [lo, hi] with at most `places` decimals, trailing zeros dropped."""
    step = 10**places
    n = rng.randint(int(lo * step), int(hi * step))
    v = (D(n) / step).normalize()
    return v.quantize(D(1)) if v == v.to_integral_value() else v


def _plain(v: Decimal) -> str:
    return format(v, "f")


def _grouped(v: Decimal) -> str:
    whole, _, frac = format(v, "f").partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "")


B, M, T = 10**9, 10**6, 10**12


# --- money styles: rng -> (surface, value, unit, style name) -------------------------------------


def m_usd_dollar_sign(rng):
    if rng.random() < 0.7:
        v = _dec(rng, 0.5, 9.9, 2)
        return f"${_plain(v)} billion", v * B, "USD", "$N billion"
    v = _dec(rng, 100, 999, 1)
    return f"${_plain(v)} million", v * M, "USD", "$N million"


def m_usd_us_dollar(rng):
    v = _dec(rng, 100, 999.99, 2)
    return f"US${_plain(v)} million", v * M, "USD", "US$N million"


def m_yen_suffix(rng):
    v = _dec(rng, 150, 250, rng.choice([0, 1]))
    return f"{_plain(v)} billion yen", v * B, "JPY", "N billion yen"


def m_yen_sign(rng):
    v = _dec(rng, 150, 250, 1)
    return f"¥{_plain(v)} billion", v * B, "JPY", "¥N billion"


def m_yen_sign_grouped(rng):
    v = _dec(rng, 1000, 2500, 1)
    return f"¥{_grouped(v)} billion", v * B, "JPY", "¥N,NNN.N billion"


def m_yen_trln(rng):
    v = _dec(rng, 0.5, 2.5, 2)
    return f"¥{_plain(v)} trln", v * T, "JPY", "¥N trln"


def m_krw_suffix_code(rng):
    v = _dec(rng, 0.8, 5, 2)
    return f"{_plain(v)} trillion KRW", v * T, "KRW", "N trillion KRW"


def m_krw_prefix_code(rng):
    v = _dec(rng, 0.8, 5, 2)
    return f"KRW {_plain(v)} trillion", v * T, "KRW", "KRW N trillion"


def m_krw_w(rng):
    v = _dec(rng, 0.8, 5, 1)
    return f"W{_plain(v)}trn", v * T, "KRW", "WNtrn"


def m_krw_won(rng):
    v = _dec(rng, 0.8, 5, 2)
    return f"{_plain(v)} trillion won", v * T, "KRW", "N trillion won"


def m_usd_dollars_word(rng):
    n = rng.randint(2, 12)
    return f"{n} billion dollars", D(n) * B, "USD", "N billion dollars"


def m_word_number(rng):
    n = rng.randint(1, 10)
    unit, scale, word = rng.choice([("JPY", T, "yen"), ("USD", B, "dollars"), ("KRW", T, "won")])
    return f"{WORDS[n]} {'trillion' if scale == T else 'billion'} {word}", D(n) * scale, unit, "<word> trillion yen"


def m_korean(rng):
    jo, eok = rng.randint(1, 2), rng.randint(1, 9999)
    return f"{jo}조 {eok}억 원", D(jo) * T + D(eok) * 10**8, "KRW", "N조 N억 원"


def m_japanese_oku(rng):
    eok = rng.randint(1000, 2500)
    return f"{eok:,}億円", D(eok) * 10**8, "JPY", "N,NNN億円"


def m_japanese_cho(rng):
    eok = rng.randint(1, 9999)
    return f"1兆{eok}億円", T + D(eok) * 10**8, "JPY", "N兆N億円"


ENGLISH_MONEY = [
    m_usd_dollar_sign, m_usd_us_dollar, m_yen_suffix, m_yen_sign, m_yen_sign_grouped, m_yen_trln,
    m_krw_suffix_code, m_krw_prefix_code, m_krw_w, m_krw_won, m_usd_dollars_word, m_word_number,
]
MONEY_SENTENCES = [
    "Japan will pay {x} in host-nation support this fiscal year.",
    "Under the accord, Seoul agreed to contribute {x} for the year.",
    "Officials put the annual cost at {x}.",
    "Washington had demanded {x} a year, according to people familiar with the talks.",
    "The ministry earmarked {x} for labor costs and facilities.",
    "Seoul's share rose to {x} under the new arrangement.",
    "Tokyo's budget request includes {x} for the program.",
    "The final figure, {x}, was lower than the opening demand.",
]
KOREAN_SENTENCES = ["올해 분담금은 {x}이다.", "정부는 분담금으로 {x}을 지급하기로 했다."]
JAPANESE_SENTENCES = ["在日米軍駐留経費は{x}となった。", "政府は思いやり予算として{x}を計上した。"]

# restatement: A (approximately B), A — about B —, A, or about B; B in dollars
RESTATE_SENTENCES = [
    "Japan pays {a} (approximately {b}) a year.",
    "Seoul will contribute {a} ({b}) next year.",
    "Seoul agreed to pay {a} (about {b}) this year.",
    "The total comes to {a} — about {b} — over the term of the accord.",
    "Tokyo budgeted {a}, or about {b}, for the cost-sharing program.",
]
USD_PER = {"JPY": D(105), "KRW": D(1150)}


def restatement(rng):
    first = rng.choice([m_yen_suffix, m_yen_sign, m_krw_won, m_krw_suffix_code, m_yen_sign_grouped])
    a, av, au, style = first(rng)
    usd = (av / USD_PER[au] / B).quantize(D("0.01")).normalize()
    if rng.random() < 0.5:
        b, bv = f"${_plain(usd)} billion", usd * B
    else:
        m = (av / USD_PER[au] / M).quantize(D("0.01")).normalize()
        b, bv = f"US${_grouped(m)} million", m * M
    sentence = rng.choice(RESTATE_SENTENCES).format(a=a, b=b)
    return sentence, [Gold(av, au, a, f"restated: {style}"), Gold(bv, "USD", b, "restatement: $ after ( or —")]


def money(rng):
    r = rng.random()
    if r < 0.10:
        s, v, u, style = m_korean(rng)
        return rng.choice(KOREAN_SENTENCES).format(x=s), [Gold(v, u, s, style)]
    if r < 0.20:
        s, v, u, style = rng.choice([m_japanese_oku, m_japanese_cho])(rng)
        return rng.choice(JAPANESE_SENTENCES).format(x=s), [Gold(v, u, s, style)]
    s, v, u, style = rng.choice(ENGLISH_MONEY)(rng)
    return rng.choice(MONEY_SENTENCES).format(x=s), [Gold(v, u, s, style)]


# --- other claims --------------------------------------------------------------------------------


def personnel(rng):
    n = rng.choice([28500, 54000, 55000, 50000, 26000, 18000, 2000, 4500, rng.randint(10, 60) * 1000])
    if rng.random() < 0.15:
        s = f"{n // 10000}만{n % 10000}명" if n % 10000 else f"{n // 10000}만명"
        return f"주한미군 {s}이 주둔하고 있다.", [Gold(D(n), "personnel", s, "N만N명")]
    noun = rng.choice(["U.S. troops", "American troops", "U.S. service members", "U.S. military personnel",
                       "troops", "Marines", "USFK troops", "American soldiers"])
    s = f"{n:,} {noun}"
    sentence = rng.choice([
        "About {x} are stationed in Japan.",
        "The country hosts {x} under the alliance.",
        "Some {x} are based on the peninsula.",
        "The cost covers the roughly {x} stationed in the country.",
    ]).format(x=s)
    return sentence, [Gold(D(n), "personnel", s, f"N {noun}")]


def percent(rng):
    p = _dec(rng, 0.1, 15, 1)
    style, s, sentence = rng.choice([
        ("a N% increase", f"{p}%", "It marks a {x} increase over last year."),
        ("N per cent", f"{p} per cent", "Seoul agreed to a {x} rise in its contribution."),
        ("N percent", f"{p} percent", "Payments grew {x} from the previous year."),
        ("N%", f"{p}%", "Labor costs account for a {x} share of the budget."),
    ])
    return sentence.format(x=s), [Gold(p, "percent", s, style)]


def multiple(rng):
    r = rng.random()
    if r < 0.5:
        n = rng.randint(2, 10)
        s = f"{WORDS[n]} times"
        return f"The demand was {s} the current level.", [Gold(D(n), "ratio", s, "<word> times")]
    if r < 0.8:
        n, s = rng.choice([(2, "double"), (3, "triple"), (4, "quadruple")])
        return f"Washington asked Tokyo to {s} its payment.", [Gold(D(n), "ratio", s, "double/triple/quadruple")]
    n, s = rng.choice([(3, "threefold"), (4, "fourfold"), (5, "fivefold")])
    return f"The request implied a {s} increase.", [Gold(D(n), "ratio", s, "N-fold")]


def term(rng):
    n = rng.randint(1, 6)
    r = rng.random()
    if r < 0.6:
        noun = rng.choice(["deal", "agreement", "pact", "SMA", "accord"])
        s = f"{WORDS[n]}-year"
        sentence = rng.choice(["The {x} {n} expires next March.", "They signed a {x} {n} on Thursday.",
                               "Negotiators settled on a {x} {n}."]).format(x=s, n=noun)
        return sentence, [Gold(D(n), "years", s, "<word>-year deal")]
    if r < 0.8:
        s = f"{n}-year"
        return f"Both sides backed a {s} extension.", [Gold(D(n), "years", s, "N-year extension")]
    s = f"{WORDS[n]} years"
    return f"The agreement will remain in force for {s}.", [Gold(D(n), "years", s, "agreement ... N years")]


CLAIMS = [(money, 5), (restatement, 2), (personnel, 1), (percent, 1), (multiple, 1), (term, 1)]

# --- distractors: numbers that are not claims ----------------------------------------------------

MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def distractor(rng) -> str:
    k = rng.randrange(10)
    if k == 0:
        d = rng.randint(1, 27)
        return f"Talks were held on {rng.choice(MONTHS)} {d}-{d + 1}, {rng.randint(2015, 2021)} in Washington."
    if k == 1:
        y = rng.randint(2012, 2020)
        return f"In {y} and {y + 1} the talks stalled."
    if k == 2:
        return f"Tokyo recorded {rng.randint(100, 999)} new infections and {rng.randint(1000, 9999):,} COVID-19 cases."
    if k == 3:
        a, b = rng.randint(100, 999), rng.randint(1000, 9999)
        return f"Call the embassy at +82-2-{a}-{b} or 02-{a}-{b}."
    if k == 4:
        n = rng.randint(4, 11)
        return f"The {n}th SMA and the {n + 1}th SMA were short."
    if k == 5:
        w = rng.choice(["two", "three"])
        return f"The {w}-day talks ended on the {rng.randint(4, 20)}th."
    if k == 6:
        return "China has 1.4 billion people."
    if k == 7:
        return f"He is {rng.randint(60, 80)} years old and served ten years ago."
    if k == 8:
        return f"Model W1 and route {rng.randint(10, 99)} were mentioned in chapter {rng.randint(2, 9)}."
    return f"The meeting ran from {rng.randint(9, 11)} a.m. until late afternoon on {rng.choice(MONTHS)} {rng.randint(1, 28)}."


# --- filler --------------------------------------------------------------------------------------

FILLER = [
    "The talks resumed after a long pause over the summer.",
    "Officials from both governments described the meeting as constructive.",
    "The alliance has long been a pillar of security in Northeast Asia.",
    "Critics in parliament questioned whether the burden was fairly shared.",
    "The Foreign Ministry declined to comment on the details of the negotiations.",
    "Diplomatic sources said the gap between the two sides had narrowed.",
    "The defense minister told reporters that the government would seek public understanding.",
    "Local residents near the base have complained about noise from aircraft.",
    "Analysts said the outcome would set a precedent for other allies.",
    "The administration had pressed its partners to shoulder more of the cost.",
    "Negotiators are expected to meet again in the coming weeks.",
    "The opposition party called for greater transparency in the budget process.",
    "Both sides agreed to keep working toward a mutually acceptable outcome.",
    "The spending covers utilities, construction and the wages of local workers on the bases.",
    "A senior official said the government had made its position clear.",
    "The issue has strained relations at a delicate time for the region.",
    "Lawmakers must approve the arrangement before it takes effect.",
    "The previous arrangement lapsed at the end of last year, leaving workers in limbo.",
    "The embassy issued a brief statement after the session.",
    "Observers noted that the tone of the talks had changed since the election.",
    "The government said it would explain the deal to the public in detail.",
    "Security experts warned that a prolonged dispute could embolden rivals.",
    "The chief negotiator returned home late on Friday.",
    "Public opinion polls show broad support for the alliance.",
    "The talks covered labor costs, construction projects and logistics support.",
    "Officials stressed that the figures were still being finalized.",
    "The ruling party welcomed the agreement as a sign of trust.",
    "Some conservatives argued that the country already pays enough.",
    "The new administration has signaled a more cooperative approach.",
    "A joint statement is expected once the text is finalized.",
    "The cabinet is expected to approve the plan before the budget is submitted to the legislature.",
    "Washington has long argued that its allies benefit from the protection the alliance provides.",
    "The talks took place behind closed doors at the State Department.",
    "Union leaders representing base workers urged both governments to settle quickly.",
    "The spokesperson said details would be released after the signing ceremony.",
    "Some experts said the figures reflected inflation rather than a real increase.",
    "The prime minister reiterated that the alliance remains the cornerstone of national security.",
    "The presidential office said it would respect the outcome of the negotiations.",
    "Editorials in major newspapers urged calm and patience on both sides.",
    "The previous round ended without a joint press conference.",
    "Opposition lawmakers demanded a full accounting of how the money is spent.",
    "Military officials said readiness had not been affected by the delay.",
    "The delegation was led by a veteran diplomat with long experience in alliance affairs.",
    "Both governments pledged to strengthen deterrence against regional threats.",
    "The agreement still requires ratification by the National Assembly.",
    "Residents of the base town held a small protest outside the gate.",
    "Officials declined to say whether the figure included construction costs.",
    "The finance ministry said the payments would be spread across several budget items.",
    "Critics noted that the country also pays for relocation projects outside the accord.",
    "The announcement came after weeks of speculation in the local press.",
]
HEADLINES = [
    "Allies reach deal on cost-sharing for US forces",
    "Host-nation support talks resume in Washington",
    "Seoul and Washington narrow gap on defense costs",
    "Tokyo agrees to raise payments for US bases",
    "Cost-sharing talks stall over US demands",
    "Lawmakers question new burden-sharing accord",
]
DATELINES = ["TOKYO (Kyodo) --", "SEOUL (Yonhap) --", "WASHINGTON (AP) --", "TOKYO --", "SEOUL --"]


# --- traps: plausible sentences the extractor gets wrong (see the benchmark's --traps) -------------

TRAPS: list[tuple[str, list[Gold]]] = [
    ("The yen hit a 10-year high against the dollar.", []),
    ("He is a 25-year veteran of the State Department.", []),
    ("Japan, a nation of 126 million, hosts the largest contingent.", []),
    ("In 2019 troops left the base at Yongsan.", []),
    ("주한미군 2만8천500명이 주둔하고 있다.", [Gold(D(28500), "personnel", "2만8천500명", "trap: N만N천NNN명")]),
    ("It marks a 13.9-percent increase.", [Gold(D("13.9"), "percent", "13.9-percent", "trap: N-percent")]),
    ("Seoul offered US$ 925 million for the year.", [Gold(D(925 * M), "USD", "US$ 925 million", "trap: US$ N million")]),
]


def _claim(rng) -> tuple[str, list[Gold]]:
    makers, weights = zip(*CLAIMS)
    return rng.choices(makers, weights)[0](rng)


def make_article(rng: random.Random) -> tuple[str, list[Gold]]:
    """One article's text and its gold claims."""
    n_claims = rng.randint(3, 8)
    sentences: list[str] = []
    gold: list[Gold] = []
    while len(gold) < n_claims:
        sentence, rows = _claim(rng)
        if len(gold) + len(rows) > n_claims:
            continue
        sentences.append(sentence)
        gold.extend(rows)
    sentences.extend(distractor(rng) for _ in range(rng.randint(1, 4)))
    target = rng.randint(2000, 4000)
    head = f"{rng.choice(HEADLINES)}\n\n{rng.choice(DATELINES)} "
    size = len(head.encode()) + sum(len(s.encode()) + 1 for s in sentences)
    filler: list[str] = []
    pool: list[str] = []
    while size < target - 60:
        if not pool:  # each filler sentence once before any repeats
            pool = FILLER[:]
            rng.shuffle(pool)
        s = pool.pop()
        filler.append(s)
        size += len(s) + 1
    # claims and distractors at random places among the filler
    body = filler[:]
    for s in sentences:
        body.insert(rng.randint(0, len(body)), s)
    paragraphs, i = [], 0
    while i < len(body):
        n = rng.randint(2, 4)
        paragraphs.append(" ".join(body[i: i + n]))
        i += n
    return head + "\n\n".join(paragraphs) + "\n", gold


def _add_trap(trap_rng: random.Random, text: str, gold: list[Gold]) -> tuple[str, list[Gold]]:
    """Append one trap sentence to a random paragraph (its own rng, so the rest is unchanged)."""
    sentence, rows = trap_rng.choice(TRAPS)
    paragraphs = text.rstrip("\n").split("\n\n")
    i = trap_rng.randint(1, len(paragraphs) - 1)
    paragraphs[i] += " " + sentence
    return "\n\n".join(paragraphs) + "\n", gold + rows


def _canonical(v: Decimal) -> Decimal:
    return v.quantize(D(1)) if v == v.to_integral_value() else v.normalize()


def build_corpus(n: int, seed: int = 2026, traps: float = 0.0) -> tuple[list[Article], list[dict]]:
    """n Articles (normalized, ready for extract_claims) and the gold rows as scoring dicts
    (article, value, unit, surface, template). With traps > 0, that share of the articles also
    gets one sentence from TRAPS (drawn from a second seeded rng)."""
    rng = random.Random(seed)
    trap_rng = random.Random(seed + 1)
    articles: list[Article] = []
    gold: list[dict] = []
    for i in range(n):
        text, rows = make_article(rng)
        if traps and trap_rng.random() < traps:
            text, rows = _add_trap(trap_rng, text, rows)
        aid = f"syn{i:05d}.txt"
        articles.append(Article(
            id=aid, text=text, published=dt.date(2021, 3, 1), published_basis="synthetic",
            outlet="synthetic", title=text.split("\n", 1)[0], origin_language="en",
            sha256="0", encoding="utf_8", in_manifest=True, norm=normalize(text),
        ))
        gold.extend(
            {"article": aid, "value": _canonical(g.value), "unit": g.unit, "surface": g.surface, "template": g.template}
            for g in rows
        )
    return articles, gold
