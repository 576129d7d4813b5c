//! The bundled example files and the TOML of a served dataset.

use std::path::{Path, PathBuf};

/// `path` under the repository's `examples/` directory (e.g. `logic/data`).
pub fn examples(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(path)
}

/// One `[[datasets]]` entry of a node file: the CSV dataset `name` in the directory `path`,
/// serving `capability`.
pub fn dataset_toml(name: &str, path: &Path, capability: &str) -> String {
    format!(
        "\n[[datasets]]\nname = \"{name}\"\npath = \"{}\"\nformat = \"csv\"\ncapability = \"{capability}\"\n",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_dataset_is_found() {
        assert!(examples("logic/data/patients.csv").is_file());
        let entry = dataset_toml("patients", Path::new("/d"), "demo/x");
        assert!(entry.contains("path = \"/d\"") && entry.contains("capability = \"demo/x\""));
    }
}
