use super::*;

fn budget() -> Budget {
    Budget {
        window_secs: 60,
        queries: Some(3),
        bytes: Some(100),
        epsilon: Some(1.0),
    }
}

fn open() -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("budgets.redb"), MAX_ACCOUNTS).unwrap();
    (dir, ledger)
}

const QUERY: Charge = Charge {
    queries: 1,
    bytes: 0,
    epsilon: 0.3,
};

#[test]
fn charges_until_a_limit_then_refuses_with_the_renewal_time() {
    let (_dir, ledger) = open();
    let b = budget();
    let account = [Account {
        dataset: "patients",
        agent: b"agent-a",
        budget: &b,
    }];
    for n in 1..=3 {
        let s = ledger.charge(&[(account[0], QUERY)], 1_000).unwrap();
        assert_eq!(s[0].spent.queries, n);
        assert_eq!(s[0].remaining.queries, Some(3 - n));
        assert_eq!(s[0].renews_at_ms, 60_000);
    }
    let err = ledger.charge(&[(account[0], QUERY)], 2_000).unwrap_err();
    assert!(matches!(
        err,
        LedgerError::Exhausted {
            resource: Resource::Queries,
            all_agents: false,
            renews_at_ms: 60_000
        }
    ));
    // Another agent has its own budget.
    let other = [Account {
        agent: b"agent-b",
        ..account[0]
    }];
    ledger.charge(&[(other[0], QUERY)], 2_000).unwrap();
    // The window ends: renewed, until the end of the next one.
    let s = ledger.charge(&[(account[0], QUERY)], 60_000).unwrap();
    assert_eq!(s[0].spent.queries, 1);
    assert_eq!(s[0].renews_at_ms, 120_000);
}

#[test]
fn epsilon_and_bytes_limits_hold_at_the_boundary() {
    let (_dir, ledger) = open();
    let b = Budget {
        queries: None,
        ..budget()
    };
    let account = [Account {
        dataset: "d",
        agent: b"a",
        budget: &b,
    }];
    let tenth = Charge {
        epsilon: 0.1,
        ..Charge::default()
    };
    for _ in 0..10 {
        ledger.charge(&[(account[0], tenth)], 0).unwrap();
    }
    let err = ledger.charge(&[(account[0], tenth)], 0).unwrap_err();
    assert!(matches!(
        err,
        LedgerError::Exhausted {
            resource: Resource::Epsilon,
            ..
        }
    ));
    let bytes = |n| Charge {
        bytes: n,
        ..Charge::default()
    };
    ledger.charge(&[(account[0], bytes(100))], 0).unwrap();
    let err = ledger
        .charge(&[(account[0], Charge::default())], 0)
        .unwrap_err();
    assert!(matches!(
        err,
        LedgerError::Exhausted {
            resource: Resource::Bytes,
            ..
        }
    ));
}

#[test]
fn a_refused_charge_charges_no_account() {
    let (_dir, ledger) = open();
    let mine = budget();
    let shared = Budget {
        queries: Some(1),
        ..budget()
    };
    let accounts = [
        Account {
            dataset: "d",
            agent: b"a",
            budget: &mine,
        },
        Account {
            dataset: "d",
            agent: b"",
            budget: &shared,
        },
    ];
    ledger
        .charge(&[(accounts[0], QUERY), (accounts[1], QUERY)], 0)
        .unwrap();
    let err = ledger
        .charge(&[(accounts[0], QUERY), (accounts[1], QUERY)], 0)
        .unwrap_err();
    assert!(matches!(
        err,
        LedgerError::Exhausted {
            all_agents: true,
            ..
        }
    ));
    let s = ledger.standing(&accounts[0], 0).unwrap();
    assert_eq!(s.spent.queries, 1);
}

#[test]
fn spend_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("budgets.redb");
    let b = budget();
    let account = Account {
        dataset: "d",
        agent: b"a",
        budget: &b,
    };
    {
        let ledger = Ledger::open(&path, MAX_ACCOUNTS).unwrap();
        ledger.charge(&[(account, QUERY)], 0).unwrap();
        ledger.charge(&[(account, QUERY)], 0).unwrap();
    }
    let ledger = Ledger::open(&path, MAX_ACCOUNTS).unwrap();
    let s = ledger.standing(&account, 10).unwrap();
    assert_eq!(s.spent.queries, 2);
    assert!((s.spent.epsilon - 0.6).abs() < 1e-12);
    assert_eq!(s.remaining.bytes, Some(100));
}

#[test]
fn rows_round_trip() {
    let row = Row {
        renews_at_ms: 7,
        spent: Charge {
            queries: 1,
            bytes: 2,
            epsilon: 0.25,
        },
    };
    let back = Row::from_bytes(&row.to_bytes());
    assert_eq!(back.renews_at_ms, 7);
    assert_eq!(back.spent, row.spent);
}

#[test]
fn a_full_ledger_drops_expired_accounts_and_refuses_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("l.redb"), 2).unwrap();
    let b = budget();
    let account = |agent: &'static [u8]| Account {
        dataset: "d",
        agent,
        budget: &b,
    };
    ledger.charge(&[(account(b"a"), QUERY)], 0).unwrap();
    ledger.charge(&[(account(b"b"), QUERY)], 0).unwrap();
    // At the limit: known accounts still charge, a new one is refused.
    ledger.charge(&[(account(b"a"), QUERY)], 1).unwrap();
    assert!(matches!(
        ledger.charge(&[(account(b"c"), QUERY)], 1),
        Err(LedgerError::Full)
    ));
    // Once the windows end, their accounts make room.
    ledger.charge(&[(account(b"c"), QUERY)], 60_000).unwrap();
    assert_eq!(
        ledger
            .standing(&account(b"a"), 60_000)
            .unwrap()
            .spent
            .queries,
        0
    );
}
