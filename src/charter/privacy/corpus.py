"""A seeded, labelled PII corpus: support-chat turns, prose, log lines and JSON-lines
records (line breaks and quotes escaped) carrying values of the twelve entities Charter
shares with Presidio's pattern recognizers (``VALUES``) and four only Charter looks for
(``CHARTER_ONLY``: dates of birth, URLs with credentials, API keys, JWTs), and
hard negatives (order numbers, timestamps, versions, prices, and look-alikes that fail
Luhn, mod-97, the SSA rules, mod 11, the National Insurance prefixes or a wallet checksum).
The tests score the detector on a small one; ``bench/`` generates 10-20 MB and runs
Presidio on the same lines.

Every value is made here and is valid (or, for hard negatives, deliberately invalid): no
real person's data, no download. ``generate(lines, seed)`` returns ``Line`` objects whose
``spans`` are the gold labels (character offsets in the line).
"""

from __future__ import annotations

import ipaddress
import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

FIRST = [
    "Ada",
    "Ben",
    "Chloe",
    "Dario",
    "Elif",
    "Femi",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kai",
    "Lena",
    "Mateo",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Uwe",
    "Vera",
    "Wen",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Lind",
    "Okafor",
    "Rossi",
    "Novak",
    "Haddad",
    "Berg",
    "Tanaka",
    "Duarte",
    "Meyer",
    "Vos",
    "Silva",
    "Khan",
    "Moreau",
    "Jansen",
    "Ortega",
    "Achebe",
    "Kowalski",
    "Nguyen",
    "Brown",
    "Garcia",
]
DOMAINS = [
    "gmail.com",
    "outlook.com",
    "proton.me",
    "yahoo.co.uk",
    "web.de",
    "orange.fr",
    "hotmail.nl",
    "icloud.com",
    "mail.ru",
    "gmx.net",
    "northwind-post.eu",
    "streamco.io",
]
PHONE_REGIONS = ("US", "GB", "DE", "FR", "NL", "ES", "IT", "BR", "IN", "AU", "MX", "CA")
IBAN_FORMATS = {  # country: BBAN as (kind, count) parts; n digits, a upper letters, c alnum
    "DE": (("n", 18),),
    "GB": (("a", 4), ("n", 14)),
    "FR": (("n", 10), ("c", 11), ("n", 2)),
    "NL": (("a", 4), ("n", 10)),
    "IT": (("a", 1), ("n", 10), ("c", 12)),
    "PL": (("n", 24),),
    "AT": (("n", 16),),
    "CH": (("n", 5), ("c", 12)),
}
"""Countries whose BBAN carries no national check digit that a random one would fail
(Belgium and Spain do): every generated IBAN is valid."""
CARD_PREFIXES = (  # (prefix range, length)
    ((4, 4), 16), ((4, 4), 19), ((51, 55), 16), ((2221, 2720), 16), ((34, 34), 15),
    ((37, 37), 15), ((6011, 6011), 16), ((65, 65), 16), ((3528, 3589), 16),
    ((36, 36), 14), ((62, 62), 16), ((6759, 6759), 12),
)  # fmt: skip


@dataclass
class Line:
    text: str
    spans: list[dict[str, Any]] = field(default_factory=list)
    kind: str = "chat"


class _Builder:
    """Concatenates literal text and labelled values, keeping offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[dict[str, Any]] = []
        self.length = 0

    def text(self, value: str) -> None:
        self.parts.append(value)
        self.length += len(value)

    def value(self, value: str, entity: str | None) -> None:
        if entity is not None:
            self.spans.append(
                {"start": self.length, "end": self.length + len(value), "entity": entity}
            )
        self.text(value)


def luhn_complete(body: str) -> str:
    """``body`` plus the check digit that makes it Luhn-valid."""
    for check in "0123456789":
        candidate = body + check
        total = 0
        for index, char in enumerate(reversed(candidate)):
            digit = int(char) * (2 if index % 2 else 1)
            total += digit - 9 if digit > 9 else digit
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def _card(rng: random.Random, valid: bool = True) -> str:
    (low, high), length = rng.choice(CARD_PREFIXES)
    prefix = str(rng.randint(low, high))
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    number = luhn_complete(body)
    if not valid:  # one wrong digit: fails Luhn
        last = (int(number[-1]) + rng.randint(1, 9)) % 10
        number = number[:-1] + str(last)
    separator = rng.choice(["", " ", "-"]) if length in (12, 15, 16, 19) else ""
    if length == 15:
        groups = [number[:4], number[4:10], number[10:]]
    elif length in (12, 16, 19):  # 19 digits are printed 4-4-4-4-3, 12 as 4-4-4
        groups = [number[i : i + 4] for i in range(0, length, 4)]
    else:
        groups = [number]
    return separator.join(groups) if separator else number


def _iban(rng: random.Random, valid: bool = True) -> str:
    country = rng.choice(sorted(IBAN_FORMATS))
    alphabet = {
        "n": string.digits,
        "a": string.ascii_uppercase,
        "c": string.digits + string.ascii_uppercase,
    }
    bban = "".join(
        rng.choice(alphabet[kind]) for kind, count in IBAN_FORMATS[country] for _ in range(count)
    )
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    if not valid:
        check = (check + rng.randint(1, 50)) % 97 + 2
    iban = f"{country}{check:02d}{bban}"
    if rng.random() < 0.6:
        return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    return iban


def _ssn(rng: random.Random, valid: bool = True) -> str:
    if valid:
        area = rng.choice([a for a in range(1, 900) if a != 666])
        group, serial = rng.randint(1, 99), rng.randint(1, 9999)
    else:
        area = rng.choice([0, 666, rng.randint(900, 999)])
        group, serial = rng.randint(0, 99), rng.randint(0, 9999)
    return f"{area:03d}-{group:02d}-{serial:04d}"


def _email(rng: random.Random) -> str:
    first, last = rng.choice(FIRST).lower(), rng.choice(LAST).lower()
    local = rng.choice(
        [f"{first}.{last}", f"{first}{rng.randint(1, 99)}", f"{first[0]}{last}", f"{first}_{last}"]
    )
    return f"{local}@{rng.choice(DOMAINS)}"


def _phone(rng: random.Random) -> str:
    import phonenumbers

    region = rng.choice(PHONE_REGIONS)
    kind = rng.choice(
        [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
    )
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None
    national = str(example.national_number)
    for _ in range(50):  # vary the last digits until libphonenumber still calls it valid
        keep = max(3, len(national) - 4)
        digits = national[:keep] + "".join(
            rng.choice(string.digits) for _ in range(len(national) - keep)
        )
        number = phonenumbers.parse(f"+{example.country_code}{digits}", None)
        if phonenumbers.is_valid_number(number):
            break
    else:
        number = example
    style = rng.choice(
        [phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.NATIONAL,
         phonenumbers.PhoneNumberFormat.E164]
    )  # fmt: skip
    return str(phonenumbers.format_number(number, style))


def _ip(rng: random.Random) -> str:
    while True:
        if rng.random() < 0.8:
            address: Any = ipaddress.IPv4Address(rng.getrandbits(32))
        else:
            address = ipaddress.IPv6Address((0x2A00 << 112) | rng.getrandbits(112))
        if address.is_global and not address.is_multicast:
            return str(address)


def _mac(rng: random.Random) -> str:
    return ":".join(f"{rng.randint(0, 255):02X}" for _ in range(6))


def _nhs(rng: random.Random, valid: bool = True) -> str:
    """Ten digits whose last is the mod-11 check of the first nine (weights 10 to 2; a
    remainder giving 10 is never issued); written 3-3-4 as the NHS prints it, or bare."""
    while True:
        body = "".join(rng.choice(string.digits) for _ in range(9))
        check = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            break
    last = check if valid else (check + rng.randint(1, 9)) % 10
    number = f"{body}{last}"
    separator = rng.choice([" ", " ", " ", "-", ""])
    return separator.join((number[:3], number[3:6], number[6:]))


NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NINO_UNUSED = ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ")


def _nino(rng: random.Random, valid: bool = True) -> str:
    """A National Insurance number: an allocated two-letter prefix, six digits, A-D; the
    look-alike has an unallocated prefix (BG, GB, ...) or a letter never used (D, F, I...)."""
    while True:
        prefix = rng.choice(NINO_FIRST) + rng.choice(NINO_SECOND)
        if prefix not in NINO_UNUSED:
            break
    if not valid:
        prefix = rng.choice([*NINO_UNUSED, "D" + prefix[1], prefix[0] + "O", "Q" + prefix[1]])
    digits = "".join(rng.choice(string.digits) for _ in range(6))
    suffix = rng.choice("ABCD")
    if rng.random() < 0.5:
        return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    return f"{prefix}{digits}{suffix}"


BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _base58check(version: int, payload: bytes) -> str:
    """Bitcoin's Base58Check: version byte, payload, the first four bytes of a double
    SHA-256; leading zero bytes become 1s."""
    import hashlib

    data = bytes([version]) + payload
    data += hashlib.sha256(hashlib.sha256(data).digest()).digest()[:4]
    number, out = int.from_bytes(data, "big"), ""
    while number:
        number, digit = divmod(number, 58)
        out = BASE58[digit] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _bech32(program: bytes) -> str:
    """A segwit version 0 address (BIP-173): ``bc1q`` and the program in 5-bit groups with
    the six-character BCH checksum."""
    groups, accumulator, bits = [0], 0, 0  # witness version 0 first
    for byte in program:
        accumulator, bits = (accumulator << 8) | byte, bits + 8
        while bits >= 5:
            bits -= 5
            groups.append((accumulator >> bits) & 31)
    if bits:
        groups.append((accumulator << (5 - bits)) & 31)
    values = [
        3,
        3,
        0,
        2,
        3,
        *groups,
        0,
        0,
        0,
        0,
        0,
        0,
    ]  # "bc" expanded, data, room for the checksum
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = ((checksum & 0x1FFFFFF) << 5) ^ value
        for index, generator in enumerate(
            (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
        ):
            if (top >> index) & 1:
                checksum ^= generator
    checksum ^= 1
    tail = [(checksum >> 5 * (5 - i)) & 31 for i in range(6)]
    return "bc1" + "".join(BECH32[g] for g in groups + tail)


def _crypto(rng: random.Random, valid: bool = True) -> str:
    """A wallet address: Bitcoin P2PKH (``1...``), P2SH (``3...``), segwit (``bc1q...``), or
    Ethereum (``0x`` and 40 hex digits, lower case as EIP-55 allows). The look-alike is a
    Bitcoin address with one character changed, so its checksum fails."""
    payload = bytes(rng.getrandbits(8) for _ in range(20))
    roll = rng.random()
    if valid and roll < 0.15:
        return "0x" + payload.hex()
    if roll < 0.55:
        address = _base58check(0x00, payload)
    elif roll < 0.75:
        address = _base58check(0x05, payload)
    else:
        address = _bech32(payload)
    if not valid:
        alphabet = BECH32 if address.startswith("bc1") else BASE58
        at = rng.randrange(len(address) - 6, len(address))
        swapped = alphabet[(alphabet.index(address[at]) + rng.randint(1, 20)) % len(alphabet)]
        address = address[:at] + swapped + address[at + 1 :]
    return address


def _bank_account(rng: random.Random) -> str:
    """A US bank account number: 8 to 17 digits (no checksum exists)."""
    length = rng.randint(8, 17)
    return str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(length - 1))


def _passport(rng: random.Random) -> str:
    """A US passport number: nine digits, or a letter and eight digits (the 2021 series)."""
    digits = "".join(rng.choice(string.digits) for _ in range(8))
    if rng.random() < 0.25:
        return rng.choice(string.ascii_uppercase) + digits
    return str(rng.randint(1, 9)) + digits


VALUES: dict[str, Callable[[random.Random], str]] = {
    "EMAIL_ADDRESS": _email,
    "PHONE_NUMBER": _phone,
    "CREDIT_CARD": _card,
    "IBAN_CODE": _iban,
    "US_SSN": _ssn,
    "IP_ADDRESS": _ip,
    "MAC_ADDRESS": _mac,
    "CRYPTO": _crypto,
    "UK_NHS": _nhs,
    "UK_NINO": _nino,
    "US_BANK_NUMBER": _bank_account,
    "US_PASSPORT": _passport,
}
"""The entities Charter shares with Presidio's pattern recognizers (URL aside: Charter's
means a URL carrying credentials, Presidio's any URL): what the benchmark compares."""


def _date_of_birth(rng: random.Random) -> str:
    """A date between 1940 and 2010 in one of the ways people write one."""
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1940, 2010)
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]  # fmt: skip
    return rng.choice(
        [f"{day} {months[month - 1]} {year}", f"{year}-{month:02d}-{day:02d}",
         f"{day:02d}/{month:02d}/{year}", f"{day:02d}.{month:02d}.{year}"]
    )  # fmt: skip


def _url_with_credentials(rng: random.Random) -> str:
    """A connection URL with a user and password (the span ends with the host)."""
    scheme = rng.choice(["postgres", "mysql", "https", "amqp", "redis"])
    user = rng.choice(["admin", "app", "svc_export", "deploy"])
    secret = "".join(rng.choices(string.ascii_letters + string.digits, k=rng.randint(8, 20)))
    host = rng.choice(
        ["db.internal", "db-7.eu-west.rds.local", "cache.northwind-post.eu", "mq.local"]
    )
    return f"{scheme}://{user}:{secret}@{host}"


def _api_key(rng: random.Random) -> str:
    """An AWS access key id, a GitHub token or a Stripe live key, in their documented
    formats."""
    upper = string.ascii_uppercase + string.digits
    mixed = string.ascii_letters + string.digits
    return rng.choice(
        [
            "AKIA" + "".join(rng.choices(upper, k=16)),
            "ghp_" + "".join(rng.choices(mixed, k=36)),
            "sk_live_" + "".join(rng.choices(mixed, k=24)),
        ]
    )


def _jwt(rng: random.Random) -> str:
    """A JSON Web Token: base64url header with an ``alg``, claims, signature."""
    import base64
    import json

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps({"alg": rng.choice(["HS256", "RS256"]), "typ": "JWT"}).encode())
    claims = part(json.dumps({"sub": str(rng.randint(10**6, 10**7)), "iat": 1764547200}).encode())
    signature = part(bytes(rng.getrandbits(8) for _ in range(32)))
    return f"{header}.{claims}.{signature}"


CHARTER_ONLY: dict[str, Callable[[random.Random], str]] = {
    "DATE_OF_BIRTH": _date_of_birth,
    "URL": _url_with_credentials,
    "API_KEY": _api_key,
    "ACCESS_TOKEN": _jwt,
}
"""Entities only Charter looks for (Presidio's DATE_TIME is any date): scored for Charter."""
ENTITIES = VALUES | CHARTER_ONLY
"""Every entity the corpus labels."""

CHAT = {
    "EMAIL_ADDRESS": [
        "my email is {}",
        "send it to {} please",
        "you can reach me at {}",
        "it's {}",
        "{} is my address",
    ],
    "PHONE_NUMBER": [
        "my number is {}",
        "call me on {}",
        "phone: {}",
        "text me at {} tomorrow",
        "reach me on {} after 6",
    ],
    "CREDIT_CARD": [
        "my card is {}",
        "I paid with {} yesterday",
        "card number {}",
        "charge {} instead",
        "visa {} was billed twice",
    ],
    "IBAN_CODE": ["refund to IBAN {}", "my account is {}", "iban: {}", "please transfer it to {}"],
    "US_SSN": ["my SSN is {}", "social security number {}", "ssn {} for the tax form"],
    "IP_ADDRESS": [
        "I log in from {}",
        "my ip is {}",
        "the error came from {}",
        "connected from {} last night",
    ],
    "MAC_ADDRESS": ["my TV's MAC address is {}", "device mac {}"],
    "CRYPTO": [
        "send the refund to my wallet {}",
        "my bitcoin address is {}",
        "pay out in crypto to {}",
        "{} is my wallet",
    ],
    "UK_NHS": [
        "my NHS number is {}",
        "NHS no {} for the accessibility discount",
        "the GP letter says patient {}",
        "{} is my NHS number",
    ],
    "UK_NINO": [
        "my national insurance number is {}",
        "NI number {}",
        "it's {} on the payslip",
        "nino {} for the invoice",
    ],
    "US_BANK_NUMBER": [
        "my checking account is {}",
        "bank account number {}",
        "please deposit it to acct {}",
        "savings account {} at my bank",
    ],
    "US_PASSPORT": [
        "my passport number is {}",
        "passport {} expires in May",
        "travel document {} for the premiere",
    ],
    "DATE_OF_BIRTH": [
        "I was born on {}",
        "date of birth {} for the age check",
        "my DOB is {}",
        "born {}, so the kids profile is wrong",
    ],
    "URL": [
        "the export job connects to {} nightly",
        "config: {}",
        "retrying {} after timeout",
    ],
    "API_KEY": [
        "use key {} for the upload",
        "the script still has {} in it",
        "{} was pasted in the ticket",
    ],
    "ACCESS_TOKEN": [
        "my session token is {}",
        "Authorization header had {}",
        "token {} expired",
    ],
}
FILLER = [
    "the subtitles drift by two seconds in episode 3",
    "the dub is out of sync after the intro",
    "I want to cancel the second profile",
    "thanks, that fixed it",
    "can you check why the app keeps buffering",
    "the French audio track is missing on my TV",
]
NEGATIVES: list[Callable[[random.Random], str]] = [
    lambda r: (
        f"Order #{r.randint(10**7, 10**8 - 1)} shipped on "
        f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
    ),
    lambda r: (
        f"ticket {r.randint(100000, 999999)} updated at "
        f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"
    ),
    lambda r: (
        f"app version {r.randint(1, 9)}.{r.randint(0, 40)}.{r.randint(0, 99)} "
        f"build {r.randint(1000, 9999)}"
    ),
    lambda r: f"total ${r.randint(1, 2999):,}.{r.randint(0, 99):02d} for {r.randint(1, 12)} months",
    lambda r: f"reference {_card(r, valid=False)} was declined by the test harness",
    lambda r: f"account code {_iban(r, valid=False)} in the sample file",
    lambda r: f"case id {_ssn(r, valid=False)} closed",
    lambda r: (
        f"timestamp {r.randint(1_600_000_000, 1_800_000_000)} episode {r.randint(1, 12)} "
        f"at 00:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}.{r.randint(0, 999):03d}"
    ),
    lambda r: f"checksum {r.getrandbits(64):016x} for segment {r.randint(1, 500)}",
    lambda r: (
        f"retry {r.randint(1, 9)} of {r.randint(10, 20)} for host "
        f"999.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(0, 255)}"
    ),
    lambda r: f"nhs check failed for {_nhs(r, valid=False)}",
    lambda r: f"form code {_nino(r, valid=False)} is not in use",
    lambda r: f"sample wallet {_crypto(r, valid=False)} from the docs",
]


def _as_json_line(line: Line, rng: random.Random) -> Line:
    """The turn as a JSON-lines record, as chat exports write it: its line breaks and
    quotes escaped, the labels moved to the characters as written."""
    import json

    role = rng.choice(["user", "agent"])
    prefix = '{"turn": ' + str(rng.randint(1, 40)) + ', "role": "' + role + '", "content": "'

    def escaped(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)[1:-1]

    spans = []
    for span in line.spans:
        start = len(prefix) + len(escaped(line.text[: span["start"]]))
        value = escaped(line.text[span["start"] : span["end"]])
        spans.append({**span, "start": start, "end": start + len(value)})
    return Line(prefix + escaped(line.text) + '"}', spans, "jsonl")


def generate(
    lines: int, seed: int = 7, pii_share: float = 0.4, negative_share: float | None = None
) -> Iterator[Line]:
    """``lines`` labelled lines: chat turns, prose and log lines with one or two values
    (``pii_share`` of them), hard negatives (``negative_share``, default half of the rest)
    and plain filler."""
    negatives = (1 - pii_share) / 2 if negative_share is None else negative_share
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    entities = sorted(ENTITIES)
    for _ in range(lines):
        built = _Builder()
        roll = rng.random()
        if roll < pii_share:
            kind = rng.choice(["chat", "chat", "prose", "log", "jsonl"])
            count = 1 if rng.random() < 0.8 else 2
            if kind == "chat":
                built.text(rng.choice(["User: ", "Customer: ", "Agent: "]))
            elif kind == "log":
                built.text(
                    f"2026-11-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z INFO "
                )
            for index in range(count):
                entity = rng.choice(entities)
                template = rng.choice(CHAT[entity])
                head, tail = template.split("{}")
                if kind == "prose":
                    head = rng.choice(["", "Hi, ", "Hello again. "]) + head
                joint = "\n" if kind == "jsonl" and rng.random() < 0.5 else ", and "
                built.text(head if index == 0 else joint + head)
                built.value(ENTITIES[entity](rng), entity)
                built.text(tail)
            built.text(rng.choice([".", "", " - " + rng.choice(FILLER), "?"]))
            line = Line("".join(built.parts), built.spans, kind)
            yield _as_json_line(line, rng) if kind == "jsonl" else line
        elif roll < pii_share + negatives:
            yield Line(rng.choice(NEGATIVES)(rng), [], "negative")
        else:
            yield Line(rng.choice(["User: ", "Agent: ", ""]) + rng.choice(FILLER), [], "filler")
