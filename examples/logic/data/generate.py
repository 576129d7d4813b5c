#!/usr/bin/env python3
"""Writes the synthetic patients dataset used by the NMP example logic.

Every value is invented. The generator uses its own 64-bit PRNG (splitmix64) with a fixed
seed, so the output is byte-identical on every machine and every Python 3 version.

    python3 generate.py                          # writes patients.csv (200 rows) beside this script
    python3 generate.py --rows 500 --out x.csv   # another row count
    python3 generate.py --bytes 1073741824 --out /tmp/big.csv   # a benchmark file of exactly N bytes

Large files are streamed: one block of pre-rendered rows is generated once, then written again
and again with fresh patient ids, so a 1 GiB file takes a few seconds.
"""

import argparse
import os
import sys

SEED = 0x4E4D5031  # "NMP1"
COLUMNS = "patient_id,name,email,ssn,age,sex,diagnosis,city,cost_usd"

FIRST_NAMES = [
    "Amelia", "Noah", "Olivia", "Liam", "Emma", "Mateo", "Ava", "Lucas", "Sofia", "Ethan",
    "Isabella", "Mason", "Mia", "Logan", "Harper", "Elijah", "Evelyn", "Aiden", "Abigail",
    "James", "Emily", "Benjamin", "Ella", "Daniel", "Grace", "Samuel", "Chloe", "Henry",
    "Zoe", "Omar", "Priya", "Wei", "Fatima", "Kenji", "Ana", "Yusuf", "Ingrid", "Diego",
]
LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Robinson", "Walker", "Young", "Nguyen", "Patel", "Kim", "Okafor", "Schmidt",
]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net"]
CITIES = [
    "Springfield", "Riverton", "Lakeside", "Fairview", "Greenville", "Madison", "Georgetown",
    "Clinton", "Franklin", "Ashland",
]
# (diagnosis, relative weight, typical age, typical cost in USD)
DIAGNOSES = [
    ("hypertension", 24, 62, 1450),
    ("diabetes", 18, 58, 3200),
    ("asthma", 14, 34, 980),
    ("copd", 9, 67, 4100),
    ("migraine", 11, 39, 620),
    ("depression", 12, 41, 1750),
    ("arthritis", 12, 64, 2300),
]

MASK64 = (1 << 64) - 1


class SplitMix64:
    """A tiny deterministic PRNG (Steele, Lea and Flood's splitmix64)."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def pick(self, items):
        return items[self.below(len(items))]

    def spread(self, centre, width):
        """An integer near centre: the sum of three uniforms, roughly bell-shaped."""
        total = sum(self.below(2 * width + 1) - width for _ in range(3))
        return centre + total // 3


def fake_ssn(rng):
    """A random SSN that passes the issuance rules (area not 000, 666 or 9xx; group and serial
    not zero), so egress filters that validate SSNs see it as one. Random, not anyone's."""
    area = 1 + rng.below(898)
    if area == 666:
        area = 667
    return f"{area:03d}-{rng.below(99) + 1:02d}-{rng.below(9999) + 1:04d}"


def row_fields(rng):
    """One patient row except its id: (name, email, ssn, age, sex, diagnosis, city, cost)."""
    first, last = rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES)
    email = f"{first.lower()}.{last.lower()}{rng.below(100)}@{rng.pick(EMAIL_DOMAINS)}"
    roll = rng.below(sum(w for _, w, _, _ in DIAGNOSES))
    for diagnosis, weight, age_centre, cost_centre in DIAGNOSES:
        if roll < weight:
            break
        roll -= weight
    age = min(95, max(18, rng.spread(age_centre, 20)))
    cost_cents = max(5000, rng.spread(cost_centre * 100, cost_centre * 60))
    cost = f"{cost_cents // 100}.{cost_cents % 100:02d}"
    sex = "F" if rng.below(2) == 0 else "M"
    return (f"{first} {last}", email, fake_ssn(rng), str(age), sex, diagnosis, rng.pick(CITIES), cost)


def render(patient_id, fields):
    return f"P{patient_id:09d}," + ",".join(fields) + "\n"


def write_rows(out, rows):
    rng = SplitMix64(SEED)
    out.write(COLUMNS + "\n")
    for i in range(1, rows + 1):
        out.write(render(i, row_fields(rng)))


def write_bytes(out, total):
    """Writes exactly `total` bytes: the header, whole rows, then one padding row."""
    rng = SplitMix64(SEED)
    # One block of pre-rendered row tails, reused with fresh ids: the first 4096 rows equal
    # `--rows 4096`, later blocks repeat their values under new patient ids.
    tails = ["," + ",".join(row_fields(rng)) + "\n" for _ in range(4096)]
    header = COLUMNS + "\n"
    if total < len(header):
        raise SystemExit("generate.py: --bytes is smaller than the header")
    out.write(header)
    left = total - len(header)
    next_id = 1
    full = True
    while full:
        parts = []
        for tail in tails:
            line = f"P{next_id:09d}" + tail
            if len(line) > left:
                full = False
                break
            parts.append(line)
            left -= len(line)
            next_id += 1
        out.write("".join(parts))
    if left > 0:
        out.write(pad_row(next_id, left))


def pad_row(patient_id, size):
    """A valid row of exactly `size` bytes (its name stretches), or blank lines if too short."""
    head = f"P{patient_id:09d},"
    rest = ",pad@example.com,123-45-6789,50,F,asthma,Springfield,980.00\n"
    room = size - len(head) - len(rest)
    if room < 1:
        return "\n" * size
    return head + "P" + "a" * (room - 1) + rest


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200, help="rows to write (default 200)")
    parser.add_argument("--bytes", type=int, help="write a benchmark file of exactly this many bytes instead")
    parser.add_argument("--out", help="output path (default: patients.csv beside this script; '-' for stdout)")
    args = parser.parse_args()
    path = args.out or os.path.join(os.path.dirname(os.path.abspath(__file__)), "patients.csv")
    out = sys.stdout if path == "-" else open(path, "w", encoding="ascii", newline="\n", buffering=1 << 20)
    try:
        if args.bytes is not None:
            write_bytes(out, args.bytes)
        else:
            write_rows(out, args.rows)
    finally:
        if out is not sys.stdout:
            out.close()


if __name__ == "__main__":
    main()
