//! Credential rules matched anywhere in text. Key-based credentials (`password=`, `api_key:`)
//! live in `field.rs`.

use super::Spec;
use super::check;

/// Regex rules for secrets, each tied to a provider's documented token format.
pub(crate) const RULES: &[Spec] = &[
    Spec {
        id: "secret.aws_access_key_id",
        label: "aws_access_key_id",
        pattern: r"(?-u:\b)(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}(?-u:\b)",
        validate: None,
    },
    Spec {
        id: "secret.aws_secret_key",
        label: "aws_secret_key",
        pattern: r"(?i)aws[A-Za-z_.\-]{0,24}(?:secret|private)[A-Za-z_.\-]{0,24}[\x22']?[ \t]*[:=][ \t]*[\x22']?[A-Za-z0-9/+]{40}",
        validate: None,
    },
    Spec {
        id: "secret.github_token",
        label: "github_token",
        pattern: r"(?-u:\b)(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})(?-u:\b)",
        validate: None,
    },
    Spec {
        id: "secret.gitlab_token",
        label: "gitlab_token",
        pattern: r"(?-u:\b)gl(?:pat|dt|rt|ptt)-[A-Za-z0-9_\-]{20,}",
        validate: None,
    },
    Spec {
        id: "secret.slack_token",
        label: "slack_token",
        pattern: r"(?-u:\b)xox[abposr]-[A-Za-z0-9\-]{10,}|https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,}",
        validate: None,
    },
    Spec {
        id: "secret.stripe_key",
        label: "stripe_key",
        pattern: r"(?-u:\b)(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
        validate: None,
    },
    Spec {
        id: "secret.openai_key",
        label: "openai_key",
        pattern: r"(?-u:\b)sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{48})",
        validate: None,
    },
    Spec {
        id: "secret.google_api_key",
        label: "google_api_key",
        pattern: r"(?-u:\b)AIza[0-9A-Za-z_\-]{35}",
        validate: None,
    },
    Spec {
        id: "secret.jwt",
        label: "jwt",
        pattern: r"(?-u:\b)eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*",
        validate: Some(check::jwt),
    },
    Spec {
        id: "secret.provider_key",
        label: "api_key",
        // Documented token formats of other providers: SendGrid, Twilio (API key and account
        // SIDs with 32 hex), npm, Hugging Face, Mailgun, Shopify, Anthropic, Postman,
        // DigitalOcean, Linear, PyPI, Telegram bots, Grafana, Databricks, Brevo, Square,
        // Atlassian, Azure storage account keys in connection strings.
        pattern: r"(?-u:\b)(?:SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}|SK[0-9a-f]{32}|npm_[A-Za-z0-9]{36}|hf_[A-Za-z]{34}|key-[0-9a-f]{32}|shp(?:at|ss|ca|pa)_[0-9a-fA-F]{32}|sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_\-]{80,}|PMAK-[0-9a-f]{24}-[0-9a-f]{34}|do[opr]_v1_[0-9a-f]{64}|lin_api_[A-Za-z0-9]{40}|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}|[0-9]{8,10}:AA[A-Za-z0-9_\-]{33}|gl(?:c|sa)_[A-Za-z0-9_+/=]{32,}|dapi[0-9a-f]{32}|xkeysib-[0-9a-f]{64}-[A-Za-z0-9]{16}|sq0(?:atp|csp)-[A-Za-z0-9_\-]{22,43}|ATATT3[A-Za-z0-9_\-=]{100,}|AC[0-9a-f]{32}|EAA[A-Za-z0-9]{80,})|AccountKey=[A-Za-z0-9+/]{86}==",
        validate: None,
    },
    Spec {
        id: "secret.oauth_token",
        label: "oauth_token",
        // Google OAuth access and refresh tokens, and the value after `Bearer` in a header.
        pattern: r"(?-u:\b)(?:ya29\.[A-Za-z0-9_\-]{30,}|1//0[A-Za-z0-9_\-]{40,})|(?i:bearer)[ \t]+[A-Za-z0-9\-._~+/]{20,}=*",
        validate: Some(check::bearer),
    },
    Spec {
        id: "secret.credential",
        label: "credential",
        // A password that a phrase or command line gives (`password is X`, `reset the password
        // to X`, `--password=X`, `mysql -u root -pX`, `curl -u user:X`).
        pattern: r"(?i)(?-u:\b)(?:password|passwd|passcode|pwd|pw|passphrase|passwort|kennwort|mot de passe|contrase(?:\xC3\xB1|n)a|wachtwoord|senha|has(?:\xC5\x82|l)o|salasana|l(?:\xC3\xB6|o)senord|passord)(?-u:\b)(?:[ \t]+(?:is|was|to|for|of|set|reset|changed|temporarily|now|[a-z0-9_.@\-]+ (?:is|to)))*(?:\*{0,2}[ \t]*[:=]\*{0,2}[ \t]*|[ \t]+)[\x22'`]?[^\s\x22'`]{8,64}|(?-u:\b)(?:mysql|mysqldump|mariadb)(?:[ \t]+-[A-Za-z]+(?:[ \t]+[^\s\-][^\s]*)?)*?[ \t]+-p[^\s\x22']{6,64}|(?:^|[ \t])(?:-u|--user)[ \t=][^\s:]{1,64}:[^\s]{6,64}(?:[ \t]|$)",
        validate: Some(check::password_phrase),
    },
    Spec {
        id: "secret.credential",
        label: "credential",
        // A password a command line or a credentials file gives: `htpasswd -b FILE USER PASS`,
        // `sshpass -p X`, `redis-cli -a X`, `mongo -p X`, `ldapsearch -w X`, `wget --password X`,
        // `echo X | sudo -S`, a `.pgpass` line (`host:port:db:user:password`), and
        // `credentials: user / X`, `creds: user:X`.
        pattern: r"(?-u:\b)htpasswd(?:[ \t]+-[A-Za-z]+)*[ \t]+-[A-Za-z]*b[A-Za-z]*(?:[ \t]+-[A-Za-z]+)*[ \t]+[^\s]+[ \t]+[^\s]+[ \t]+[^\s]{6,64}|(?-u:\b)(?:sshpass|redis-cli|mongo|mongosh|mongodump|mongorestore|mongoexport|mysqladmin|wget|smbclient|ldapsearch|ldapadd|ldapmodify|ldapwhoami)(?:[ \t]+[^\s|;&]+)*?[ \t]+(?:-p|-a|-w|--pass(?:word)?|--auth|--authpass)(?:[ \t]+|=)[\x22']?[^\s\x22']{6,64}|(?-u:\b)echo[ \t]+[\x22']?[^\s\x22']{6,64}[\x22']?[ \t]*\|[ \t]*sudo[ \t]+-S|(?m:^[A-Za-z0-9.\-*]+:(?:[0-9]{1,5}|\*):[^:\s]+:[^:\s]+:[^\s]{6,64}$)|(?i)(?-u:\b)(?:creds|credentials?|login)[ \t]*[:=]?[ \t]+[^\s:/,]{1,64}[ \t]*[/:][ \t]*[^\s]{6,64}",
        validate: Some(check::cli_password),
    },
    Spec {
        id: "secret.credential",
        label: "credential",
        // A secret or key that a phrase names (`the webhook signing secret is ...`, `HMAC key:
        // ...`, `encryption key ... to open`, `bearer token ...`).
        pattern: r"(?i)(?-u:\b)(?:secret|(?:encryption|signing|hmac|master|session|shared|private|webhook|api|access|client|aes|jwt|license|licence) key|api-?key|(?:access|bearer|auth|refresh|session|api|id) token|token)(?-u:\b)(?:[ \t]+(?:is|was|to|of|now))*(?:\*{0,2}[ \t]*[:=]\*{0,2}[ \t]*|[ \t]+)[\x22'`]?[^\s\x22'`]{16,}",
        validate: Some(check::secret_phrase),
    },
    Spec {
        id: "secret.private_key",
        label: "private_key",
        pattern: r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,\-]*?-----END [A-Z0-9 ]*-----)?",
        validate: None,
    },
    Spec {
        id: "secret.url_credentials",
        label: "url_credentials",
        pattern: r"(?-u:\b)[A-Za-z][A-Za-z0-9+.\-]{1,15}://[^\s:/@\x22'<>\[\]]{1,64}:[^\s:/@\x22'<>\[\]]{1,128}@",
        validate: None,
    },
];
