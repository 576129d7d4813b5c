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
