use crate::{arg, assert_usage_error, nmp};

#[test]
fn missing_or_broken_config_and_missing_key_exit_2() {
    assert_usage_error(&nmp(&["node", "--config", "/nonexistent/node.toml"], b""));
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "identity = [unclosed\n").unwrap();
    assert_usage_error(&nmp(&["node", "--config", arg(&broken)], b""));
    let example = crate::repo().join("examples/node.toml");
    let text = std::fs::read_to_string(example).unwrap();
    let no_key = dir.path().join("node.toml");
    std::fs::write(&no_key, text).unwrap();
    // The example names a key file relative to the config; none exists in this directory.
    assert_usage_error(&nmp(&["node", "--config", arg(&no_key)], b""));
}
