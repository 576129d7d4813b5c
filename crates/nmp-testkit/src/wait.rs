//! Waiting for what arrives asynchronously (a provider record reaches the bootstrap peer in a
//! one-way Kademlia message, so a lookup right after a node starts can come before it).

use std::{future::Future, time::Duration};

/// Pause between two checks: 100 ms.
const PAUSE: Duration = Duration::from_millis(100);

/// Runs `check` until it returns `true` or `within` has passed; returns whether it held.
pub async fn eventually<F, Fut>(within: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let until = tokio::time::Instant::now() + within;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= until {
            return false;
        }
        tokio::time::sleep(PAUSE).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn it_checks_again_until_the_condition_holds_or_time_is_up() {
        let mut checks = 0;
        let held = eventually(Duration::from_secs(60), || {
            checks += 1;
            std::future::ready(checks == 3)
        })
        .await;
        assert!(held);
        assert_eq!(checks, 3);
        assert!(!eventually(Duration::ZERO, || std::future::ready(false)).await);
    }
}
