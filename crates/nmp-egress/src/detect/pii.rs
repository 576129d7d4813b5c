//! Personal-data rules matched anywhere in text. Field-based PII (dates of birth, addresses and
//! names under identity-like keys) lives in `field.rs`.

use super::Spec;
use super::check;
use super::ids;
use super::world;

/// Regex rules for personal data. Every pattern is linear-time (`regex` crate) and anchored on
/// ASCII word boundaries; the validator does what a regex cannot (checksums, number rules).
pub(crate) const RULES: &[Spec] = &[
    Spec {
        id: "pii.email",
        label: "email",
        pattern: r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}(?-u:\b)",
        validate: Some(email),
    },
    Spec {
        id: "pii.phone",
        label: "phone",
        pattern: r"\+[1-9][0-9]{0,3}(?:[ .\-/_]?\(?[0-9]{1,4}\)?){2,6}|\([2-9][0-9]{2}\) ?[0-9]{3}[ .\-/_][0-9]{4}|(?-u:\b)[2-9][0-9]{2}[ .\-/_][0-9]{3}[ .\-/_][0-9]{4}(?:x[0-9]{1,6})?(?-u:\b)|(?-u:\b)0[1-9][0-9]{1,3}[ \-][0-9]{3,4}[ \-][0-9]{3,4}(?-u:\b)|(?-u:\b)0[1-9](?: [0-9]{2}){4}(?-u:\b)|\(0[1-9][0-9]{1,3}\) ?[0-9]{3,4}[ \-]?[0-9]{3,4}(?-u:\b)",
        validate: Some(check::phone),
    },
    Spec {
        id: "pii.phone",
        label: "phone",
        // National formats: a trunk `0` and groups joined by spaces and dashes (`0215-66 59 95`,
        // `03-8502-2854`, `01511 68465`), an area code in brackets (`(03715) 79138`,
        // `(02)-9411-1611`, `(351) 913 468 565`), `1-` or `001-` before a North American number,
        // the Brazilian `11 4522-3573`, an international `00` prefix (`0049 171 3366815`), the
        // French dotted `06.43.60.98.82`, a Chinese mobile grouped 3-4-4 (`139 9856 1235`) and
        // landline (`010-12345678`).
        pattern: r"(?-u:\b)0[1-9][0-9]{0,4}(?:[ \-][0-9]{2,6}){1,4}(?-u:\b)|(?-u:\b)0[1-9][0-9]{1,2}-[0-9]{7,8}(?-u:\b)|\(0?[1-9][0-9]{0,4}\)[ \-]?[0-9]{2,5}(?:[ \-][0-9]{2,5}){0,3}(?-u:\b)|(?-u:\b)(?:00?1[ \-.])?1?[ \-.]?[2-9][0-9]{2}[ \-.][2-9][0-9]{2}[ \-.][0-9]{4}(?-u:\b)|(?-u:\b)[1-9][0-9] 9?[0-9]{4}-[0-9]{4}(?-u:\b)|(?-u:\b)00[1-9][0-9]{0,2}(?:[ \-][0-9]{2,8}){2,4}(?-u:\b)|(?-u:\b)0[1-9](?:\.[0-9]{2}){4}(?-u:\b)|(?-u:\b)1[3-9][0-9] [0-9]{4} [0-9]{4}(?-u:\b)",
        validate: Some(check::national_phone),
    },
    Spec {
        id: "pii.phone",
        label: "phone",
        // A number of 7-15 digits that a word calls a phone number (`call 0406543528`, `tel.
        // 6937 5208`, `sms queued to=962344324`, `mobile: 07356566645`).
        pattern: r"(?i)(?-u:\b)(?:phone|tel|telephone|mobile|mobil|handy|t\xC3\xA9l|t\xC3\xA9l\xC3\xA9phone|telefon[oe]?|tel\xC3\xA9fono|m\xC3\xB3vil|celular|portable|gsm|recipient|cell|fax|msisdn|whatsapp|texted|callback(?: number)?|reach(?:ed)?(?: [a-z]+){0,3}(?: at| on)?|back (?:on|at)|contact number|dial(?:led)?|ring|(?:call(?:ed)?|sms|text|message)(?: [a-z]+)? (?:from|to|on|at)|call(?:ed)?(?: back)?)[ \t]*\.?[ \t]*(?:number|no\.?|nr\.?)?\*{0,2}[ \t]*[:=#]?\*{0,2}[ \t]*(?:is |on |at )?[ \t]*\+?\(?[0-9][0-9 ()\-./]{5,20}[0-9](?-u:\b)",
        validate: Some(check::phrase_phone),
    },
    Spec {
        id: "pii.ssn",
        label: "ssn",
        pattern: r"(?-u:\b)(?:[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{3} [0-9]{2} [0-9]{4}|[0-9]{3}\.[0-9]{2}\.[0-9]{4}|[0-9]{3}/[0-9]{2}/[0-9]{4}|[0-9]{3}_[0-9]{2}_[0-9]{4})(?-u:\b)",
        validate: Some(check::ssn),
    },
    Spec {
        id: "pii.card",
        label: "card",
        pattern: r"(?-u:\b)[0-9](?:[ \-./_]?[0-9]){11,18}(?-u:\b)",
        validate: Some(check::card),
    },
    Spec {
        id: "pii.iban",
        label: "iban",
        pattern: r"(?-u:\b)(?:(?i:[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30})|[A-Z]{2}[0-9]{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)(?-u:\b)",
        validate: Some(check::iban),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?-u:\b)",
        validate: Some(ids::nino),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)[1-79][0-9]{2}[ \-][0-9]{3}[ \-][0-9]{3}(?-u:\b)",
        validate: Some(ids::sin),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)[12] ?[0-9]{2} ?[0-9]{2} ?(?:[0-9]{2}|2[AB]) ?[0-9]{3} ?[0-9]{3} ?[0-9]{2}(?-u:\b)",
        validate: Some(ids::nir),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?-u:\b)",
        validate: Some(ids::codice_fiscale),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)(?:19|20)?[0-9]{6}[\-+][0-9]{4}(?-u:\b)",
        validate: Some(ids::personnummer),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)[0-3][0-9][01][0-9]{3}[\-+A-FU-Y][0-9]{3}[0-9A-FHJ-NPR-Y](?-u:\b)",
        validate: Some(ids::hetu),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)(?:[0-9]{11}|[0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{2})(?-u:\b)",
        validate: Some(ids::eleven_digits),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)(?:[0-9]{8}|[XYZ]-?[0-9]{7})-?[A-Z](?-u:\b)",
        validate: Some(ids::dni),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)[2-9][0-9]{3}[ \-][0-9]{4}[ \-][0-9]{4}(?-u:\b)",
        validate: Some(ids::aadhaar),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        // More countries' ids in a format of their own, each with its check: Belgian national
        // number, Swiss AHV, Chilean RUT, Chinese resident id, Korean RRN, Singapore NRIC,
        // Mexican CURP, Hong Kong HKID, Czech/Slovak birth number, Irish PPSN.
        pattern: r"(?-u:\b)[0-9]{2}\.[01][0-9]\.[0-3][0-9]-[0-9]{3}\.[0-9]{2}(?-u:\b)",
        validate: Some(world::belgian),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)756(?:\.[0-9]{4}\.[0-9]{4}\.[0-9]{2}|[0-9]{10})(?-u:\b)",
        validate: Some(world::ahv),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)(?:[0-9]{1,2}\.[0-9]{3}\.[0-9]{3}|[0-9]{7,8})-[0-9Kk](?-u:\b)",
        validate: Some(world::rut),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)[1-8][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx](?-u:\b)",
        validate: Some(world::china),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)[0-9]{2}[01][0-9][0-3][0-9]-[1-4][0-9]{6}(?-u:\b)",
        validate: Some(world::rrn),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)[STFGM][0-9]{7}[A-Z](?-u:\b)",
        validate: Some(world::nric),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)[A-Z][AEIOUX][A-Z]{2}[0-9]{2}[01][0-9][0-3][0-9][HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9](?-u:\b)",
        validate: Some(world::curp),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        // An identifier after the Korean, Chinese or Taiwanese name of the national id
        // (`주민등록번호 930411-1791361`).
        pattern: r"(?:\xEC\xA3\xBC\xEB\xAF\xBC\xEB\x93\xB1\xEB\xA1\x9D\xEB\xB2\x88\xED\x98\xB8|\xE8\xBA\xAB\xE4\xBB\xBD\xE8\xAF\x81\xE5\x8F\xB7\xE7\xA0\x81|\xE8\xBA\xAB\xE4\xBB\xBD\xE8\xAF\x81\xE5\x8F\xB7|\xE8\xBA\xAB\xE5\x88\x86\xE8\xAD\x89\xE5\xAD\x97\xE8\x99\x9F|\xE8\xBA\xAB\xE5\x88\x86\xE8\xAD\x89):?[ \t]*[0-9A-Z][0-9A-Z\-]{5,20}",
        validate: Some(ids::id_phrase),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        // A Taiwanese national id (`A123456789`): a letter, the sex digit and the check.
        pattern: r"(?-u:\b)[A-Z][12][0-9]{8}(?-u:\b)",
        validate: Some(world::taiwan_id),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)[A-Z]{1,2}[0-9]{6}\([0-9A]\)",
        validate: Some(world::hkid),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)[0-9]{2}[0156][0-9][0-3][0-9]/[0-9]{4}(?-u:\b)",
        validate: Some(world::birth_number),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        // Malaysian MyKad (`750923-71-5294`), Argentine CUIL/CUIT (`20-12345678-3`), Austrian
        // social insurance number (`1237 010180`), and a Medicare Beneficiary Identifier
        // (`1EG4-TE5-MK73`; its letters and digits in fixed positions, no S, L, O, I, B, Z).
        pattern: r"(?-u:\b)(?:[0-9]{2}[01][0-9][0-3][0-9]-[0-9]{2}-[0-9]{4}|(?:20|23|24|27|30|33|34)-[0-9]{8}-[0-9]|[0-9]{4} [0-3][0-9][01][0-9][0-9]{2}|[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9]-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9]-?[AC-HJKMNP-RT-Y]{2}[0-9]{2})(?-u:\b)",
        validate: Some(world::formatted),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        // Romanian CNP and South African id: 13 digits with a date and a check.
        pattern: r"(?-u:\b)[0-9]{13}(?-u:\b)",
        validate: Some(world::thirteen_digits),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        pattern: r"(?-u:\b)[0-9]{7}[A-W][A-IW]?(?-u:\b)",
        validate: Some(world::ppsn),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        // A Japanese My Number grouped 4-4-4.
        pattern: r"(?-u:\b)[0-9]{4} [0-9]{4} [0-9]{4}(?-u:\b)",
        validate: Some(world::my_number),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        // An identifier that a word names: a national id, a member, policy, claim or record
        // number, a bank account (`Dutch BSN 378246598`, `Member ID XEH123456789`, `claim
        // CLM-2026-0048213`, `routing 021000021 account 4417120935`).
        pattern: r"(?i)(?-u:\b)(?:personas kods|teudat zehut|mispar zehut|kennitala|taxpayer id|gov(?:ernment)? id|ssn|social security(?: number| no\.?)?|nino|national insurance(?: number| no\.?)?|ni number|social insurance number|sin|nir|insee|bsn|burgerservicenummer|codice fiscale|personnummer|personal (?:identity )?(?:number|code)|hetu|henkil(?:\xC3\xB6|o)tunnus|pesel|cpf|f(?:\xC3\xB8|o)dselsnummer|cpr(?:-nummer)?|dni|nie|nif|aadhaa?r|pan|steuer-?id|steueridentifikationsnummer|tax (?:id|code|number)|national id(?:entity)?(?: number| card)?|id number|id card|passport|national (?:regist(?:er|ry) )?number|rijksregisternummer|ahv|avs|rut|curp|nric|hkid|tfn|tax file number|pps(?:n| number| no\.?)|tc kimlik(?: no)?|tckn|my number|individual number|cnp|rrn|resident registration number|resident id|itin|svnr|sozialversicherungsnummer|mykad|cuil|cuit|isikukood|asmens kodas|oib|egn|jmbg|amka|c(?:\xC3\xA9|e)dula|rodn(?:\xC3\xA9|e) (?:\xC4\x8D|c)(?:\xC3\xAD|i)slo|birth number|health card|insured|id ?#|patient|member(?:ship)?|mbr|subscriber|policy(?:holder)?|claim|mrn|medical record|nhs|medicare|medicaid|mbi|insurance (?:id|number|no\.?)|beneficiary|enrollee|chart|account|acct|routing|aba|sort code|bban)(?:'s)?(?:[ \t]+(?:number|no\.?|nr\.?|num|id|#|code|on file|of record|for the record|is|was|of))*\*{0,2}[ \t]*[:=#]?\*{0,2}[ \t]*[\x22'(\[]?(?-i:(?:[A-Z]{1,6}[ \-#]?)?[0-9][0-9A-Z]*(?:[ ./\-][0-9A-Z]+){0,6})",
        validate: Some(ids::id_phrase),
    },
    Spec {
        id: "pii.national_id",
        label: "national_id",
        // A UK sort code and account number (`30-14-46 86552290`), and a US routing number
        // (ABA checksum) before an account number (`021000021 / 4417120935`).
        pattern: r"(?-u:\b)(?:[0-9]{2}-[0-9]{2}-[0-9]{2},?[ \t]+(?:(?i:account|acct|a/c)(?: (?i:number|no\.?))?:?[ \t]*)?[0-9]{8}|[0-3][0-9]{8}[ \t]*[,/;|][ \t]*[0-9]{6,17})(?-u:\b)",
        validate: Some(ids::bank),
    },
    Spec {
        id: "pii.ipv4",
        label: "ip",
        pattern: r"(?-u:\b)(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?-u:\b)",
        validate: Some(check::ipv4),
    },
    Spec {
        id: "pii.ipv6",
        label: "ip",
        pattern: r"(?i:[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?::(?:[0-9]{1,3}\.){3}[0-9]{1,3})?)",
        validate: Some(ipv6),
    },
    Spec {
        id: "pii.mrz",
        label: "mrz",
        pattern: r"P[A-Z<][A-Z]{3}[A-Z<]{39}|[A-Z0-9<]{9}[0-9][A-Z]{3}[0-9]{6}[0-9][MFX<][0-9]{6}[0-9][A-Z0-9<]{14}[0-9<][0-9]",
        validate: Some(mrz),
    },
    Spec {
        id: "pii.dob",
        label: "dob",
        pattern: r"(?i)(?-u:\b)(?:dob|d\.o\.b\.?|date of birth(?: of(?: the)? [a-z]+)?|birth ?date|birthday|born(?: on)?(?: the)?|b\.|n\xC3\xA9e? le|geboren (?:am|op)|geburtsdatum|nacid[oa] el|fecha de nacimiento|nat[oa] il|data di nascita|date de naissance|geboortedatum|f\xC3\xB6dd|f\xC3\xB6delsedatum|f\xC3\xB8dt|f\xC3\xB8dselsdato|syntynyt|syntym\xC3\xA4aika|urodzon[ya]|data urodzenia|nascid[oa] em|data de nascimento|geb\.)(?:/age)?(?:[ \t]+(?:is|was|of))?\*{0,2}[ \t]*[:=\-]?\*{0,2}[ \t]*[\x22']?(?:(?:[0-9]{4}[\-/.][0-9]{1,2}[\-/.][0-9]{1,2}|[0-9]{1,2}[\-/.][0-9]{1,2}[\-/.][0-9]{2,4}|[0-9]{1,2}(?:st|nd|rd|th|\.)?(?: of)? (?:[a-z]|\xC3[\xA0-\xBF]){3,10}\.?,? [0-9]{4}|[a-z]{3,9}\.? [0-9]{1,2}(?:st|nd|rd|th)?,? [0-9]{4}|[0-9]{1,2}[\-/][a-z]{3}[\-/][0-9]{2,4}|(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])[0-3][0-9])(?-u:\b)|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}|(?:19|20)[0-9]{2}\xE5\xB9\xB4[0-9]{1,2}\xE6\x9C\x88[0-9]{1,2}\xE6\x97\xA5)",
        validate: None,
    },
    Spec {
        id: "pii.dob",
        label: "dob",
        // A full date right after a person's name, as registers and clinic lists write it: in
        // brackets after two or three capitalised words (`Anna Kowalska (1984-03-14)`), or after
        // an upper-case surname and a given name (`MÜLLER, Jörg, 03.04.1961`); the year
        // is a birth year and the words are a name (see `names::dated_name`).
        pattern: r"(?-u:\b)(?:[A-Z](?:[a-z'\-]|[\xC3-\xC5][\x80-\xBF])+ ){1,2}[A-Z](?:[a-z'\-]|[\xC3-\xC5][\x80-\xBF])+ \((?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{4}|[0-9]{1,2} [A-Z][a-z]{2,8} [0-9]{4})\)|(?-u:\b)(?:[A-Z]|\xC3[\x80-\x9E]|\xC5[\x80-\xBF]){2,}, [A-Z](?:[a-z'\-]|[\xC3-\xC5][\x80-\xBF])+, (?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{4}|[0-9]{1,2} [A-Z][a-z]{2,8} [0-9]{4})(?-u:\b)",
        validate: Some(super::names::dated_name),
    },
    Spec {
        id: "pii.dob",
        label: "dob",
        // HL7 v2 PID segment: field 7 is the patient's date of birth (`PID|1||4627||DOE^JANE||19550401|F`).
        pattern: r"(?-u:\b)PID\|(?:[^|\r\n]*\|){6}(?:19|20)[0-9]{6}",
        validate: None,
    },
    Spec {
        id: "pii.name",
        label: "name",
        // HL7 v2 PID segment: field 5 is the patient's name, `SURNAME^GIVEN` (`PID|1||4627||DOE^JANE`).
        pattern: r"(?-u:\b)PID\|(?:[^|\r\n]*\|){4}[A-Za-z][A-Za-z'\- ]*\^[A-Za-z]",
        validate: None,
    },
    Spec {
        id: "pii.address",
        label: "address",
        pattern: r"(?-u:\b)[0-9]{1,6}[A-Za-z]? (?:(?:N|S|E|W|NE|NW|SE|SW)\.? )?(?:[A-Z](?:[a-z'\-]|[\x80-\xFF])+ ){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Pike|Ridge|Crossing|Xing|Alley|Plaza|Point|Heights|Park|Gardens|Row|Mews|Close|Crescent|Grove|Hill|Walk|Path|Pass|Expressway|Freeway|Turnpike|Junction|Landing|Manor|Meadows?|Orchard|Summit|Trace|Vista|Estates?|Hollow|Knolls?|Mills?|Springs?|Village|Isle|Cove|Creek|Bypass|Causeway|Crossroad|Fork|Lodge|Stravenue|Inlet|Overpass|Underpass|Parade|Circuit|Esplanade|Promenade|Rise|Glade|Chase|Fairway|Strip|Entrance|Colonnade|Corners?|Triangle|Formation|Concourse|Boardwalk|Brae|Quay|Wharf|Retreat|Outlook|Ridgeway|Lookout)(?-u:\b)",
        validate: None,
    },
    Spec {
        id: "pii.address",
        label: "address",
        pattern: r"(?:[A-Z](?:[a-z'\-]|[\x80-\xFF])+ ){0,3}[A-Z](?:[a-z'\-]|[\x80-\xFF])+,? (?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|AS|FM|MH|MP|PW|AA|AE|AP) [0-9]{5}(?:-[0-9]{4})?(?-u:\b)",
        validate: None,
    },
    Spec {
        id: "pii.address",
        label: "address",
        pattern: r"(?-u:\b)(?:(?:APO|FPO|DPO),? (?:AA|AE|AP),? [0-9]{5}|(?:AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT),? [A-Z][0-9][A-Z] ?[0-9][A-Z][0-9])(?-u:\b)",
        validate: None,
    },
    Spec {
        id: "pii.address",
        label: "address",
        pattern: r"(?-u:\b)[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}(?-u:\b)",
        validate: None,
    },
    Spec {
        id: "pii.address",
        label: "address",
        pattern: r", ?(?:[0-9]{5}|[0-9]{4} ?[A-Z]{2}|[0-9]{2}-[0-9]{3}|[0-9]{5}-?[0-9]{3}),? (?:(?:da|de|do|di|la|le|am|an|im) )?(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[a-z'\-]|[\x80-\xFF])+",
        validate: None,
    },
    Spec {
        id: "pii.address",
        label: "address",
        // A house number, then a four-digit or Swedish `NNN NN` postal code and a place after a
        // comma (`Hellestedvej 73, 2801 Store Merløse`, `Storgatan 4, 114 51 Stockholm`), and an
        // Australian state and postcode after a place (`Gregoryhaven, NT, 2657`, `Sydney NSW 2000`).
        pattern: r"(?-u:\b)[0-9]{1,4}[A-Za-z]?, ?(?:[0-9]{4}|[0-9]{3} [0-9]{2}),? (?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[a-z'\-]|[\x80-\xFF])+|[A-Z](?:[a-z'\-]|[\x80-\xFF])+,? (?:ACT|NSW|NT|QLD|SA|TAS|VIC|WA),? [0-9]{4}(?-u:\b)",
        validate: None,
    },
    Spec {
        id: "pii.address",
        label: "address",
        pattern: r"(?-u:\b)(?:Calle|Callej\xC3\xB3n|Cuesta|Pasadizo|Traves\xC3\xADa|Carretera|Urbanizaci\xC3\xB3n|Acceso|Ca\xC3\xB1ada|Partida|Senda|Avenida|Avda\.?|Paseo|Plaza|Camino|Ronda|Carrer|Rambla|Pasaje|Glorieta|Rua|Travessa|Rodovia|Alameda|Largo|Via|Viale|Piazza|Vicolo|Corso|Borgo|Strada|Contrada|ul\.|ulica|al\.|Aleja|Plac|os\.|Osiedle) (?:(?:de|del|la|las|los|da|do|dos|das|di|della|des|du|le|les|d'|l') ?)?(?:[A-Z](?:[a-z'\-]|[\x80-\xFF])+ ){0,4}[A-Z](?:[a-z'\-]|[\x80-\xFF])+,? [0-9]{1,5}(?-u:\b)",
        validate: None,
    },
    Spec {
        id: "pii.address",
        label: "address",
        pattern: r"(?-u:\b)[0-9]{1,4},? (?:rue|avenue|boulevard|chemin|all\xC3\xA9e|impasse|place|quai|route|Rue|Avenue|Boulevard|Chemin|Impasse|Place|Quai|Route) (?:[a-z']+ ){0,2}[A-Z](?:[a-z'\-]|[\x80-\xFF])+",
        validate: None,
    },
    Spec {
        id: "pii.address",
        label: "address",
        pattern: r"(?-u:\b)[A-Z](?:[a-z\-]|[\x80-\xFF])*(?:stra\xC3\x9Fe|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer|straat|laan|plein|gracht|singel|kade|dijk|steeg) [0-9]{1,4}[a-z]?(?-u:\b)",
        validate: None,
    },
];

/// Rejects file names such as `icon@2x.png` and local parts with leading or trailing dots.
fn email(hay: &[u8], m: std::ops::Range<usize>) -> bool {
    const FILE_EXTENSIONS: &[&[u8]] = &[
        b"png", b"jpg", b"jpeg", b"gif", b"svg", b"webp", b"css", b"js",
    ];
    let s = &hay[m];
    let Some(at) = s.iter().position(|b| *b == b'@') else {
        return false;
    };
    let tld = s
        .rsplit(|b| *b == b'.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let local = &s[..at];
    // A file extension glued to a neighbour (`icon@2x.png` + `ER` in a joined run) is no TLD.
    let file_name = FILE_EXTENSIONS
        .iter()
        .any(|e| tld.starts_with(e) && !(e == b"gif" && tld.starts_with(b"gift")));
    !local.starts_with(b".") && !local.ends_with(b".") && !file_name
}

/// IPv6 with enough hex to be an address rather than `a::b` in source code.
fn ipv6(hay: &[u8], m: std::ops::Range<usize>) -> bool {
    let s = &hay[m.clone()];
    let hex = s.iter().filter(|b| b.is_ascii_hexdigit()).count();
    let groups = s.split(|b| *b == b':').filter(|g| !g.is_empty()).count();
    hex >= 5 && groups >= 2 && check::ipv6(hay, m)
}

/// Either MRZ line, each with its own check.
fn mrz(hay: &[u8], m: std::ops::Range<usize>) -> bool {
    let glued = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'<');
    if glued(m.start.checked_sub(1).map(|i| &hay[i])) || glued(hay.get(m.end)) {
        return false;
    }
    if hay[m.start] == b'P' && check::mrz_line1(hay, m.clone()) {
        return true;
    }
    check::mrz_line2(hay, m)
}
